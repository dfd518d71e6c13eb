"""Settling an unconfirmed publication: check the platform now, or say by hand what happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.channels.actions import simulate_faults
from socialops.channels.models import Channel
from socialops.content.models import Post
from socialops.core.errors import ApiError
from socialops.core.models import AuditEvent
from socialops.publishing import engine
from socialops.publishing.interventions import (
    last_check_problem,
    reconcile_now,
    resolve_unconfirmed,
)
from socialops.publishing.models import Publication

from .factories import (
    make_publication,
    manual_channel,
    publication_of,
    sandbox_channel,
    sandbox_posts,
    scheduled_post,
)

State = Publication.State
T0 = datetime(2026, 7, 6, 1, 0, tzinfo=UTC)
WEIBO_LINK = "https://weibo.com/7001/QwErTy"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _timed_out(team: Any, channel: Channel) -> Post:
    """A post the sandbox accepted while the call timed out: unconfirmed, but it is live."""
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"timeout": True})
    engine.run_once(worker="w1")
    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    assert publication_of(post).state == State.UNCONFIRMED
    return post


def test_it_checks_the_platform_now_and_finds_the_post(team, clock):
    channel = sandbox_channel(team)
    post = _timed_out(team, channel)
    publication = publication_of(post)

    with pytest.raises(AccessDenied):
        reconcile_now(access=team.access("carol"), publication=publication)
    state = reconcile_now(access=team.access("bob"), publication=publication)

    assert state == State.PUBLISHED
    (sent,) = sandbox_posts(channel)
    assert publication_of(post).remote_id == str(sent.number)
    asked = AuditEvent.objects.get(action="publication.reconcile_requested")
    assert asked.actor == team.bob and (asked.after or {})["state"] == "published"
    with pytest.raises(ApiError) as again:
        reconcile_now(access=team.access("bob"), publication=publication_of(post))
    assert again.value.status == 409


def test_it_checks_again_at_once_after_a_check_without_an_answer(team, clock):
    channel = sandbox_channel(team)
    post = _timed_out(team, channel)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"rate_limited": 30})

    state = reconcile_now(access=team.access("bob"), publication=publication_of(post))

    assert state == State.UNCONFIRMED
    assert last_check_problem(publication_of(post))
    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    # no waiting for the reconcile lease: the person asked
    assert reconcile_now(access=team.access("bob"), publication=publication_of(post)) == (
        State.PUBLISHED
    )
    assert last_check_problem(publication_of(post)) == ""


def test_it_queues_the_post_again_when_the_platform_has_nothing(team, clock):
    channel = sandbox_channel(team)
    publication = make_publication(team.workspace, channel, state=State.UNCONFIRMED, attempts=1)

    assert reconcile_now(access=team.access("alice"), publication=publication) == State.SCHEDULED
    clock.shift(timedelta(minutes=5))
    engine.run_once(worker="w1")
    assert Publication.objects.get(pk=publication.pk).state == State.PUBLISHED
    assert len(sandbox_posts(channel)) == 1


def test_it_refuses_to_check_an_account_that_is_not_connected(team, clock):
    channel = sandbox_channel(team)
    publication = make_publication(team.workspace, channel, state=State.UNCONFIRMED)
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.RECONNECT_NEEDED)
    publication.refresh_from_db()

    with pytest.raises(ApiError) as refused:
        reconcile_now(access=team.access("bob"), publication=publication)
    assert refused.value.code == "channel_not_connected"


def test_it_records_a_link_a_person_found(team, clock):
    channel = sandbox_channel(team)
    post = _timed_out(team, channel)
    publication = publication_of(post)

    with pytest.raises(ValidationError) as wrong:
        resolve_unconfirmed(
            access=team.access("bob"), publication=publication, url="https://evil.example/1"
        )
    assert "published_url" in wrong.value.message_dict
    with pytest.raises(ValidationError):
        resolve_unconfirmed(access=team.access("bob"), publication=publication)  # neither
    with pytest.raises(ValidationError):
        resolve_unconfirmed(
            access=team.access("bob"), publication=publication, url=WEIBO_LINK, retry=True
        )
    with pytest.raises(AccessDenied):
        resolve_unconfirmed(access=team.access("carol"), publication=publication, url=WEIBO_LINK)

    clock.shift(timedelta(minutes=10))
    resolved = resolve_unconfirmed(
        access=team.access("bob"), publication=publication, url=f"  {WEIBO_LINK} "
    )

    assert resolved.state == State.PUBLISHED and resolved.url == WEIBO_LINK
    assert resolved.published_at == T0 + timedelta(minutes=10)
    assert resolved.metrics_due_at == T0 + timedelta(minutes=10, hours=1)
    assert resolved.error_code == ""
    assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED
    event = AuditEvent.objects.get(action="publication.resolved")
    assert event.actor == team.bob
    assert (event.before or {})["state"] == "unconfirmed"
    assert (event.after or {}) == {"state": "published", "url": WEIBO_LINK, "by_hand": True}
    last = resolved.history.order_by("-id").first()
    assert last is not None and (last.reconcile, last.outcome) == (True, "found")
    assert last.worker == "bob@example.com"
    with pytest.raises(ApiError) as again:
        resolve_unconfirmed(access=team.access("bob"), publication=resolved, retry=True)
    assert again.value.status == 409
    engine.run_once(worker="w1")
    assert len(sandbox_posts(channel)) == 1  # nothing sent again


def test_it_sends_again_what_a_person_says_did_not_go_out(team, clock):
    channel = sandbox_channel(team)
    publication = make_publication(team.workspace, channel, state=State.UNCONFIRMED, attempts=1)

    resolved = resolve_unconfirmed(access=team.access("alice"), publication=publication, retry=True)

    assert resolved.state == State.SCHEDULED and resolved.not_before == T0
    assert resolved.idempotency_key == publication.idempotency_key
    event = AuditEvent.objects.get(action="publication.resolved")
    assert (event.after or {})["state"] == "scheduled"
    engine.run_once(worker="w1")
    assert Publication.objects.get(pk=publication.pk).state == State.PUBLISHED
    assert len(sandbox_posts(channel)) == 1


def test_it_checks_a_manual_accounts_link_with_its_platform(team, clock):
    channel = manual_channel(team, platform="douban")
    publication = make_publication(team.workspace, channel, state=State.UNCONFIRMED)

    with pytest.raises(ValidationError) as wrong:
        resolve_unconfirmed(
            access=team.access("bob"),
            publication=publication,
            url="https://www.xiaohongshu.com/explore/1",
        )
    assert "douban" in wrong.value.message_dict["published_url"][0]
    resolved = resolve_unconfirmed(
        access=team.access("bob"),
        publication=publication,
        url="https://www.douban.com/note/1/",
    )
    assert resolved.state == State.PUBLISHED
