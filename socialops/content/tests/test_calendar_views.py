"""The calendar page: posts on their local day and hour, and moving them by drag or by form."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import Team, audit_count
from socialops.content import actions
from socialops.content.models import ContentPillar, Post
from socialops.core.models import AuditEvent
from socialops.publishing.models import Publication

NOW = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)  # a Wednesday; Berlin changes clocks on the 29th
JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def connect(team: Team, handle: str = "acme_demo", platform: str = "weibo") -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": handle, "handle": handle},
        platform=platform,
    )


@pytest.fixture
def channel(team: Team) -> Channel:
    return connect(team)


def approved(
    team: Team, channels: Sequence[Channel], at: datetime | None, body: str = "新品上市", **kw: Any
) -> Post:
    """Written by carol, approved by bob: scheduled when it has a time in the future."""
    post = actions.create_post(
        access=team.access("carol"),
        channel_ids=[c.pk for c in channels],
        body=body,
        scheduled_at=at,
        **kw,
    )
    actions.submit_post(access=team.access("carol"), post=post)
    return actions.approve_post(access=team.access("bob"), post=post)


def page_url(team: Team, **params: str) -> str:
    url = reverse("content_calendar", args=[team.workspace.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def move_url(team: Team, post: Post) -> str:
    return reverse("content_calendar_move", args=[team.workspace.slug, post.pk])


def chips_by_day(response: Any) -> dict[str, list[int]]:
    return {
        cell["day"].isoformat(): [chip["id"] for chip in cell["chips"]]
        for week in response.context["weeks"]
        for cell in week
        if cell["chips"]
    }


def chips_by_hour(response: Any) -> dict[tuple[str, int], list[int]]:
    return {
        (cell["day"].isoformat(), row["hour"]): [chip["id"] for chip in cell["chips"]]
        for row in response.context["hours"]
        for cell in row["cells"]
        if cell["chips"]
    }


def test_it_shows_the_month_in_the_workspace_time_zone(team: Team, channel: Channel) -> None:
    # 2026-03-31 17:30 UTC is already April 1st, 01:30 in Shanghai
    late = approved(team, [channel], datetime(2026, 3, 31, 17, 30, tzinfo=UTC), body="月底")
    idea = actions.create_post(access=team.access("carol"), body="点子", state=Post.State.IDEA)

    month = team.browser("dave").get(page_url(team))
    april = team.browser("dave").get(page_url(team, date="2026-04-01"))

    assert month.status_code == 200
    assert chips_by_day(month) == {"2026-04-01": [late.pk]}  # the grid's trailing days
    assert [c["id"] for c in month.context["unscheduled"]] == [idea.pk]
    assert chips_by_day(april)["2026-04-01"] == [late.pk]
    html = month.content.decode()
    assert 'data-day="2026-04-01"' in html and "01:30" in html and "bi-sina-weibo" in html
    assert 'draggable="true"' not in html  # dave (agent) cannot move anything
    assert month.context["period"].first.isoformat() == "2026-02-23"


def test_it_places_posts_on_the_right_local_hour_in_a_dst_week(
    team: Team, channel: Channel
) -> None:
    team.workspace.time_zone = "Europe/Berlin"
    team.workspace.save()
    saturday = approved(team, [channel], datetime(2026, 3, 28, 8, 0, tzinfo=UTC), body="周六")
    sunday = approved(team, [channel], datetime(2026, 3, 29, 7, 0, tzinfo=UTC), body="周日")
    monday = approved(team, [channel], datetime(2026, 3, 29, 22, 30, tzinfo=UTC), body="周一")

    week = team.browser("bob").get(page_url(team, view="week", date="2026-03-26"))

    # clocks go forward on Sunday 29th at 02:00: the same 09:00 is 08:00 UTC, then 07:00 UTC
    assert chips_by_hour(week) == {
        ("2026-03-28", 9): [saturday.pk],  # CET, +01:00
        ("2026-03-29", 9): [sunday.pk],  # CEST, +02:00
    }  # Monday 00:30 CEST is the next week
    assert week.context["zone"] == "Europe/Berlin"
    assert 'data-day="2026-03-29" data-hour="9"' in week.content.decode()
    assert monday.pk not in [c["id"] for c in week.context["unscheduled"]]


def test_it_filters_by_account(team: Team, channel: Channel) -> None:
    other = connect(team, "acme_b")
    mine = approved(team, [channel], NOW + timedelta(days=1), body="一")
    approved(team, [other], NOW + timedelta(days=1), body="二")

    response = team.browser("carol").get(page_url(team, channel=str(channel.pk)))

    assert [c for ids in chips_by_day(response).values() for c in ids] == [mine.pk]
    assert response.context["best"].source == "catalog"  # best times for the chosen account


def test_it_reschedules_a_dragged_post_and_keeps_its_time_of_day(
    team: Team, channel: Channel
) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 15, tzinfo=UTC))  # 20:15 local

    response = team.browser("bob").post(move_url(team, post), {"day": "2026-03-28"}, headers=JSON)

    assert response.status_code == 200, response.content
    want = datetime(2026, 3, 28, 12, 15, tzinfo=UTC)
    assert response.json()["local"] == "2026-03-28T20:15:00+08:00"
    post.refresh_from_db()
    assert post.scheduled_at == want and post.state == Post.State.SCHEDULED
    assert Publication.objects.get(post=post).due_at == want
    assert audit_count("post.rescheduled", target_id=str(post.pk)) == 1


def test_it_moves_to_an_hour_in_the_week_view(team: Team, channel: Channel) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 15, tzinfo=UTC))

    response = team.browser("bob").post(
        move_url(team, post), {"day": "2026-03-27", "hour": "9"}, headers=JSON
    )

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 3, 27, 1, 15, tzinfo=UTC)  # 09:15 local


def test_it_refuses_an_editor_moving_a_scheduled_post(team: Team, channel: Channel) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 0, tzinfo=UTC))
    denied = audit_count("access.denied")

    response = team.browser("carol").post(move_url(team, post), {"day": "2026-03-28"}, headers=JSON)

    assert response.status_code == 403
    assert "无权" in response.json()["error"]["message"]  # zh-hans, the default
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
    assert audit_count("access.denied") == denied + 1


def test_it_lets_an_editor_schedule_without_approval_step(team: Team, channel: Channel) -> None:
    actions.set_approval_stages(access=team.access("alice"), stages=0)
    post = actions.create_post(
        access=team.access("carol"),
        channel_ids=[channel.pk],
        body="无需审核",
        scheduled_at=datetime(2026, 3, 26, 12, 0, tzinfo=UTC),
    )
    post = actions.submit_post(access=team.access("carol"), post=post)
    assert post.state == Post.State.SCHEDULED

    response = team.browser("carol").post(move_url(team, post), {"day": "2026-03-28"}, headers=JSON)

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 3, 28, 12, 0, tzinfo=UTC)


def test_it_refuses_a_move_into_the_past(team: Team, channel: Channel) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 0, tzinfo=UTC))

    response = team.browser("bob").post(move_url(team, post), {"day": "2026-03-20"}, headers=JSON)

    assert response.status_code == 422
    assert response.json()["error"]["message"] == "该时间已过。"
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 3, 26, 12, 0, tzinfo=UTC)


def test_it_refuses_a_move_once_publishing_started(team: Team, channel: Channel) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 0, tzinfo=UTC))
    Publication.objects.filter(post=post).update(state=Publication.State.PUBLISHING)

    response = team.browser("bob").post(move_url(team, post), {"day": "2026-03-28"}, headers=JSON)

    assert response.status_code == 422
    assert "发布已经开始" in response.json()["error"]["message"]


def test_it_replans_a_draft_by_editing_it(team: Team, channel: Channel) -> None:
    draft = actions.create_post(access=team.access("carol"), channel_ids=[channel.pk], body="草稿")

    response = team.browser("carol").post(
        move_url(team, draft), {"day": "2026-03-27"}, headers=JSON
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.state == Post.State.DRAFT
    assert draft.scheduled_at == datetime(2026, 3, 27, 1, 0, tzinfo=UTC)  # 09:00 by default
    assert not Publication.objects.filter(post=draft).exists()
    event = AuditEvent.objects.filter(action="post.updated", target_id=str(draft.pk)).latest("id")
    assert event.after["scheduled_at"] == "2026-03-27T01:00:00+00:00"  # type: ignore[index]


def test_it_moves_with_the_keyboard_form_and_redirects_back(team: Team, channel: Channel) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 0, tzinfo=UTC))
    form = {"day": "2026-04-02", "time": "07:30", "view": "week", "date": "2026-04-02"}

    bob = team.browser("bob")
    response = bob.post(move_url(team, post), form)

    assert response.status_code == 302
    assert response["Location"] == page_url(team, view="week", date="2026-04-02")
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 4, 1, 23, 30, tzinfo=UTC)
    shown = bob.get(response["Location"])
    assert "2026-04-02 07:30" in shown.content.decode()  # the success message


def test_it_shows_a_form_error_as_a_message(team: Team, channel: Channel) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 0, tzinfo=UTC))

    response = team.browser("bob").post(
        move_url(team, post), {"day": "2026-03-01", "time": "10:00"}, follow=True
    )

    assert response.status_code == 200
    assert "该时间已过。" in response.content.decode()


def test_it_refuses_moving_a_published_post_or_another_workspaces(
    team: Team, channel: Channel
) -> None:
    post = approved(team, [channel], datetime(2026, 3, 26, 12, 0, tzinfo=UTC))
    Post.objects.filter(pk=post.pk).update(state=Post.State.PUBLISHED)
    theirs = actions.create_post(access=team.access("charlie", team.other), body="别人的")

    published = team.browser("bob").post(move_url(team, post), {"day": "2026-03-28"}, headers=JSON)
    elsewhere = team.browser("bob").post(
        move_url(team, theirs), {"day": "2026-03-28"}, headers=JSON
    )

    assert published.status_code == 422
    assert elsewhere.status_code == 404


def test_it_colours_chips_by_state_and_pillar(team: Team, channel: Channel) -> None:
    pillar = ContentPillar.objects.create(
        workspace=team.workspace, name="行业", colour="#6f42c1", target_share=20
    )
    approved(team, [channel], NOW + timedelta(days=1), pillar_id=pillar.pk)

    html = team.browser("bob").get(page_url(team)).content.decode()

    assert "so-chip-scheduled" in html and "border-left-color: #6f42c1" in html


def test_it_schedules_an_approved_post_dropped_from_the_side_list(
    team: Team, channel: Channel
) -> None:
    post = approved(team, [channel], None, body="待排期")
    assert post.state == Post.State.APPROVED

    calendar = team.browser("bob").get(page_url(team))
    response = team.browser("bob").post(
        move_url(team, post), {"day": "2026-03-27", "hour": "20"}, headers=JSON
    )

    assert [c["id"] for c in calendar.context["unscheduled"]] == [post.pk]
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.state == Post.State.SCHEDULED
    assert post.scheduled_at == datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    assert Publication.objects.get(post=post).due_at == post.scheduled_at


def test_it_falls_back_to_today_for_absurd_dates(team):
    client = team.browser("alice")
    for url in [
        "/w/acme/content/calendar/?date=9999-12-31",
        "/w/acme/content/calendar/?date=0001-01-01&view=week",
        "/w/acme/content/mix/?from=0001-01-01&to=9999-12-31",
        "/w/acme/content/report/?from=0001-01-01&to=9999-12-31",
    ]:
        assert client.get(url).status_code == 200, url
