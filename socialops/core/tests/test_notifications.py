"""Notifications: who is told what about posts, the API, the bell and the page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from socialops.channels.actions import connect_channel
from socialops.conftest import error_of
from socialops.content import actions
from socialops.core.models import Notification
from socialops.core.notify import notify


@pytest.fixture
def post(team: Any) -> Any:
    channel = connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 微博", "handle": "acme_weibo"},
        platform="weibo",
    )
    return actions.create_post(
        access=team.access("carol"), channel_ids=[channel.pk], body="新品上市", title="新品"
    )


def _kinds(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def test_it_tells_the_approvers_when_a_post_is_submitted(team, post):
    team.api("carol").post(f"/posts/{post.pk}/submit")

    assert _kinds(team.bob) == ["post.review_requested"]
    assert _kinds(team.alice) == ["post.review_requested"]
    assert _kinds(team.carol) == [] and _kinds(team.erin) == []
    told = Notification.objects.get(user=team.bob)
    assert told.workspace == team.workspace
    assert told.url == reverse("content_post", kwargs={"slug": "acme", "post_id": post.pk})


def test_it_tells_the_author_about_approval_changes_and_comments(team, post):
    actions.submit_post(access=team.access("carol"), post=post)
    bob = team.api("bob")

    bob.post(f"/posts/{post.pk}/comments", {"body": "看起来不错"})
    bob.post(f"/posts/{post.pk}/request-changes", {"note": "换个标题"})
    team.api("carol").post(f"/posts/{post.pk}/submit")
    bob.post(f"/posts/{post.pk}/approve", {})

    assert _kinds(team.carol) == ["post.commented", "post.changes_requested", "post.approved"]


def _notify(team: Any, user: Any, title: str, workspace: Any = None) -> Notification:
    notify([user], kind="test.kind", title=title, url="/", workspace=workspace or team.workspace)
    return Notification.objects.filter(user=user).latest("id")


def test_it_lists_your_own_notifications_unread_first(team):
    old = _notify(team, team.carol, "旧的")
    read = _notify(team, team.carol, "已读")
    new = _notify(team, team.carol, "新的")
    _notify(team, team.bob, "别人的")
    _notify(team, team.carol, "别的工作区", workspace=team.other)
    read.read_at = read.created_at
    read.save()

    response = team.api("carol").get("/notifications")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [n["title"] for n in results] == ["新的", "旧的", "已读"]
    assert [n["read"] for n in results] == [False, False, True]
    assert results[0]["id"] == new.pk and results[1]["id"] == old.pk


def test_it_pages_notifications_with_a_cursor(team):
    for i in range(5):
        _notify(team, team.carol, f"第{i}条")
    client = team.api("carol")

    first = client.get("/notifications", {"page_size": 3}).json()
    second = client.get("/notifications?" + urlsplit(first["next"]).query).json()
    unread = client.get("/notifications", {"unread": "true"}).json()

    titles = [n["title"] for n in first["results"] + second["results"]]
    assert titles == ["第4条", "第3条", "第2条", "第1条", "第0条"]
    assert second["next"] is None
    assert len(unread["results"]) == 5


def test_it_refuses_a_damaged_cursor(team):
    response = team.api("carol").get("/notifications", {"cursor": "cD1hYmM="})

    assert response.status_code == 422
    assert "cursor" in error_of(response)["fields"]


def test_it_marks_one_read_and_keeps_the_first_time(team):
    mine = _notify(team, team.carol, "审核")
    client = team.api("carol")

    first = client.post(f"/notifications/{mine.pk}/read")
    again = client.post(f"/notifications/{mine.pk}/read")

    assert first.status_code == again.status_code == 200
    assert first.json()["read"] is True
    assert first.json()["read_at"] == again.json()["read_at"]


def test_it_hides_someone_elses_notification(team):
    bobs = _notify(team, team.bob, "给 bob 的")
    elsewhere = _notify(team, team.carol, "别的工作区", workspace=team.other)
    client = team.api("carol")

    for notification in (bobs, elsewhere):
        response = client.post(f"/notifications/{notification.pk}/read")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_it_marks_all_read_in_the_tokens_workspace(team):
    for title in ("一", "二"):
        _notify(team, team.carol, title)
    elsewhere = _notify(team, team.carol, "别的工作区", workspace=team.other)
    bobs = _notify(team, team.bob, "bob")
    client = team.api("carol")

    first = client.post("/notifications/read-all")
    again = client.post("/notifications/read-all")

    assert first.json() == {"marked": 2} and again.json() == {"marked": 0}
    elsewhere.refresh_from_db()
    bobs.refresh_from_db()
    assert elsewhere.read_at is None and bobs.read_at is None


# -- the bell and the page --------------------------------------------------------------------


def test_it_shows_the_unread_count_on_the_bell(team):
    for title in ("一", "二", "三"):
        _notify(team, team.carol, title)

    page = team.browser("carol").get(reverse("dashboard", kwargs={"slug": "acme"}))

    assert page.status_code == 200
    assert b'id="notification-bell"' in page.content
    badge = page.content.split(b'id="notification-count"')[1]
    assert badge.startswith(b" class=") and b">3<" in badge.split(b"</span>")[0]
    assert b" hidden" not in badge.split(b">")[0]


def test_it_hides_the_count_when_all_is_read(team):
    page = team.browser("carol").get(reverse("dashboard", kwargs={"slug": "acme"}))

    badge = page.content.split(b'id="notification-count"')[1].split(b">")[0]
    assert b" hidden" in badge


def test_it_fills_the_dropdown_with_the_latest_ten(team):
    for i in range(12):
        _notify(team, team.carol, f"消息{i}")

    menu = team.browser("carol").get(reverse("notifications_menu"), HTTP_HX_REQUEST="true")

    assert menu.status_code == 200
    assert menu.content.count(b"data-notification=") == 10
    assert "消息11".encode() in menu.content and "消息1<".encode() not in menu.content
    assert b'id="notifications-read-all"' in menu.content
    assert b'hx-swap-oob="true"' in menu.content


def test_it_marks_all_read_from_the_dropdown(team):
    _notify(team, team.carol, "一")

    menu = team.browser("carol").post(reverse("notifications_read_all"), HTTP_HX_REQUEST="true")

    assert menu.status_code == 200
    assert b'data-unread="true"' not in menu.content
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_opens_a_notification_marking_it_read(team, post):
    actions.submit_post(access=team.access("carol"), post=post)
    told = Notification.objects.get(user=team.bob)

    response = team.browser("bob").post(reverse("notification_open", args=[told.pk]))

    assert response.status_code == 302
    assert response["Location"] == told.url
    told.refresh_from_db()
    assert told.read_at is not None


def test_it_does_not_open_someone_elses_notification(team):
    bobs = _notify(team, team.bob, "bob")

    response = team.browser("carol").post(reverse("notification_open", args=[bobs.pk]))

    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_it_does_not_redirect_off_site(team):
    notify([team.carol], kind="x", title="外链", url="https://evil.example/")
    mine = Notification.objects.get(user=team.carol)

    response = team.browser("carol").post(reverse("notification_open", args=[mine.pk]))

    assert response["Location"] == reverse("notifications")


def test_it_lists_notifications_from_every_workspace_on_the_page(team):
    _notify(team, team.carol, "本工作区")
    _notify(team, team.carol, "别的工作区", workspace=team.other)
    browser = team.browser("carol")

    page = browser.get(reverse("notifications"))
    read_all = browser.post(reverse("notifications_read_all"))

    assert page.status_code == 200
    assert "本工作区".encode() in page.content and "别的工作区".encode() in page.content
    assert b'id="page-read-all"' in page.content
    assert read_all.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_sends_anonymous_visitors_to_sign_in(db):
    from django.test import Client

    for name in ("notifications", "notifications_menu"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
