"""The posts API's review routes: submit, approve, request changes, schedule, comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from socialops.channels.actions import connect_channel
from socialops.conftest import audit_count, error_of
from socialops.content import actions
from socialops.content.models import EditorialRule, Post, ReviewComment
from socialops.core.models import Notification
from socialops.publishing.models import Publication

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def weibo(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 微博", "handle": "acme_weibo"},
        platform="weibo",
    )


def _draft(team: Any, channel: Any, body: str = "新品上市", **fields: Any) -> Post:
    return actions.create_post(
        access=team.access("carol"), channel_ids=[channel.pk], body=body, **fields
    )


def _in_review(team: Any, channel: Any, **fields: Any) -> Post:
    return actions.submit_post(access=team.access("carol"), post=_draft(team, channel, **fields))


def test_it_submits_a_draft_for_review_and_tells_the_approvers(team, weibo):
    post = _draft(team, weibo)

    response = team.api("carol").post(f"/posts/{post.pk}/submit")

    assert response.status_code == 200
    assert response.json()["state"] == "in_review"
    told = set(
        Notification.objects.filter(kind="post.review_requested").values_list("user", flat=True)
    )
    assert told == {team.alice.pk, team.bob.pk}
    assert audit_count("post.submitted", target_id=str(post.pk)) == 1


def test_it_refuses_a_submit_that_breaks_a_rule_with_the_findings(team, weibo):
    EditorialRule.objects.create(
        workspace=team.workspace,
        kind="forbidden_words",
        params={"words": [{"word": "最好", "replacement": "很好"}]},
    )
    post = _draft(team, weibo, body="全网最 好的产品")

    response = team.api("carol").post(f"/posts/{post.pk}/submit")

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "lint_failed"
    assert list(error["fields"]) == [f"variants.{weibo.pk}"]
    (finding,) = error["findings"][str(weibo.pk)]
    assert (finding["start"], finding["end"]) == (2, 5)
    assert finding["fix"] and finding["fixed_text"] == "全网很好的产品"
    assert Post.objects.get(pk=post.pk).state == Post.State.DRAFT


def test_it_refuses_to_submit_a_post_without_accounts(team):
    post = actions.create_post(access=team.access("carol"), body="没有账号")

    response = team.api("carol").post(f"/posts/{post.pk}/submit")

    assert response.status_code == 422
    assert "channel_ids" in error_of(response)["fields"]


def test_it_lets_a_manager_approve_and_schedules_a_post_with_a_time(team, weibo):
    at = NOW + timedelta(hours=3)
    post = _in_review(team, weibo, scheduled_at=at)

    response = team.api("bob").post(f"/posts/{post.pk}/approve", {"note": "很好"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "scheduled"
    assert body["approvals"][0]["decision"] == "approved"
    assert body["approvals"][0]["decided_by_id"] == team.bob.pk
    assert body["publications"]["total"] == 1
    assert body["publications"]["by_state"] == {"scheduled": 1}
    assert Notification.objects.filter(user=team.carol, kind="post.approved").exists()


def test_it_refuses_approval_to_an_editor(team, weibo):
    post = _in_review(team, weibo)

    response = team.api("carol").post(f"/posts/{post.pk}/approve", {})

    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).state == Post.State.IN_REVIEW


def test_it_refuses_approving_a_draft(team, weibo):
    post = _draft(team, weibo)

    response = team.api("bob").post(f"/posts/{post.pk}/approve", {})

    assert response.status_code == 422
    assert "state" in error_of(response)["fields"]


def test_it_requests_changes_with_a_note_and_tells_the_author(team, weibo):
    post = _in_review(team, weibo)
    client = team.api("bob")

    missing = client.post(f"/posts/{post.pk}/request-changes", {})
    blank = client.post(f"/posts/{post.pk}/request-changes", {"note": "   "})
    done = client.post(f"/posts/{post.pk}/request-changes", {"note": "换一张图"})

    assert missing.status_code == 422 and "note" in error_of(missing)["fields"]
    assert blank.status_code == 422 and "note" in error_of(blank)["fields"]
    assert done.status_code == 200 and done.json()["state"] == "changes_requested"
    assert done.json()["comments"][0]["body"] == "换一张图"
    told = Notification.objects.get(user=team.carol, kind="post.changes_requested")
    assert told.body == "换一张图"


def test_it_schedules_and_unschedules_an_approved_post(team, weibo):
    post = _in_review(team, weibo)
    actions.approve_post(access=team.access("bob"), post=post)
    client = team.api("bob")

    scheduled = client.post(f"/posts/{post.pk}/schedule", {"at": "2026-03-02T18:30+08:00"})
    moved = client.post(f"/posts/{post.pk}/schedule", {"at": "2026-03-02T19:00+08:00"})
    unscheduled = client.post(f"/posts/{post.pk}/unschedule")

    assert scheduled.status_code == 200 and scheduled.json()["state"] == "scheduled"
    assert moved.json()["scheduled_at"].startswith("2026-03-02T11:00")
    assert unscheduled.status_code == 200 and unscheduled.json()["state"] == "approved"
    assert not Publication.objects.filter(post=post).exclude(state="cancelled").exists()
    assert audit_count("post.rescheduled", target_id=str(post.pk)) == 1


@pytest.mark.parametrize(
    ("at", "field"),
    [("2026-03-02T18:30", "at"), ("2026-03-01T08:00+08:00", "at"), (None, "at")],
)
def test_it_names_a_bad_schedule_time(team, weibo, at, field):
    post = _in_review(team, weibo)
    actions.approve_post(access=team.access("bob"), post=post)

    response = team.api("bob").post(f"/posts/{post.pk}/schedule", {"at": at} if at else {})

    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_it_refuses_scheduling_to_an_editor_when_approval_is_on(team, weibo):
    post = _in_review(team, weibo)
    actions.approve_post(access=team.access("bob"), post=post)

    response = team.api("carol").post(f"/posts/{post.pk}/schedule", {"at": "2026-03-03T08:00Z"})

    assert response.status_code == 403


def test_it_threads_comments_and_tells_the_author(team, weibo):
    post = _draft(team, weibo)
    bob, carol = team.api("bob"), team.api("carol")
    variant = post.variants.get()

    root = bob.post(f"/posts/{post.pk}/comments", {"body": "第一句太长", "variant_id": variant.pk})
    reply = carol.post(
        f"/posts/{post.pk}/comments", {"body": "改好了", "parent_id": root.json()["id"]}
    )
    nested = bob.post(
        f"/posts/{post.pk}/comments", {"body": "谢谢", "parent_id": reply.json()["id"]}
    )
    listed = team.api("erin").get(f"/posts/{post.pk}/comments")

    assert root.status_code == reply.status_code == nested.status_code == 201
    assert nested.json()["parent_id"] == root.json()["id"]  # one level: joins the thread
    (thread,) = listed.json()["results"]
    assert thread["variant_id"] == variant.pk
    assert [r["body"] for r in thread["replies"]] == ["改好了", "谢谢"]
    assert Notification.objects.filter(user=team.carol, kind="post.commented").count() == 2
    assert Notification.objects.filter(user=team.bob, kind="post.commented").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "好", "parent_id": 999_999}, "parent_id"),
        ({"body": "好", "variant_id": 999_999}, "variant_id"),
        ({}, "body"),
    ],
)
def test_it_names_a_bad_comment_field(team, weibo, body, field):
    post = _draft(team, weibo)

    response = team.api("bob").post(f"/posts/{post.pk}/comments", body)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert not ReviewComment.objects.exists()


def test_it_refuses_comments_to_an_agent(team, weibo):
    post = _draft(team, weibo)

    response = team.api("dave").post(f"/posts/{post.pk}/comments", {"body": "路过"})

    assert response.status_code == 403
    assert not ReviewComment.objects.exists()


def test_it_comments_once_when_retried_with_the_same_key(team, weibo):
    post = _draft(team, weibo)
    client = team.api("bob")
    headers = {"HTTP_IDEMPOTENCY_KEY": "comment-1"}

    first = client.post(f"/posts/{post.pk}/comments", {"body": "一次"}, **headers)
    again = client.post(f"/posts/{post.pk}/comments", {"body": "一次"}, **headers)

    assert first.json()["id"] == again.json()["id"]
    assert ReviewComment.objects.count() == 1


def test_it_approves_directly_on_submit_with_no_approval_step(team, weibo):
    actions.set_approval_stages(access=team.access("alice"), stages=0)
    post = _draft(team, weibo, scheduled_at=NOW + timedelta(hours=1))

    response = team.api("carol").post(f"/posts/{post.pk}/submit")

    assert response.json()["state"] == "scheduled"
    assert not Notification.objects.filter(kind="post.review_requested").exists()
