"""Posts scheduled at a local wall time go out at that UTC instant, across daylight saving too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from socialops.content.models import Post
from socialops.publishing import engine
from socialops.publishing.models import Publication

from .factories import publication_of, sandbox_channel, scheduled_post

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")  # clocks go forward at 02:00 on 8 March 2026
ONE_SECOND = timedelta(seconds=1)


def _goes_out_at(team: Any, post: Post, instant: datetime, clock: Any) -> None:
    clock.move_to(instant - ONE_SECOND)
    engine.Publisher(worker="w").run_once()
    assert publication_of(post).state == Publication.State.SCHEDULED
    clock.move_to(instant)
    engine.Publisher(worker="w").run_once()
    publication = publication_of(post)
    assert publication.state == Publication.State.PUBLISHED
    assert publication.published_at == instant


def test_it_publishes_nine_in_the_morning_in_shanghai_at_one_utc(team):
    team.workspace.time_zone = "Asia/Shanghai"
    team.workspace.save()
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        channel = sandbox_channel(team)
        nine = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
        post = scheduled_post(team, [channel], at=nine)

        assert publication_of(post).due_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        _goes_out_at(team, post, datetime(2026, 3, 2, 1, 0, tzinfo=UTC), clock)


def test_it_keeps_the_wall_time_across_the_spring_forward_in_new_york(team):
    team.workspace.time_zone = "America/New_York"
    team.workspace.save()
    with time_machine.travel(datetime(2026, 3, 6, 15, 0, tzinfo=UTC), tick=False) as clock:
        channel = sandbox_channel(team)
        saturday = scheduled_post(
            team, [channel], at=datetime(2026, 3, 7, 9, 0, tzinfo=NEW_YORK), body="周六早上九点"
        )
        sunday = scheduled_post(
            team, [channel], at=datetime(2026, 3, 8, 9, 0, tzinfo=NEW_YORK), body="周日早上九点"
        )
        # 09:00 EST is 14:00 UTC; after the change 09:00 EDT is 13:00 UTC, 23 hours later.
        assert publication_of(saturday).due_at == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
        assert publication_of(sunday).due_at == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)

        _goes_out_at(team, saturday, datetime(2026, 3, 7, 14, 0, tzinfo=UTC), clock)
        _goes_out_at(team, sunday, datetime(2026, 3, 8, 13, 0, tzinfo=UTC), clock)
        local = publication_of(sunday).published_at.astimezone(NEW_YORK)  # type: ignore[union-attr]
        assert (local.hour, local.minute, local.tzname()) == (9, 0, "EDT")


def test_it_publishes_the_late_autumn_hour_once_in_berlin(team):
    """02:30 happens twice on 25 October 2026 in Berlin; fold picks which, the engine obeys."""
    berlin = ZoneInfo("Europe/Berlin")
    with time_machine.travel(datetime(2026, 10, 24, 12, 0, tzinfo=UTC), tick=False) as clock:
        channel = sandbox_channel(team)
        first = scheduled_post(
            team, [channel], at=datetime(2026, 10, 25, 2, 30, tzinfo=berlin), body="第一次两点半"
        )
        second = scheduled_post(
            team,
            [channel],
            at=datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin),
            body="第二次两点半",
        )
        assert publication_of(first).due_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert publication_of(second).due_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)

        _goes_out_at(team, first, datetime(2026, 10, 25, 0, 30, tzinfo=UTC), clock)
        assert publication_of(second).state == Publication.State.SCHEDULED
        _goes_out_at(team, second, datetime(2026, 10, 25, 1, 30, tzinfo=UTC), clock)
