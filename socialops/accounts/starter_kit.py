"""A new workspace's first drafts: each app adds its own (guidebook, response-time targets…).

The apps listen for ``starter_kit_wanted`` and add only what is missing, auditing what they add,
so filling the kit again (the demo does on every start) changes nothing that is there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialops.accounts.signals import starter_kit_wanted

if TYPE_CHECKING:
    from socialops.accounts.models import User, Workspace


def fill_starter_kit(workspace: Workspace, *, actor: User | None = None) -> None:
    starter_kit_wanted.send(sender=type(workspace), workspace=workspace, actor=actor)
