"""Assignment rules applied when a conversation arrives."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialops.inbox.models import Conversation


def assign_on_arrival(conversation: Conversation) -> None:
    """The first enabled rule that matches picks the assignee; no rule, no assignee."""
