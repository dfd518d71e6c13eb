"""Fixtures of the inbox-ui tests (the ingest tests build their own from factories.py)."""

from __future__ import annotations

from typing import Any

import pytest

from socialops.channels.models import Channel
from socialops.conftest import Team
from socialops.inbox.models import Conversation, Label

from . import factories


@pytest.fixture
def channel(team: Team) -> Channel:
    return factories.sandbox_channel(team)


@pytest.fixture
def convo(channel: Channel) -> Conversation:
    """An open DM from a customer, with one inbound message."""
    conversation = factories.conversation(channel, author="u42", author_name="王小明")
    factories.inbound(conversation, "我的订单还没发货，怎么回事？")
    return conversation


@pytest.fixture
def label(team: Team) -> Label:
    return Label.objects.create(workspace=team.workspace, name="物流", color="#ff8800")


def many(channel: Channel, n: int, **fields: Any) -> list[Conversation]:
    """n conversations, each with an inbound message, one minute apart (the last is newest)."""
    from datetime import timedelta

    from socialops.core.clock import now

    start = now() - timedelta(minutes=n)
    made = []
    for index in range(n):
        conversation = factories.conversation(channel, author=f"a{index}", **fields)
        factories.inbound(conversation, f"消息{index}", at=start + timedelta(minutes=index))
        made.append(conversation)
    return made


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace inbox.sending.deliver (ingest's) with a fake that marks the message SENT.

    Returns the ids it was called with. Works whether or not sending.py exists yet.
    """
    import sys
    import types

    from socialops.inbox.models import Message

    calls: list[int] = []

    def deliver(message_id: int) -> Message:
        calls.append(message_id)
        Message.objects.filter(pk=message_id).update(
            send_state=Message.SendState.SENT, remote_id=f"sent-{message_id}"
        )
        return Message.objects.get(pk=message_id)

    try:
        import socialops.inbox.sending as sending

        monkeypatch.setattr(sending, "deliver", deliver)
    except ImportError:
        module = types.ModuleType("socialops.inbox.sending")
        module.deliver = deliver  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "socialops.inbox.sending", module)
    return calls


@pytest.fixture
def guidebook(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The guidebook's findings for every reply: append Finding objects to the returned list."""
    import socialops.guidebook.lint as lint_module

    findings: list[Any] = []
    monkeypatch.setattr(lint_module, "lint_reply", lambda workspace, **kw: list(findings))
    return findings


def finding(severity: str = "error", text: str = "", matched: str = "亲") -> Any:
    from socialops.content.rules.engine import Finding

    start = text.find(matched) if text else 0
    return Finding(
        rule_id=1,
        kind="forbidden_words",
        severity=severity,
        message=f"“{matched}” is not allowed in replies.",
        start=max(start, 0),
        end=max(start, 0) + len(matched),
        matched=matched,
        fix="Remove it.",
    )


def other_channel(team: Team) -> Channel:
    """A sandbox account of charlie's workspace (Globex)."""
    from socialops.channels.actions import connect_channel

    return connect_channel(
        access=team.access("charlie", team.other),
        connector="sandbox",
        fields={"display_name": "Globex", "handle": "globex"},
        platform="weibo",
    )
