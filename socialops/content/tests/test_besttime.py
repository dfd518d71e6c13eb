"""Best-time suggestions: from an account's own history, blended with or from the catalog prior."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from socialops.channels.models import Channel
from socialops.conftest import Team
from socialops.content import actions, besttime
from socialops.platforms import catalog
from socialops.publishing.models import MetricSnapshot, Publication

from .test_calendar_views import connect

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday 12:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def channel(team: Team) -> Channel:
    return connect(team)


def published(
    team: Team, channel: Channel, at: datetime, *, engaged: int, impressions: int | None
) -> Publication:
    """A published post with an early snapshot and a later one that counts."""
    post = actions.create_post(access=team.access("carol"), channel_ids=[channel.pk], body="历史")
    publication = Publication.objects.create(
        workspace=team.workspace,
        post=post,
        variant=post.variants.get(),
        channel=channel,
        state=Publication.State.PUBLISHED,
        due_at=at,
        not_before=at,
        published_at=at,
        idempotency_key=secrets.token_hex(8),
    )
    MetricSnapshot.objects.create(
        publication=publication, collected_at=at + timedelta(hours=1), likes=1, impressions=10
    )
    MetricSnapshot.objects.create(
        publication=publication,
        collected_at=at + timedelta(days=1),
        likes=engaged // 2,
        reposts=engaged - engaged // 2 - 1,
        comments=1,
        impressions=impressions,
    )
    return publication


def tuesday_20(weeks_ago: int) -> datetime:
    return datetime(2026, 11, 24, 12, 0, tzinfo=UTC) - timedelta(weeks=weeks_ago)  # 20:00 local


def wednesday_10(weeks_ago: int) -> datetime:
    return datetime(2026, 11, 25, 2, 0, tzinfo=UTC) - timedelta(weeks=weeks_ago)  # 10:00 local


def test_it_learns_from_the_accounts_own_history(team: Team, channel: Channel) -> None:
    for week in range(6):
        published(team, channel, tuesday_20(week), engaged=41, impressions=1000)  # 4.1%
        published(team, channel, wednesday_10(week), engaged=10, impressions=1000)  # 1.0%

    found = besttime.best_times(channel, SHANGHAI, count=3)

    assert (found.source, found.measured, found.rates) == ("history", 12, True)
    assert [(s.weekday, s.hour) for s in found.suggestions] == [(1, 20), (2, 10)]
    best = found.suggestions[0]
    assert best.reason == (
        "based on 12 of your posts: Tue 20:00 averaged 4.1% engagement (6 posts)"
    )
    assert best.average == 4.1 and best.posts == 6 and best.score == 1.0
    assert best.next_at == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # next Tuesday 20:00
    assert found.summary == "Based on 12 of your measured posts."


def test_it_counts_engagements_when_impressions_are_unknown(team: Team, channel: Channel) -> None:
    for week in range(5):
        published(team, channel, tuesday_20(week), engaged=3, impressions=None)
        published(team, channel, wednesday_10(week), engaged=30, impressions=None)

    found = besttime.best_times(channel, SHANGHAI)

    assert found.rates is False
    assert found.suggestions[0].label == "Wed 10:00"
    assert "averaged 30.0 engagement (5 posts)" in found.suggestions[0].reason


def test_it_gives_a_new_account_the_catalogs_peak_hours(team: Team, channel: Channel) -> None:
    found = besttime.best_times(channel, SHANGHAI)

    assert found.source == "catalog" and found.measured == 0
    # Weibo peaks at 21:00 every day; ties go to the soonest, starting with tonight
    assert [s.label for s in found.suggestions] == [
        "Thu 21:00",
        "Fri 21:00",
        "Sat 21:00",
        "Sun 21:00",
        "Mon 21:00",
    ]
    assert found.suggestions[0].reason == (
        "new account: the platform's typical peak hours for Sina Weibo (catalog)"
    )


def test_it_blends_a_little_history_with_the_prior(team: Team, channel: Channel) -> None:
    for week in range(4):
        published(team, channel, tuesday_20(week), engaged=100, impressions=1000)
        published(team, channel, wednesday_10(week), engaged=0, impressions=1000)

    found = besttime.best_times(channel, SHANGHAI, count=168)
    order = [(s.weekday, s.hour) for s in found.suggestions]

    assert found.source == "blend" and found.measured == 8
    # the same prior weight: Tuesday 20:00 moves up past Monday's, Wednesday 10:00 down
    assert order.index((1, 20)) < order.index((0, 20))
    assert order.index((2, 10)) > order.index((3, 10))
    tuesday = found.suggestions[order.index((1, 20))]
    assert tuesday.reason.startswith("based on 8 of your posts: Tue 20:00 averaged 10.0%")
    assert "blended with Sina Weibo's typical peak hours" in tuesday.reason
    assert "only 8 of your posts measured" in found.suggestions[0].reason
    assert "until 10 are measured" in found.summary


def test_it_maps_the_prior_into_the_workspace_zone() -> None:
    weibo = catalog.get("weibo")
    assert weibo is not None and weibo.best_hours is not None

    winter = besttime.prior_scores(weibo.best_hours, BERLIN, NOW)
    summer = besttime.prior_scores(weibo.best_hours, BERLIN, datetime(2026, 7, 1, tzinfo=UTC))

    # 21:00 in Shanghai is 14:00 in Berlin in winter (CET) and 15:00 in summer (CEST)
    assert winter[(0, 14)] == 1.0 and summer[(0, 15)] == 1.0
    assert winter[(0, 15)] < 1.0


def test_it_serves_best_times_over_the_api(team: Team, channel: Channel) -> None:
    published(team, channel, tuesday_20(0), engaged=41, impressions=1000)

    response = team.api("erin").get(f"/channels/{channel.pk}/best-times", {"count": 2})

    assert response.status_code == 200
    body = response.json()
    assert (body["source"], body["measured"], body["time_zone"]) == ("blend", 1, "Asia/Shanghai")
    assert len(body["suggestions"]) == 2
    assert body["suggestions"][0]["next_local"].endswith("+08:00")
    assert body["suggestions"][0]["reason"]  # in erin's language


def test_it_shows_best_times_in_the_calendar_sidebar(team: Team, channel: Channel) -> None:
    from django.urls import reverse

    url = reverse("content_calendar", args=[team.workspace.slug]) + f"?channel={channel.pk}"
    html = team.browser("carol").get(url).content.decode()

    assert 'id="best-times" data-source="catalog"' in html
    assert 'data-weekday="3" data-hour="21"' in html
