"""One publisher, several threads: every row sent once, each account's troubles kept to itself."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection

from socialops.channels.actions import simulate_faults
from socialops.channels.models import Channel
from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.core.models import AuditEvent
from socialops.publishing import engine
from socialops.publishing.models import Publication, PublishAttempt

from .factories import publication_of, sandbox_channel, sandbox_posts, scheduled_post

# The threads use their own connections: they only see what the test has committed. SQLite's
# in-memory test database locks whole tables between connections ("database table is locked",
# never waited for), so there these run on PostgreSQL only; test_worker_crashes.py runs
# `publisher --concurrency 4` processes against a SQLite file.
needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="threads need a database file or server"
)
pytestmark = pytest.mark.django_db(transaction=True)

State = Publication.State
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _fault(team: Any, channel: Channel, **faults: Any) -> None:
    simulate_faults(access=team.access("alice"), channel=channel, faults=faults)


@needs_server_db
def test_it_sends_a_batch_from_several_threads_each_row_once(team, clock, monkeypatch):
    channels = [sandbox_channel(team, handle=f"acme_{n}") for n in range(6)]
    posts = [
        scheduled_post(team, [channels[n % 6]], at=T0, body=f"第{n}条 #{n}") for n in range(18)
    ]
    threads: set[str] = set()
    original = SandboxConnector.publish

    def publish(self: SandboxConnector, request: Any, *, idempotency_key: str) -> Any:
        threads.add(threading.current_thread().name)
        return original(self, request, idempotency_key=idempotency_key)

    monkeypatch.setattr(SandboxConnector, "publish", publish)
    publisher = engine.Publisher(worker="w1", limit=50, concurrency=4)
    try:
        assert publisher.run_once() is True
        assert publisher.run_once() is False
    finally:
        publisher.close()

    assert {publication_of(post).state for post in posts} == {State.PUBLISHED}
    assert [len(sandbox_posts(channel)) for channel in channels] == [3] * 6
    assert len(threads) >= 2 and all(name.startswith("publish-") for name in threads)
    outcomes = PublishAttempt.objects.values_list("outcome", flat=True)
    assert list(outcomes) == [PublishAttempt.Outcome.PUBLISHED] * 18
    published = AuditEvent.objects.filter(action="publication.published").count()
    assert published == 18


@needs_server_db
def test_it_holds_back_only_the_rows_of_a_troubled_account(team, clock):
    limited, expired, fine = (sandbox_channel(team, handle=h) for h in ("lim", "exp", "ok"))
    rows = {
        channel.pk: [
            scheduled_post(team, [channel], at=T0, body=f"{channel.handle} {n}") for n in range(3)
        ]
        for channel in (limited, expired, fine)
    }
    _fault(team, limited, rate_limited=600)
    _fault(team, expired, auth_expired=True)
    publisher = engine.Publisher(worker="w1", concurrency=3)
    try:
        publisher.run_once()
    finally:
        publisher.close()

    first, *rest = (publication_of(post) for post in rows[limited.pk])
    assert first.state == State.SCHEDULED and first.error_code == "rate_limited"
    assert all(p.state == State.SCHEDULED and p.attempts == 0 for p in rest)  # not even tried
    first, *rest = (publication_of(post) for post in rows[expired.pk])
    assert first.state == State.FAILED and first.error_code == "auth_expired"
    assert all(p.state == State.SCHEDULED and p.attempts == 0 for p in rest)
    assert {publication_of(post).state for post in rows[fine.pk]} == {State.PUBLISHED}
    assert sandbox_posts(limited) == [] and sandbox_posts(expired) == []
    assert Channel.objects.get(pk=expired.pk).status == Channel.Status.RECONNECT_NEEDED


@needs_server_db
def test_it_hands_back_unsent_rows_from_every_thread_when_asked_to_stop(team, clock):
    channels = [sandbox_channel(team, handle=f"stop_{n}") for n in range(4)]
    posts = [scheduled_post(team, [channels[n % 4]], at=T0, body=f"停{n}") for n in range(8)]
    publisher = engine.Publisher(worker="w1", concurrency=4)
    try:
        assert publisher.run_once(should_stop=lambda: True) is True
    finally:
        publisher.close()

    for post in posts:
        publication = publication_of(post)
        assert publication.state == State.SCHEDULED and publication.attempts == 0
    assert PublishAttempt.objects.count() == 0
    assert sum(len(sandbox_posts(channel)) for channel in channels) == 0


@pytest.mark.django_db(transaction=False)
def test_it_gives_a_lanes_error_to_the_caller_once_all_lanes_ended():
    ran: list[int] = []

    def ok(n: int) -> Any:
        return lambda: ran.append(n)

    def broken() -> None:
        raise RuntimeError("boom")

    lanes = engine.Lanes(2)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            lanes.run([ok(1), broken, ok(2), ok(3)])
        lanes.run([ok(4)])
    finally:
        lanes.close()

    assert sorted(ran) == [1, 2, 3, 4]
    assert not any(thread.is_alive() for thread in lanes._threads)
