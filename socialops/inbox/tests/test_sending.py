"""Sending replies through the sandbox: sent once, failures kept, timeouts reconciled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation

from socialops.channels.actions import disconnect_channel, simulate_faults
from socialops.channels.models import Channel
from socialops.conftest import logged_after
from socialops.core.models import AuditEvent
from socialops.inbox import sending
from socialops.inbox.models import Conversation, Message

from .factories import (
    audience_writes,
    persona,
    reply,
    sandbox_channel,
    sandbox_replies,
    sync,
)

T0 = datetime(2026, 8, 3, 2, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dm(team: Any) -> Conversation:
    """A DM conversation on a sandbox account: one question from the audience, synced."""
    channel = sandbox_channel(team)
    audience_writes(channel, "你好", author=persona(channel, 0))
    audience_writes(channel, "请问发货了吗?", author=persona(channel, 0))
    sync(channel)
    return Conversation.objects.get()


def test_it_sends_a_reply_to_the_newest_inbound_message(team, dm, monkeypatch):
    answered: list[Message] = []
    monkeypatch.setattr("socialops.sla.hooks.on_outbound", answered.append)
    row = reply(dm, "已发货，单号稍后私信您", by=team.dave)

    sent = sending.deliver(row.pk)

    (ours,) = sandbox_replies(dm.channel)
    assert ours.parent is not None and ours.parent.text == "请问发货了吗?"
    assert ours.text == "已发货，单号稍后私信您" and ours.idempotency_key == row.idempotency_key
    assert (sent.send_state, sent.remote_id, sent.error_code) == ("sent", str(ours.number), "")
    assert sent.url.endswith(f"/{ours.number}")
    dm.refresh_from_db()
    assert not dm.unanswered
    assert dm.first_response_at == dm.last_outbound_at == T0
    assert dm.preview == "已发货，单号稍后私信您"
    assert [m.pk for m in answered] == [row.pk]
    event = AuditEvent.objects.get(action="inbox.reply_sent")
    assert (event.actor, event.target_id) == (team.dave, str(row.pk))


def test_it_sends_a_reply_once_when_delivered_twice(dm):
    row = reply(dm)

    first = sending.deliver(row.pk)
    second = sending.deliver(row.pk)

    assert first.send_state == second.send_state == "sent"
    assert len(sandbox_replies(dm.channel)) == 1
    assert AuditEvent.objects.filter(action="inbox.reply_sent").count() == 1


def test_it_leaves_a_reply_another_delivery_is_sending(dm):
    row = reply(dm)
    Message.objects.filter(pk=row.pk).update(remote_id=sending.claim_mark())

    result = sending.deliver(row.pk)

    assert result.send_state == "sending"
    assert sandbox_replies(dm.channel) == []


def test_it_keeps_the_platforms_refusal_on_the_message(team, dm):
    simulate_faults(
        access=team.access("alice"), channel=dm.channel, faults={"permanent": "含有违禁词"}
    )
    row = reply(dm)

    failed = sending.deliver(row.pk)

    assert (failed.send_state, failed.error_code, failed.remote_id) == ("failed", "rejected", "")
    assert failed.error_message == "含有违禁词 [20019]"
    dm.refresh_from_db()
    assert dm.unanswered and dm.first_response_at is None
    assert logged_after(AuditEvent.objects.get(action="inbox.reply_failed"))["code"] == "rejected"


def test_it_flags_the_account_when_a_reply_meets_an_expired_token(team, dm):
    simulate_faults(access=team.access("alice"), channel=dm.channel, faults={"auth_expired": True})

    failed = sending.deliver(reply(dm).pk)

    assert (failed.send_state, failed.error_code) == ("failed", "auth_expired")
    assert Channel.objects.get(pk=dm.channel_id).status == Channel.Status.RECONNECT_NEEDED


def test_it_does_not_send_through_a_disconnected_account(team, dm):
    disconnect_channel(access=team.access("alice"), channel=dm.channel)

    failed = sending.deliver(reply(dm).pk)

    assert (failed.send_state, failed.error_code) == ("failed", "not_connected")


def test_it_reconciles_a_timed_out_reply_without_sending_it_twice(team, dm, clock):
    simulate_faults(access=team.access("alice"), channel=dm.channel, faults={"timeout": True})
    row = reply(dm)

    unknown = sending.deliver(row.pk)
    assert (unknown.send_state, unknown.error_code) == ("unconfirmed", "outcome_unknown")
    assert len(sandbox_replies(dm.channel)) == 1  # the platform took it; we could not tell
    clock.shift(timedelta(minutes=1))

    assert sending.sweep() == 1

    settled = Message.objects.get(pk=row.pk)
    (ours,) = sandbox_replies(dm.channel)
    assert (settled.send_state, settled.remote_id) == ("sent", str(ours.number))
    assert AuditEvent.objects.filter(action="inbox.reply_reconciled").count() == 1


def test_it_makes_a_reply_whose_sender_died_unconfirmed(dm, clock):
    row = reply(dm)
    Message.objects.filter(pk=row.pk).update(remote_id=sending.claim_mark())
    clock.shift(sending.CLAIM_TIMEOUT + timedelta(seconds=1))
    lost = Message.objects.get(pk=row.pk)

    sending.sweep()

    lost.refresh_from_db()
    # the sandbox then settles it: the reply was never sent, so it goes out now, once
    assert lost.send_state == "sent"
    event = AuditEvent.objects.get(action="inbox.reply_unconfirmed")
    assert logged_after(event)["code"] == "worker_lost"
    assert len(sandbox_replies(dm.channel)) == 1


def test_it_sends_a_reply_whose_task_was_lost(dm, clock):
    row = reply(dm)
    clock.shift(timedelta(minutes=2))

    sending.sweep()

    assert Message.objects.get(pk=row.pk).send_state == "sent"


def test_it_lets_a_person_settle_an_unconfirmed_reply(team, dm):
    simulate_faults(access=team.access("alice"), channel=dm.channel, faults={"timeout": True})
    row = sending.deliver(reply(dm).pk)

    settled = sending.settle_unconfirmed(access=team.access("dave"), message=row, sent=False)

    assert (settled.send_state, settled.error_code) == ("failed", "not_sent")
    assert AuditEvent.objects.get(action="inbox.reply_failed").actor == team.dave


def test_it_refuses_to_settle_for_someone_who_cannot_reply(team, dm):
    from socialops.accounts.queries import AccessDenied

    simulate_faults(access=team.access("alice"), channel=dm.channel, faults={"timeout": True})
    row = sending.deliver(reply(dm).pk)

    with pytest.raises(AccessDenied):
        sending.settle_unconfirmed(access=team.access("erin"), message=row, sent=True)
    assert Message.objects.get(pk=row.pk).send_state == "unconfirmed"


def test_it_keeps_a_reply_unconfirmed_while_its_account_needs_reconnecting(team, dm, clock):
    simulate_faults(access=team.access("alice"), channel=dm.channel, faults={"timeout": True})
    row = sending.deliver(reply(dm).pk)
    simulate_faults(access=team.access("alice"), channel=dm.channel, faults={"auth_expired": True})
    sync(dm.channel)  # the sync meets the expired token and flags the account
    clock.shift(timedelta(minutes=1))

    sending.sweep()

    assert Message.objects.get(pk=row.pk).send_state == "unconfirmed"
    assert len(sandbox_replies(dm.channel)) == 1
