"""Platforms without an API: publishing becomes a task for a person, who pastes the link back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.content.models import Post
from socialops.core.errors import ApiError
from socialops.core.models import AuditEvent, Notification
from socialops.publishing import engine
from socialops.publishing.interventions import complete_manual, retry_publication
from socialops.publishing.models import Publication

from .factories import manual_channel, publication_of, sandbox_channel, scheduled_post

State = Publication.State
T0 = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
LINK = "https://www.xiaohongshu.com/explore/65f0c1a2000000001203d4e5"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_it_turns_a_manual_platform_into_a_task_and_records_the_link(team, clock):
    channel = manual_channel(team)
    post = scheduled_post(team, [channel], at=T0, body="小红书笔记：新品试用")

    engine.run_once(worker="w1")

    publication = publication_of(post)
    assert publication.state == State.MANUAL
    assert publication.remote_extra["task"]["text"] == "小红书笔记：新品试用"
    assert publication.remote_extra["task"]["platform"] == "xiaohongshu"
    assert Post.objects.get(pk=post.pk).state == Post.State.SCHEDULED
    told = Notification.objects.filter(kind="publication.manual_task")
    assert {n.user.email for n in told} == {
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
    }
    assert engine.run_once(worker="w1") is False  # a task is not sent again

    with pytest.raises(ValidationError) as wrong:
        complete_manual(
            access=team.access("bob"), publication=publication, url="https://evil.example/x"
        )
    assert "url" in wrong.value.message_dict
    with pytest.raises(AccessDenied):
        complete_manual(access=team.access("carol"), publication=publication, url=LINK)

    clock.shift(timedelta(minutes=20))
    publication = complete_manual(access=team.access("bob"), publication=publication, url=LINK)

    assert publication.state == State.PUBLISHED
    assert publication.url == LINK and publication.remote_id == LINK
    assert publication.published_at == T0 + timedelta(minutes=20)
    assert publication.metrics_due_at == T0 + timedelta(minutes=20, hours=1)
    assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED
    event = AuditEvent.objects.filter(action="publication.published").get()
    assert event.actor == team.bob and (event.after or {})["by_hand"] is True
    assert list(publication.history.values_list("outcome", flat=True)) == ["", "published"]
    with pytest.raises(ApiError) as again:
        complete_manual(access=team.access("bob"), publication=publication, url=LINK)
    assert again.value.status == 409


def test_it_retries_a_failed_publication_when_a_publisher_asks(team, clock):
    from socialops.channels.actions import simulate_faults

    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"permanent": "违规"})
    engine.run_once(worker="w1")
    failed = publication_of(post)
    assert failed.state == State.FAILED

    with pytest.raises(AccessDenied):
        retry_publication(access=team.access("carol"), publication=failed)
    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    clock.shift(timedelta(minutes=3))
    publication = retry_publication(access=team.access("bob"), publication=failed)

    assert publication.state == State.SCHEDULED
    assert publication.not_before == T0 + timedelta(minutes=3)
    assert Post.objects.get(pk=post.pk).state == Post.State.SCHEDULED
    with pytest.raises(ApiError) as twice:
        retry_publication(access=team.access("bob"), publication=publication)
    assert twice.value.status == 409
    engine.run_once(worker="w1")
    assert publication_of(post).state == State.PUBLISHED
    assert publication_of(post).idempotency_key == failed.idempotency_key


def test_it_hands_a_task_to_a_person_after_its_worker_died(team, clock):
    channel = manual_channel(team)
    post = scheduled_post(team, [channel], at=T0, body="抖音脚本")
    engine.claim_due(worker="dead", limit=5)
    clock.shift(engine.LEASE + timedelta(seconds=1))

    engine.Publisher(worker="w2").run_once()

    publication = publication_of(post)
    assert publication.state == State.MANUAL
    history = list(publication.history.values_list("reconcile", "outcome"))
    assert history == [(False, "unknown"), (True, "not_found"), (False, "")]
