"""GET /calendar: posts with a time in local days, in UTC and in the workspace's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from socialops.channels.models import Channel
from socialops.conftest import Team, error_of
from socialops.content.models import Post

from .test_calendar_views import approved, connect

NOW = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def channel(team: Team) -> Channel:
    return connect(team)


def test_it_lists_entries_in_utc_and_local_time(team: Team, channel: Channel) -> None:
    team.workspace.time_zone = "Europe/Berlin"
    team.workspace.save()
    sunday = approved(team, [channel], datetime(2026, 3, 29, 7, 0, tzinfo=UTC), body="周日")
    published = approved(team, [channel], datetime(2026, 3, 28, 8, 0, tzinfo=UTC), body="周六")
    Post.objects.filter(pk=published.pk).update(
        state=Post.State.PUBLISHED, published_at=datetime(2026, 3, 28, 8, 1, tzinfo=UTC)
    )

    response = team.api("erin").get("/calendar", {"from": "2026-03-28", "to": "2026-03-29"})

    assert response.status_code == 200
    body = response.json()
    assert (body["time_zone"], body["first_day"], body["last_day"]) == (
        "Europe/Berlin",
        "2026-03-28",
        "2026-03-29",
    )
    assert [
        (e["post_id"], e["at"], e["local"], e["local_day"], e["published"], e["movable"])
        for e in body["entries"]
    ] == [
        (
            published.pk,
            "2026-03-28T08:01:00Z",
            "2026-03-28T09:01:00+01:00",
            "2026-03-28",
            True,
            False,
        ),
        (sunday.pk, "2026-03-29T07:00:00Z", "2026-03-29T09:00:00+02:00", "2026-03-29", False, True),
    ]
    assert body["entries"][1]["channel_ids"] == [channel.pk]


def test_it_defaults_to_this_months_grid_and_filters_by_account(
    team: Team, channel: Channel
) -> None:
    other = connect(team, "acme_b")
    approved(team, [other], datetime(2026, 4, 2, 1, 0, tzinfo=UTC))
    mine = approved(team, [channel], datetime(2026, 4, 3, 1, 0, tzinfo=UTC))

    everything = team.api("carol").get("/calendar")
    filtered = team.api("carol").get("/calendar", {"channel_id": channel.pk})

    assert (everything.json()["first_day"], everything.json()["last_day"]) == (
        "2026-02-23",
        "2026-04-05",
    )
    assert len(everything.json()["entries"]) == 2
    assert [e["post_id"] for e in filtered.json()["entries"]] == [mine.pk]


def test_it_refuses_bad_periods(team: Team, channel: Channel) -> None:
    api = team.api("carol")

    backwards = api.get("/calendar", {"from": "2026-03-10", "to": "2026-03-01"})
    too_long = api.get("/calendar", {"from": "2026-01-01", "to": "2027-06-01"})
    ancient = api.get("/calendar", {"from": "0001-01-01"})
    unknown = api.get("/calendar", {"channel_id": 999999})

    assert backwards.status_code == 422 and "to" in error_of(backwards)["fields"]
    assert too_long.status_code == 422
    assert ancient.status_code == 422
    assert unknown.status_code == 404
