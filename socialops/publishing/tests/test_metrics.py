"""Metrics collection after publishing: the 1 h … 7 d schedule against the sandbox, and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from socialops.channels.actions import connector_for
from socialops.channels.models import Channel
from socialops.core.clock import now
from socialops.publishing import metrics
from socialops.publishing.models import MetricSnapshot, Publication
from socialops.publishing.tasks_metrics import collect_metrics

from .tracking import manual_account, published, sandbox_account

# A Tuesday, 12:00 in Shanghai: the simulated audience is awake.
START = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def channel(team: Any, clock: Any) -> Channel:
    return sandbox_account(team)


def steps(publication: Publication) -> list[str]:
    return list(publication.metrics.order_by("collected_at", "id").values_list("step", flat=True))


def test_it_collects_at_1h_6h_24h_3d_and_7d_as_the_numbers_grow(team, clock, channel):
    publication = published(channel, at=START)
    impressions: list[int] = []
    for label, offset in [
        ("1h", timedelta(hours=1)),
        ("6h", timedelta(hours=6)),
        ("24h", timedelta(hours=24)),
        ("3d", timedelta(days=3)),
        ("7d", timedelta(days=7)),
    ]:
        clock.move_to(START + offset - timedelta(minutes=1))
        assert metrics.collect_due(limit=10) == 0  # not due yet
        clock.move_to(START + offset + timedelta(seconds=30))
        assert metrics.collect_due(limit=10) == 1
        latest = MetricSnapshot.objects.filter(publication=publication).latest("id")
        assert latest.step == label
        assert latest.collected_at == now()
        assert latest.impressions is not None
        impressions.append(latest.impressions)

    publication.refresh_from_db()
    assert steps(publication) == ["1h", "6h", "24h", "3d", "7d"]
    assert publication.metrics_due_at is None and publication.metrics_step == 5
    assert impressions == sorted(impressions)  # they only grow
    assert impressions[0] < impressions[2]  # a day brings more readers than an hour
    clock.move_to(START + timedelta(days=30))
    assert metrics.collect_due(limit=10) == 0


def test_it_labels_a_late_collection_with_the_latest_step_that_passed(team, clock, channel):
    publication = published(channel, at=START)
    clock.move_to(START + timedelta(hours=30))  # the worker was down for a day

    assert metrics.collect_due(limit=10) == 1

    publication.refresh_from_db()
    assert steps(publication) == ["24h"]
    assert publication.metrics_step == 3
    assert publication.metrics_due_at == START + timedelta(days=3)


def test_it_fetches_each_accounts_publications_in_one_call(team, clock, channel, monkeypatch):
    other = sandbox_account(team, handle="acme_other")
    rows = [published(channel, at=START, body=f"第{n}条") for n in range(3)]
    rows.append(published(other, at=START, body="另一个账号"))
    calls: list[int] = []
    original = metrics.fetch

    def counting(channel: Channel, publications: Any) -> Any:
        calls.append(len(publications))
        return original(channel, publications)

    monkeypatch.setattr(metrics, "fetch", counting)
    clock.move_to(START + timedelta(hours=1, minutes=1))

    assert metrics.collect_due(limit=10) == 4
    assert sorted(calls) == [1, 3]
    assert MetricSnapshot.objects.filter(publication__in=rows, step="1h").count() == 4


def test_it_lets_one_worker_claim_a_row_until_its_lease_runs_out(team, clock, channel):
    publication = published(channel, at=START)
    at = START + timedelta(hours=1, minutes=1)
    clock.move_to(at)

    first = metrics.claim_due(limit=10, at=at)
    second = metrics.claim_due(limit=10, at=at)

    assert [p.pk for p in first] == [publication.pk] and second == []
    clock.move_to(at + metrics.LEASE + timedelta(seconds=1))  # the first worker died
    assert metrics.collect_due(limit=10) == 1
    assert steps(publication) == ["1h"]


def test_it_waits_and_flags_the_account_when_its_authorisation_expired(team, clock, channel):
    publication = published(channel, at=START)
    with connector_for(channel) as connector:
        connector.inject_faults({"auth_expired": True})
    at = START + timedelta(hours=1, minutes=1)
    clock.move_to(at)

    assert metrics.collect_due(limit=10) == 1

    publication.refresh_from_db()
    channel.refresh_from_db()
    assert channel.status == Channel.Status.RECONNECT_NEEDED
    assert steps(publication) == []
    assert publication.metrics_step == 0
    assert publication.metrics_due_at == at + metrics.RECONNECT_RETRY
    clock.move_to(at + timedelta(minutes=30))
    assert metrics.collect_due(limit=10) == 0


def test_it_waits_as_long_as_a_rate_limit_says(team, clock, channel):
    publication = published(channel, at=START)
    with connector_for(channel) as connector:
        connector.inject_faults({"rate_limited": 900})
    at = START + timedelta(hours=1, minutes=1)
    clock.move_to(at)

    metrics.collect_due(limit=10)

    publication.refresh_from_db()
    assert publication.metrics_due_at == at + timedelta(seconds=900)
    assert publication.metrics_step == 0 and steps(publication) == []
    with connector_for(channel) as connector:
        connector.inject_faults({})
    clock.move_to(at + timedelta(seconds=901))
    assert metrics.collect_due(limit=10) == 1
    assert steps(publication) == ["1h"]


def test_it_stops_the_schedule_where_the_platform_has_no_metrics(team, clock):
    channel = manual_account(team)
    publication = published(
        channel, at=START, on_platform=False, url="https://www.xiaohongshu.com/explore/1"
    )
    clock.move_to(START + timedelta(hours=2))

    assert metrics.collect_due(limit=10) == 1

    publication.refresh_from_db()
    assert publication.metrics_due_at is None and steps(publication) == []


def test_it_skips_a_step_the_platform_refuses_for_good(team, clock, channel):
    publication = published(channel, at=START)
    Publication.objects.filter(pk=publication.pk).update(remote_id="not-a-number")
    clock.move_to(START + timedelta(hours=1, minutes=1))

    metrics.collect_due(limit=10)

    publication.refresh_from_db()
    assert publication.metrics_step == 1
    assert publication.metrics_due_at == START + timedelta(hours=6)


def test_it_leaves_unpublished_rows_alone(team, clock, channel):
    publication = published(channel, at=START)
    Publication.objects.filter(pk=publication.pk).update(state=Publication.State.CANCELLED)
    clock.move_to(START + timedelta(hours=2))

    assert metrics.collect_due(limit=10) == 0


def test_it_runs_as_a_periodic_task_one_at_a_time(team, clock, channel):
    publication = published(channel, at=START)
    clock.move_to(START + timedelta(hours=1, minutes=1))

    with HUEY.lock_task("publishing-collect-metrics"):
        assert collect_metrics.call_local() == 0
    assert steps(publication) == []

    assert collect_metrics.call_local() == 1
    assert steps(publication) == ["1h"]


def test_it_refreshes_a_posts_numbers_on_demand_without_moving_the_schedule(team, clock, channel):
    publication = published(channel, at=START)
    clock.move_to(START + timedelta(minutes=20))

    result = metrics.refresh_post_metrics(access=team.access("carol"), post=publication.post)

    assert result.stored == 1 and result.problems == []
    assert steps(publication) == ["refresh"]
    publication.refresh_from_db()
    assert publication.metrics_step == 0
    assert publication.metrics_due_at == START + timedelta(hours=1)
    from socialops.core.models import AuditEvent

    event = AuditEvent.objects.get(action="metrics.refreshed")
    assert event.actor == team.carol and event.after == {"stored": 1, "problems": []}


def test_it_reports_an_account_it_cannot_read_when_refreshing(team, clock, channel):
    publication = published(channel, at=START)
    with connector_for(channel) as connector:
        connector.inject_faults({"auth_expired": True})

    result = metrics.refresh_post_metrics(access=team.access("carol"), post=publication.post)

    assert result.stored == 0
    assert [p["code"] for p in result.problems] == ["auth_expired"]
    channel.refresh_from_db()
    assert channel.status == Channel.Status.RECONNECT_NEEDED
