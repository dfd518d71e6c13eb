"""Fixtures for the contacts tests: English messages, a sandbox account, inbox rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import translation

from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import Team
from socialops.core.clock import now


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(team: Team) -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_official"},
    )


def add_message(
    channel: Channel,
    *,
    author_remote_id: str = "",
    author_handle: str = "",
    text: str = "你好",
    direction: str = "in",
    kind: str = "comment",
    at: datetime | None = None,
    thread: str = "",
) -> Any:
    """A conversation (one per author and kind) with one more message in it, linked to the
    author's contact and noted as ingestion does (contacts.linking)."""
    from socialops.contacts.linking import contact_for_author, note_interaction
    from socialops.inbox.models import Conversation, Message

    at = at or now()
    conversation, _created = Conversation.objects.get_or_create(
        channel=channel,
        kind=kind,
        thread_key=thread or f"{kind}:{author_remote_id or author_handle}",
        defaults={
            "workspace": channel.workspace,
            "author_remote_id": author_remote_id,
            "author_handle": author_handle,
            "author_name": author_handle,
            "contact": contact_for_author(
                channel.workspace,
                platform=channel.platform,
                remote_id=author_remote_id,
                handle=author_handle,
            ),
        },
    )
    ours = direction == "out"
    message = Message.objects.create(
        workspace=channel.workspace,
        conversation=conversation,
        channel=channel,
        direction=direction,
        remote_id=f"m{Message.objects.count() + 1}",
        author_remote_id=channel.remote_id if ours else author_remote_id,
        author_handle=channel.handle if ours else author_handle,
        text=text,
        created_at=at,
        send_state="sent" if ours else "received",
    )
    if conversation.contact is not None:
        note_interaction(conversation.contact, message)
    return message
