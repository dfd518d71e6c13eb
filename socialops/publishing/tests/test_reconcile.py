"""The sweeper and reconciliation: lost claims are checked with the platform before any retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from socialops.channels.actions import connector_for, simulate_faults
from socialops.channels.models import Channel
from socialops.core.models import AuditEvent
from socialops.publishing import engine, outcomes
from socialops.publishing.models import Publication
from socialops.publishing.reconcile import mark_lost, reconcile, sweep
from socialops.publishing.requests import thaw
from socialops.publishing.tasks import sweep_publications

from .factories import publication_of, sandbox_channel, sandbox_posts, scheduled_post

State = Publication.State
T0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def channel(team: Any, clock: Any) -> Channel:
    return sandbox_channel(team)


def _die_after_sending(publication: Publication) -> None:
    """What a worker killed right after the platform accepted the post leaves behind."""
    with connector_for(publication.channel) as connector:
        engine._publish(connector, thaw(publication.request), publication.idempotency_key)


def test_it_recovers_a_claim_whose_worker_died_after_sending(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    (claimed,) = engine.claim_due(worker="dead", limit=10)
    _die_after_sending(claimed)

    assert sweep() == 0  # the lease still runs
    clock.shift(engine.LEASE + timedelta(seconds=1))
    assert sweep() == 2  # marked lost, then found on the platform

    publication = publication_of(post)
    (sent,) = sandbox_posts(channel)
    assert publication.state == State.PUBLISHED and publication.remote_id == str(sent.number)
    history = list(publication.history.values_list("reconcile", "outcome", "error_code"))
    assert history == [(False, "unknown", "worker_lost"), (True, "found", "")]
    actions = AuditEvent.objects.filter(target_type="publication").values_list("action", flat=True)
    assert list(actions.order_by("id")) == ["publication.unconfirmed", "publication.reconciled"]
    assert engine.Publisher(worker="w2").run_once() is False
    assert len(sandbox_posts(channel)) == 1


def test_it_sends_a_lost_claim_again_only_after_the_platform_says_it_has_nothing(
    team, channel, clock
):
    post = scheduled_post(team, [channel], at=T0)
    engine.claim_due(worker="dead", limit=10)  # died before calling
    clock.shift(engine.LEASE + timedelta(seconds=1))

    engine.Publisher(worker="w2").run_once()

    publication = publication_of(post)
    assert publication.state == State.PUBLISHED and publication.attempts == 2
    assert len(sandbox_posts(channel)) == 1
    history = list(publication.history.values_list("reconcile", "outcome"))
    assert history == [(False, "unknown"), (True, "not_found"), (False, "published")]
    assert outcomes.failures_of(publication) == 0  # a lost worker is not the post's fault


def test_it_is_safe_to_sweep_twice_and_at_once(team, channel, clock):
    scheduled_post(team, [channel], at=T0)
    (claimed,) = engine.claim_due(worker="dead", limit=10)
    _die_after_sending(claimed)
    clock.shift(engine.LEASE + timedelta(seconds=1))
    stale = Publication.objects.get(pk=claimed.pk)
    same = Publication.objects.get(pk=claimed.pk)

    assert mark_lost(stale) is True
    assert mark_lost(same) is False  # the other sweeper got there first
    first = Publication.objects.get(pk=claimed.pk)
    second = Publication.objects.get(pk=claimed.pk)
    assert reconcile(first) == State.PUBLISHED
    assert reconcile(second) == State.PUBLISHED  # nothing to do, nothing asked
    assert sweep() == 0 and sweep() == 0

    publication = Publication.objects.get(pk=claimed.pk)
    assert publication.history.filter(reconcile=True).count() == 1
    assert AuditEvent.objects.filter(action="publication.reconciled").count() == 1


def test_it_leaves_a_row_unconfirmed_when_the_platform_cannot_answer(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"timeout": True})
    engine.run_once(worker="w1")
    simulate_faults(access=team.access("alice"), channel=channel, faults={"rate_limited": 30})

    assert sweep() == 0
    publication = publication_of(post)
    assert publication.state == State.UNCONFIRMED
    assert publication.history.filter(reconcile=True, outcome="unknown").count() == 1
    assert sweep() == 0  # the reconcile lease keeps the platform from being asked every time
    assert publication.history.filter(reconcile=True).count() == 1

    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    clock.shift(engine.LEASE + timedelta(seconds=1))
    assert sweep() == 1
    assert publication_of(post).state == State.PUBLISHED
    assert len(sandbox_posts(channel)) == 1


def test_it_sweeps_every_minute_from_huey_under_a_lock(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    engine.claim_due(worker="dead", limit=10)
    clock.shift(engine.LEASE + timedelta(seconds=1))

    assert sweep_publications.call_local() == 2

    assert publication_of(post).state == State.SCHEDULED  # not found: due again, now
    assert publication_of(post).not_before == T0 + engine.LEASE + timedelta(seconds=1)
