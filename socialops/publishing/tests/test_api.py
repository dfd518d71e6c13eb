"""The publications API: history per post, lists by state, retry and manual completion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from socialops.channels.actions import simulate_faults
from socialops.conftest import error_of
from socialops.publishing import engine
from socialops.publishing.models import Publication

from .factories import (
    make_publication,
    manual_channel,
    publication_of,
    sandbox_channel,
    scheduled_post,
)

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
LINK = "https://www.douban.com/note/123456789/"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_it_shows_a_posts_publications_with_their_attempts(team, clock):
    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"timeout": True})
    engine.run_once(worker="w1")
    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    engine.Publisher(worker="w2").run_once()

    response = team.api("erin").get(f"/posts/{post.pk}/publications")

    assert response.status_code == 200
    (row,) = response.json()
    assert row["state"] == "published" and row["channel_id"] == channel.pk
    assert row["url"].startswith("https://sandbox.socialops.local/")
    assert [(a["reconcile"], a["outcome"]) for a in row["history"]] == [
        (False, "unknown"),
        (True, "found"),
    ]
    assert row["task"] is None


def test_it_answers_404_for_another_workspaces_post_or_publication(team, clock):
    channel = sandbox_channel(team)
    theirs = make_publication(team.workspace, channel, state=Publication.State.FAILED)
    charlie = team.api("charlie", team.other)

    assert charlie.get(f"/posts/{theirs.post_id}/publications").status_code == 404
    assert error_of(charlie.post(f"/publications/{theirs.pk}/retry"))["code"] == "not_found"
    response = charlie.post(f"/publications/{theirs.pk}/complete", {"url": LINK})
    assert response.status_code == 404
    assert charlie.get("/publications").json()["results"] == []


def test_it_lists_the_manual_tasks_and_completes_one(team, clock):
    channel = manual_channel(team, platform="douban")
    post = scheduled_post(team, [channel], at=T0, body="豆瓣日记")
    engine.run_once(worker="w1")
    bob = team.api("bob")

    tasks = bob.get("/publications", {"state": "manual"})
    assert tasks.status_code == 200
    (task,) = tasks.json()["results"]
    assert task["task"]["text"] == "豆瓣日记" and task["task"]["platform"] == "douban"

    wrong = bob.post(f"/publications/{task['id']}/complete", {"url": "https://weibo.com/1/2"})
    assert wrong.status_code == 422 and "url" in error_of(wrong)["fields"]
    done = bob.post(f"/publications/{task['id']}/complete", {"url": LINK})
    assert done.status_code == 200
    assert done.json()["state"] == "published" and done.json()["url"] == LINK
    assert publication_of(post).state == Publication.State.PUBLISHED
    again = bob.post(f"/publications/{task['id']}/complete", {"url": LINK})
    assert again.status_code == 409 and error_of(again)["code"] == "not_manual"
    assert bob.get("/publications", {"state": "manual"}).json()["results"] == []
    assert bob.get("/publications", {"state": "nonsense"}).status_code == 422


def test_it_retries_a_failed_publication_for_a_publisher_only(team, clock):
    channel = sandbox_channel(team)
    failed = make_publication(
        team.workspace, channel, state=Publication.State.FAILED, error_code="rejected"
    )

    refused = team.api("carol").post(f"/publications/{failed.pk}/retry")
    assert refused.status_code == 403
    response = team.api("bob").post(f"/publications/{failed.pk}/retry")
    assert response.status_code == 200
    assert response.json()["state"] == "scheduled"
    again = team.api("bob").post(f"/publications/{failed.pk}/retry")
    assert again.status_code == 409 and error_of(again)["code"] == "not_failed"
    engine.run_once(worker="w1")
    assert Publication.objects.get(pk=failed.pk).state == Publication.State.PUBLISHED


def test_it_refuses_a_retry_until_the_account_is_reconnected(team, clock):
    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"auth_expired": True})
    engine.run_once(worker="w1")

    response = team.api("bob").post(f"/publications/{publication_of(post).pk}/retry")

    assert response.status_code == 409
    assert error_of(response)["code"] == "channel_not_connected"
