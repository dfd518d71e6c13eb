"""The sync as a job: leases, pages, cursors, platform errors, races, our own messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation

from socialops.channels.actions import simulate_faults
from socialops.channels.models import Channel
from socialops.connectors.sandbox import connector as sandbox_connector
from socialops.inbox import arrival, ingest
from socialops.inbox.models import Conversation, Message, SyncCursor

from .factories import audience_writes, item, persona, sandbox_channel, sync

T0 = datetime(2026, 8, 3, 2, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_it_skips_an_account_another_sync_holds(team):
    channel = sandbox_channel(team)
    audience_writes(channel, "在吗")
    row = ingest.cursor_of(channel)
    assert ingest.take_lease(row, worker="other")

    result = sync(channel)

    assert result.skipped and result.fetched == 0
    assert not Message.objects.exists()
    assert SyncCursor.objects.get().locked_by == "other"  # not released by the skipped sync


def test_it_takes_over_a_lease_that_ran_out(team, clock):
    channel = sandbox_channel(team)
    audience_writes(channel, "在吗")
    ingest.take_lease(ingest.cursor_of(channel), worker="dead", lease=timedelta(minutes=5))
    clock.shift(timedelta(minutes=6))

    result = sync(channel)

    assert not result.skipped and result.stored == 1
    assert SyncCursor.objects.get().locked_until is None


def test_it_reads_page_by_page_up_to_the_limit(team, monkeypatch):
    monkeypatch.setattr(sandbox_connector, "INBOX_PAGE", 2)
    channel = sandbox_channel(team)
    for n in range(5):
        audience_writes(channel, f"第{n}条", author=persona(channel, n))

    first = sync(channel, limit_pages=2)
    second = sync(channel, limit_pages=2)

    assert (first.pages, first.stored, first.has_more) == (2, 4, True)
    assert (second.stored, second.has_more) == (1, False)
    cursor = SyncCursor.objects.get()
    assert cursor.fetched_total == 5 and cursor.synced_at == T0 and cursor.last_error == ""


def test_it_flags_the_account_when_its_authorisation_expired(team):
    channel = sandbox_channel(team)
    audience_writes(channel, "在吗")
    simulate_faults(access=team.access("alice"), channel=channel, faults={"auth_expired": True})

    result = sync(channel)

    channel.refresh_from_db()
    assert channel.status == Channel.Status.RECONNECT_NEEDED
    assert result.error.startswith("auth_expired:")
    assert SyncCursor.objects.get().last_error == result.error
    assert not Message.objects.exists()
    assert sync(channel).skipped  # a flagged account waits for its reconnection


def test_it_records_other_platform_errors_on_the_cursor(team, monkeypatch):
    channel = sandbox_channel(team)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"permanent": "封禁"})
    original = sandbox_connector.SandboxConnector.fetch_inbox

    def refused(self: Any, cursor: str | None) -> Any:
        self._account(write=True)  # the permanent fault applies to writes: make it apply here
        return original(self, cursor)

    monkeypatch.setattr(sandbox_connector.SandboxConnector, "fetch_inbox", refused)
    result = sync(channel)

    cursor = SyncCursor.objects.get()
    assert result.error == "rejected: 封禁 [20019]"
    assert (cursor.last_error, cursor.last_error_at, cursor.locked_until) == (
        result.error,
        T0,
        None,
    )
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED


def test_it_records_a_rate_limit_and_waits(team):
    channel = sandbox_channel(team)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"rate_limited": 60})

    result = sync(channel)

    cursor = SyncCursor.objects.get()
    assert result.error.startswith("rate_limited: Rate limited (simulated) [10023]")
    assert (cursor.last_error, cursor.last_error_at) == (result.error, T0)
    assert cursor.locked_until == T0 + timedelta(seconds=60)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED


def test_it_leaves_a_rate_limited_account_alone_for_as_long_as_asked(team, clock):
    channel = sandbox_channel(team)
    audience_writes(channel, "在吗")
    simulate_faults(access=team.access("alice"), channel=channel, faults={"rate_limited": 90})
    sync(channel)
    simulate_faults(access=team.access("alice"), channel=channel, faults={})

    assert sync(channel).skipped
    clock.shift(timedelta(seconds=91))
    assert sync(channel).stored == 1


def test_it_writes_nothing_of_a_page_that_fails_half_way(team, monkeypatch):
    channel = sandbox_channel(team)
    audience_writes(channel, "一", author=persona(channel, 0))
    audience_writes(channel, "二", author=persona(channel, 1))

    def broken(message: Message) -> None:
        if message.text == "二":
            raise RuntimeError("the SLA clock broke")

    monkeypatch.setattr("socialops.sla.hooks.on_inbound", broken)
    result = sync(channel)

    assert result.error == "RuntimeError: the SLA clock broke"
    assert not Message.objects.exists() and not Conversation.objects.exists()
    assert SyncCursor.objects.get().cursor == ""
    monkeypatch.setattr("socialops.sla.hooks.on_inbound", lambda message: None)
    assert sync(channel).stored == 2


def test_it_stores_what_a_racing_process_did_not(team, monkeypatch):
    channel = sandbox_channel(team)
    early = item("dm", author="u1", text="一")
    later = item("dm", author="u1", text="二")
    ingest.store_items(channel, [early])
    real = arrival._insert_messages

    def racing(plan: Any) -> bool:
        monkeypatch.setattr(arrival, "_insert_messages", real)
        ingest.store_items(channel, [later])  # another process stores one of ours first
        return real(plan)

    monkeypatch.setattr(arrival, "_insert_messages", racing)
    stored = ingest.store_items(channel, [early, later, item("dm", author="u2", text="三")])

    assert [m.text for m in stored.messages] == ["三"]
    assert stored.duplicates == 2
    assert Message.objects.count() == 3
    assert Conversation.objects.get(author_remote_id="u1").message_count == 2


def test_it_stores_our_own_answers_as_outbound(team):
    channel = sandbox_channel(team)
    ours = channel.remote_id
    question = item("comment", author="u1", thread_id="p1", text="多少钱")
    answer = item("comment", author=ours, thread_id="p1", parent_id=question.remote_id, text="99")
    stray = item("comment", author=ours, thread_id="p2", text="我们自己的评论")

    stored = ingest.store_items(channel, [question, answer, stray])

    assert stored.unplaced == 1
    conversation = Conversation.objects.get()
    outbound = Message.objects.get(direction="out")
    assert (outbound.text, outbound.send_state, outbound.conversation_id) == (
        "99",
        "sent",
        conversation.pk,
    )
    assert conversation.message_count == 2
    assert not conversation.unanswered
    assert conversation.first_response_at == answer.created_at


def test_it_syncs_every_connected_account_with_an_inbox(team):
    from socialops.inbox.tasks import sync_inboxes

    first, second = sandbox_channel(team, "acme_a"), sandbox_channel(team, "acme_b")
    audience_writes(first, "一")
    audience_writes(second, "二")
    simulate_faults(access=team.access("alice"), channel=second, faults={"auth_expired": True})
    sync(second)  # flagged: left out from now on
    audience_writes(first, "三", author=persona(first, 3))

    stored = sync_inboxes.call_local()

    assert stored == 2
    assert Message.objects.filter(channel=second).count() == 0


def test_it_syncs_an_account_on_request(team, monkeypatch):
    from huey.contrib.djhuey import HUEY

    channel = sandbox_channel(team)
    audience_writes(channel, "在吗")
    monkeypatch.setattr(HUEY, "immediate", True)  # the worker runs the task at once

    ingest.request_sync(channel)

    assert Message.objects.get().text == "在吗"


def test_it_syncs_a_whole_workspace_on_request(team, monkeypatch):
    from huey.contrib.djhuey import HUEY

    first, second = sandbox_channel(team, "acme_a"), sandbox_channel(team, "acme_b")
    audience_writes(first, "一")
    audience_writes(second, "二")
    monkeypatch.setattr(HUEY, "immediate", True)

    assert ingest.request_workspace_sync(team.workspace) == 2

    assert sorted(Message.objects.values_list("text", flat=True)) == ["一", "二"]
    assert ingest.request_workspace_sync(team.other) == 0
