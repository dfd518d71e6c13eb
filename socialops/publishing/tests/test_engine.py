"""Each outcome of a publishing attempt against the sandbox, with its faults injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from socialops.channels.actions import simulate_faults
from socialops.channels.models import Channel
from socialops.connectors.base import ConnectorError
from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.content.models import Post
from socialops.core.clock import now
from socialops.core.models import AuditEvent, Notification
from socialops.publishing import engine
from socialops.publishing.models import ChannelThrottle, Publication, PublishAttempt
from socialops.publishing.schedule import metrics_due

from .factories import publication_of, sandbox_channel, sandbox_posts, scheduled_post

State = Publication.State
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def channel(team: Any, clock: Any) -> Channel:
    return sandbox_channel(team)


def _actions(publication: Publication) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="publication", target_id=str(publication.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _fault(team: Any, channel: Channel, **faults: Any) -> None:
    simulate_faults(access=team.access("alice"), channel=channel, faults=faults)


def test_it_publishes_a_due_post_once_and_starts_its_metrics_schedule(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0 + timedelta(minutes=5))

    assert engine.run_once(worker="w1") is False
    assert publication_of(post).state == State.SCHEDULED
    clock.move_to(T0 + timedelta(minutes=5))
    assert engine.run_once(worker="w1") is True

    publication = publication_of(post)
    (sent,) = sandbox_posts(channel)
    assert publication.state == State.PUBLISHED
    assert publication.remote_id == str(sent.number) and sent.text == "新品上市"
    assert sent.idempotency_key == publication.idempotency_key
    assert publication.published_at == T0 + timedelta(minutes=5)
    assert publication.metrics_step == 0
    assert publication.metrics_due_at == metrics_due(publication.published_at, 0)
    assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED
    assert _actions(publication) == ["publication.published"]
    (attempt,) = publication.history.all()
    assert attempt.outcome == PublishAttempt.Outcome.PUBLISHED and attempt.worker == "w1"
    assert engine.run_once(worker="w1") is False
    assert len(sandbox_posts(channel)) == 1


def test_it_commits_the_claim_before_calling_the_platform(team, channel, clock, monkeypatch):
    post = scheduled_post(team, [channel], at=T0)
    seen: dict[str, Any] = {}
    original = SandboxConnector.publish

    def publish(self: SandboxConnector, request: Any, *, idempotency_key: str) -> Any:
        row = Publication.objects.get(idempotency_key=idempotency_key)
        seen.update(state=row.state, attempts=row.attempts, history=row.history.count())
        seen["post"] = Post.objects.get(pk=row.post_id).state
        return original(self, request, idempotency_key=idempotency_key)

    monkeypatch.setattr(SandboxConnector, "publish", publish)
    engine.run_once(worker="w1")

    assert seen == {"state": "publishing", "attempts": 1, "history": 1, "post": "publishing"}
    assert publication_of(post).state == State.PUBLISHED


def test_it_claims_each_due_row_once(team, channel, clock):
    for n in range(3):
        scheduled_post(team, [channel], at=T0, body=f"第{n}条")

    first = engine.claim_due(worker="a", limit=2)
    second = engine.claim_due(worker="b", limit=5)

    assert len(first) == 2 and len(second) == 1
    assert {p.pk for p in first}.isdisjoint({p.pk for p in second})
    assert engine.claim_due(worker="c", limit=5) == []
    assert {p.claimed_by for p in Publication.objects.all()} == {"a", "b"}
    assert all(p.lease_until == T0 + engine.LEASE for p in Publication.objects.all())


def test_it_waits_out_a_rate_limit_without_counting_it_as_a_failure(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    later = scheduled_post(team, [channel], at=T0, body="第二条")
    _fault(team, channel, rate_limited=600)

    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.SCHEDULED
    assert publication.not_before == T0 + timedelta(seconds=600)
    assert publication.error_code == "rate_limited"
    assert ChannelThrottle.objects.get(channel=channel).blocked_until == publication.not_before
    assert publication_of(later).not_before == T0 + timedelta(seconds=600)  # not even tried
    assert publication_of(later).attempts == 0
    assert "publication.rate_limited" in _actions(publication)

    clock.move_to(T0 + timedelta(seconds=599))
    assert engine.claim_due(worker="w1", limit=10) == []
    _fault(team, channel)  # the platform lets us post again
    clock.move_to(T0 + timedelta(seconds=601))
    engine.run_once(worker="w1")

    assert publication_of(post).state == State.PUBLISHED
    assert publication_of(later).state == State.PUBLISHED
    assert len(sandbox_posts(channel)) == 2
    from socialops.publishing.outcomes import failures_of

    assert failures_of(publication_of(post)) == 0


def test_it_fails_on_expired_auth_flags_the_account_and_tells_people(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    waiting = scheduled_post(team, [channel], at=T0, body="第二条")
    _fault(team, channel, auth_expired=True)

    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.FAILED
    assert publication.error_code == "auth_expired"
    assert "expired" in publication.error_message
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.RECONNECT_NEEDED
    assert Post.objects.get(pk=post.pk).state == Post.State.FAILED
    told = set(
        Notification.objects.filter(kind="publication.failed").values_list("user__email", flat=True)
    )
    assert told == {"alice@example.com", "bob@example.com", "carol@example.com"}
    assert publication_of(waiting).state == State.SCHEDULED  # waits for the reconnection
    assert publication_of(waiting).attempts == 0
    assert AuditEvent.objects.filter(action="channel.reconnect_needed").exists()
    assert sandbox_posts(channel) == []


def test_it_fails_on_a_permanent_refusal_and_tells_the_author(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    _fault(team, channel, permanent="内容违规")

    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.FAILED
    assert publication.error_code == "rejected" and "内容违规" in publication.error_message
    told = Notification.objects.filter(kind="publication.failed")
    assert [n.user.email for n in told] == ["carol@example.com"]
    assert "内容违规" in told.get().title
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.CONNECTED


def test_it_backs_off_after_retryable_errors_then_fails(team, channel, clock, monkeypatch):
    post = scheduled_post(team, [channel], at=T0)

    def flaky(self: Any, request: Any, *, idempotency_key: str) -> Any:
        raise ConnectorError("Service unavailable", permanent=False, code="unavailable")

    monkeypatch.setattr(SandboxConnector, "publish", flaky)
    waits = []
    for _ in range(4):
        engine.Publisher(worker="w1").run_once()
        publication = publication_of(post)
        assert publication.state == State.SCHEDULED
        waits.append((publication.not_before - now()).total_seconds())
        assert engine.claim_due(worker="w1", limit=5) == []  # not before its time
        clock.move_to(publication.not_before)
    engine.Publisher(worker="w1").run_once()

    assert [30 * 0.8 <= w / 2**i <= 30 * 1.2 for i, w in enumerate(waits)] == [True] * 4
    publication = publication_of(post)
    assert publication.state == State.FAILED and publication.attempts == 5
    assert publication.error_code == "unavailable"
    assert _actions(publication) == ["publication.retry_scheduled"] * 4 + ["publication.failed"]


def test_it_reconciles_a_timeout_without_posting_twice(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    _fault(team, channel, timeout=True)

    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.UNCONFIRMED
    assert publication.error_code == "outcome_unknown"
    assert Post.objects.get(pk=post.pk).state == Post.State.UNCONFIRMED
    assert len(sandbox_posts(channel)) == 1  # the platform took it before timing out

    _fault(team, channel)
    engine.Publisher(worker="w1").run_once()  # a new worker sweeps first

    publication = publication_of(post)
    (sent,) = sandbox_posts(channel)
    assert publication.state == State.PUBLISHED and publication.remote_id == str(sent.number)
    assert _actions(publication) == ["publication.unconfirmed", "publication.reconciled"]
    outcomes = list(publication.history.values_list("reconcile", "outcome"))
    assert outcomes == [(False, "unknown"), (True, "found")]
    assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED


def test_it_treats_an_unexpected_error_as_unconfirmed(team, channel, clock, monkeypatch):
    post = scheduled_post(team, [channel], at=T0)

    def broken(self: Any, request: Any, *, idempotency_key: str) -> Any:
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(SandboxConnector, "publish", broken)
    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.UNCONFIRMED
    assert publication.error_code == "ConnectionResetError"
    assert sandbox_posts(channel) == []


def test_it_hands_back_what_it_claimed_when_asked_to_stop(team, channel, clock):
    posts = [scheduled_post(team, [channel], at=T0, body=f"第{n}条") for n in range(3)]

    assert engine.Publisher(worker="w1").run_once(should_stop=lambda: True) is True

    for post in posts:
        publication = publication_of(post)
        assert publication.state == State.SCHEDULED and publication.attempts == 0
        assert publication.history.count() == 0
        assert Post.objects.get(pk=post.pk).state == Post.State.SCHEDULED
    assert sandbox_posts(channel) == []


def test_it_ignores_a_late_failure_but_keeps_a_late_success(team, channel, clock):
    from socialops.publishing import outcomes
    from socialops.publishing.reconcile import mark_lost

    first = scheduled_post(team, [channel], at=T0, body="一")
    second = scheduled_post(team, [channel], at=T0, body="二")
    slow_one, slow_two = engine.claim_due(worker="slow", limit=5)
    clock.shift(engine.LEASE + timedelta(seconds=1))
    assert engine.renew([slow_one, slow_two]) == {slow_one.pk, slow_two.pk}  # still ours
    for row in Publication.objects.filter(pk__in=[slow_one.pk, slow_two.pk]):
        row.lease_until = now() - timedelta(seconds=1)
        row.save()
        assert mark_lost(row)
    assert engine.renew([slow_one, slow_two]) == set()

    assert outcomes.record_failed(slow_one, ConnectorError("late", permanent=True)) is False
    ref = engine._publish(
        SandboxConnector(credentials=_credentials(channel)),
        engine.thaw(slow_two.request),
        slow_two.idempotency_key,
    )
    assert outcomes.record_published(slow_two, ref, action="publication.published") is True

    assert publication_of(first).state == State.UNCONFIRMED
    assert publication_of(second).state == State.PUBLISHED


def _credentials(channel: Channel) -> dict[str, Any]:
    from socialops.channels.actions import credentials_of

    return credentials_of(channel)


def test_it_fails_a_publication_whose_connector_is_gone(team, channel, clock):
    post = scheduled_post(team, [channel], at=T0)
    Channel.objects.filter(pk=channel.pk).update(connector="retired")

    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.FAILED and publication.error_code == "no_connector"


def test_it_derives_a_posts_state_from_all_its_accounts(team, channel, clock):
    other = sandbox_channel(team, handle="acme_other")
    both = scheduled_post(team, [channel, other], at=T0, body="两个账号")
    _fault(team, other, permanent="拒绝")

    engine.run_once(worker="w1")

    states = dict(Publication.objects.filter(post=both).values_list("channel_id", "state"))
    assert states == {channel.pk: State.PUBLISHED, other.pk: State.FAILED}
    assert Post.objects.get(pk=both.pk).state == Post.State.FAILED
    post_actions = AuditEvent.objects.filter(target_type="post", target_id=str(both.pk))
    assert list(post_actions.order_by("id").values_list("action", flat=True))[-2:] == [
        "post.publishing",
        "post.failed",
    ]
