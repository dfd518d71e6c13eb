"""The SLA through the inbox's real paths: ingestion stores a DM, an agent replies and resolves.

Uses the inbox's public functions (store_items, reply, set_status) rather than its test
factories; the hooks are what the inbox calls, unpatched.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from socialops.connectors.base import Author, InboxItem
from socialops.sla.actions import ensure_default_policies
from socialops.sla.models import Clock, SlaEvent
from socialops.sla.queries import badges

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def stored_dm(team, channel):
    from socialops.inbox.ingest import store_items
    from socialops.inbox.models import Conversation

    ensure_default_policies(team.workspace)
    friday = at(2026, 11, 27, 17, 50)
    with time_machine.travel(friday, tick=False) as traveller:
        item = InboxItem(
            kind="dm",
            remote_id="dm-1",
            author=Author(remote_id="u-42", handle="xiaoming", name="小明"),
            text="订单还没发货，请问怎么回事？",
            created_at=friday,
            thread_id="u-42",
        )
        store_items(channel, [item])
        store_items(channel, [item])  # synced twice: stored once, clocks once
        conversation = Conversation.objects.get(workspace=team.workspace, kind="dm")
        yield conversation, traveller


def test_it_runs_the_clock_from_ingestion_to_the_agents_reply(team, stored_dm, monkeypatch):
    from socialops.connectors.base import RemoteRef
    from socialops.connectors.sandbox.connector import SandboxConnector
    from socialops.inbox import actions

    # the DM was made up here, not by the simulated audience: the platform takes any answer
    monkeypatch.setattr(
        SandboxConnector, "reply", lambda self, item, text, idempotency_key: RemoteRef("r-1")
    )
    conversation, traveller = stored_dm
    first = Clock.objects.get(conversation=conversation, metric="first_response")
    assert first.started_at == at(2026, 11, 27, 17, 50)
    assert Clock.objects.filter(conversation=conversation).count() == 2
    assert badges([conversation])[conversation.pk].state == "running"

    traveller.move_to(at(2026, 11, 30, 9, 10))
    sent = actions.reply(
        access=team.access("dave"), conversation=conversation, text="您好，马上查询"
    )
    assert sent.send_state == "sent", sent.error_message

    event = SlaEvent.objects.get(clock=first)
    assert (event.outcome, event.elapsed_seconds, event.agent) == ("hit", 20 * 60, team.dave)
    assert badges([conversation])[conversation.pk].state == "hit"


def test_it_pauses_and_resolves_through_the_inbox_actions(team, stored_dm):
    from socialops.inbox import actions

    conversation, traveller = stored_dm
    dave = team.access("dave")
    traveller.move_to(at(2026, 11, 30, 9, 0))
    actions.set_status(access=dave, conversation=conversation, status="pending")
    assert set(Clock.objects.values_list("state", flat=True)) == {"paused"}

    traveller.move_to(at(2026, 11, 30, 10, 0))
    conversation.refresh_from_db()
    actions.set_status(access=dave, conversation=conversation, status="open")
    first = Clock.objects.get(metric="first_response")
    assert first.due_at == at(2026, 11, 30, 10, 20)  # 10 minutes used on Friday

    conversation.refresh_from_db()
    actions.set_priority(access=dave, conversation=conversation, priority=3)
    first.refresh_from_db()
    assert first.target_seconds == 15 * 60 and first.calendar is None

    conversation.refresh_from_db()
    actions.set_status(access=dave, conversation=conversation, status="resolved")
    states = dict(Clock.objects.values_list("metric", "state"))
    assert states == {"first_response": "cancelled", "resolution": "hit"}
