"""A channel and a conversation in alice's workspace, and English messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import Team
from socialops.content.models import EditorialRule
from socialops.core.clock import now
from socialops.inbox.models import Conversation, Message


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


def make_conversation(channel: Channel, kind: str = "comment", **fields: Any) -> Conversation:
    conversation = Conversation.objects.create(
        workspace=channel.workspace,
        channel=channel,
        kind=kind,
        thread_key=f"{kind}-{Conversation.objects.count() + 1}",
        author_remote_id="u1",
        author_handle="xiaoming",
        author_name="小明",
        **fields,
    )
    Message.objects.create(
        workspace=channel.workspace,
        conversation=conversation,
        channel=channel,
        direction=Message.Direction.INBOUND,
        remote_id=f"m-{conversation.pk}",
        author_remote_id="u1",
        author_handle="xiaoming",
        text="你们的快递太慢了，投诉！",
        created_at=now(),
    )
    return conversation


@pytest.fixture
def conversation(channel: Channel) -> Conversation:
    return make_conversation(channel)


def reply_rule(workspace: Any, kind: str, params: dict[str, Any], **fields: Any) -> EditorialRule:
    return EditorialRule.objects.create(
        workspace=workspace,
        kind=kind,
        params=params,
        scope=fields.pop("scope", EditorialRule.Scope.REPLIES),
        **fields,
    )


def words(*items: str) -> dict[str, Any]:
    return {"words": [{"word": w, "pinyin": False, "replacement": ""} for w in items]}
