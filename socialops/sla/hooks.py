"""What the inbox tells the SLA clocks. Called inside the inbox's own transactions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialops.inbox.models import Conversation, Message


def on_inbound(message: Message) -> None:
    """A customer's message was stored: start or restart the response clocks."""


def on_outbound(message: Message) -> None:
    """Our reply was sent: stop the running response clock (first or next response)."""


def on_status_changed(conversation: Conversation, old_status: str) -> None:
    """Pending pauses the clocks, open resumes them, resolved stops resolution, spam cancels."""


def on_priority_changed(conversation: Conversation) -> None:
    """A new priority may pick a different policy: move the running clocks' targets."""
