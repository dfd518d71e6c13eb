"""Small helpers of the SLA tests: an account, conversations and messages made directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.utils import translation

from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import Team
from socialops.core.clock import now
from socialops.inbox.models import Conversation, Message
from socialops.sla import hooks


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def team(team: Team) -> Team:
    """The shared personas reading English, in workspaces without SLA policies yet (whether or
    not creating a workspace adds the defaults): each test sets up the policies it is about."""
    from socialops.accounts.models import User
    from socialops.sla.models import Calendar, Policy

    User.objects.update(language="en")
    Policy.objects.all().delete()
    Calendar.objects.all().delete()
    return team


@pytest.fixture
def channel(team: Team) -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_official"},
    )


@dataclass
class Inbox:
    """Conversations and messages as the inbox would store them, with the hooks called."""

    channel: Channel
    counter: int = 0

    def conversation(self, kind: str = "dm", priority: int = 1, **fields: Any) -> Conversation:
        self.counter += 1
        return Conversation.objects.create(
            workspace=self.channel.workspace,
            channel=self.channel,
            kind=kind,
            priority=priority,
            thread_key=f"t{self.counter}",
            author_name=fields.pop("author_name", "小明"),
            **fields,
        )

    def inbound(
        self, conversation: Conversation, at: datetime | None = None, text: str = "你好"
    ) -> Message:
        self.counter += 1
        at = at or now()
        message = Message.objects.create(
            workspace=conversation.workspace,
            conversation=conversation,
            channel=conversation.channel,
            direction=Message.Direction.INBOUND,
            remote_id=f"m{self.counter}",
            text=text,
            created_at=at,
            received_at=at,
        )
        conversation.last_inbound_at = at
        conversation.unanswered = True
        conversation.save()
        hooks.on_inbound(message)
        return message

    def outbound(
        self, conversation: Conversation, by: Any = None, at: datetime | None = None
    ) -> Message:
        self.counter += 1
        at = at or now()
        message = Message.objects.create(
            workspace=conversation.workspace,
            conversation=conversation,
            channel=conversation.channel,
            direction=Message.Direction.OUTBOUND,
            remote_id=f"m{self.counter}",
            text="您好，已处理",
            created_at=at,
            received_at=at,
            sent_by=by,
            send_state=Message.SendState.SENT,
        )
        if conversation.first_response_at is None:
            conversation.first_response_at = at
        conversation.unanswered = False
        conversation.last_outbound_at = at
        conversation.save()
        hooks.on_outbound(message)
        return message

    def status(self, conversation: Conversation, status: str) -> None:
        old = conversation.status
        conversation.status = status
        conversation.save()
        hooks.on_status_changed(conversation, old)

    def priority(self, conversation: Conversation, priority: int) -> None:
        conversation.priority = priority
        conversation.save()
        hooks.on_priority_changed(conversation)


@pytest.fixture
def inbox(channel: Channel) -> Inbox:
    return Inbox(channel)
