"""The guidebook's checks on a reply, through the editorial-rules engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialops.accounts.models import Workspace
    from socialops.content.rules.engine import Finding


def lint_reply(workspace: Workspace, *, platform: str, kind: str, text: str) -> list[Finding]:
    """Findings for a reply about to be sent (kind: comment, mention or dm); errors block it."""
    return []
