"""Calendar date logic: month grids, Monday weeks, neighbours, and wall-clock moves across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from socialops.content.calendar import (
    MONTH,
    WEEK,
    add_months,
    at_local,
    local_midnight,
    month_grid,
    move_to_day,
    parse_day,
    period,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("year", "month", "first", "last", "weeks"),
    [
        (2026, 11, date(2026, 10, 26), date(2026, 12, 6), 6),  # starts on a Sunday
        (2026, 6, date(2026, 6, 1), date(2026, 7, 5), 5),  # starts on a Monday
        (2027, 2, date(2027, 2, 1), date(2027, 2, 28), 4),  # 28 days, Monday to Sunday
        (2024, 2, date(2024, 1, 29), date(2024, 3, 3), 5),  # leap year
        (2026, 12, date(2026, 11, 30), date(2027, 1, 3), 5),  # across the new year
    ],
)
def test_it_covers_a_month_with_whole_monday_weeks(year, month, first, last, weeks):
    grid = month_grid(year, month)

    assert grid[0][0] == first and grid[-1][-1] == last
    assert len(grid) == weeks
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in grid)
    days = [d for week in grid for d in week]
    assert all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))


def test_it_moves_between_months_and_weeks():
    month = period(MONTH, date(2026, 1, 31), SHANGHAI)
    week = period(WEEK, date(2026, 11, 26), SHANGHAI)  # a Thursday

    assert month.previous == date(2025, 12, 1) and month.next == date(2026, 2, 1)
    assert month.in_month(date(2026, 1, 1)) and not month.in_month(date(2026, 2, 1))
    assert week.first == date(2026, 11, 23) and week.end == date(2026, 11, 30)
    assert week.previous == date(2026, 11, 19) and week.next == date(2026, 12, 3)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_it_bounds_a_period_by_local_midnights():
    week = period(WEEK, date(2026, 11, 26), SHANGHAI)

    assert week.start_utc == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert week.end_utc == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    assert len(week.days) == 7 and len(week.weeks) == 1


def test_it_gives_a_dst_week_its_short_day():
    """The week of 2026-03-29 in Berlin is an hour shorter: clocks go from 02:00 to 03:00."""
    week = period(WEEK, date(2026, 3, 29), BERLIN)

    assert week.start_utc == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # CET, +01:00
    assert week.end_utc == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST, +02:00
    assert (week.end_utc - week.start_utc).total_seconds() == (7 * 24 - 1) * 3600
    assert local_midnight(date(2026, 3, 30), BERLIN) == week.end_utc


def test_it_keeps_the_local_time_of_day_when_moving_across_dst():
    before = datetime(2026, 3, 27, 19, 0, tzinfo=UTC)  # Friday 20:00 in Berlin (CET)

    after = move_to_day(before, date(2026, 3, 30), BERLIN)  # Monday, now CEST

    assert after == datetime(2026, 3, 30, 18, 0, tzinfo=UTC)
    assert after.astimezone(BERLIN).strftime("%H:%M") == "20:00"


def test_it_moves_a_skipped_wall_time_forward_and_takes_a_repeated_one_first():
    skipped = at_local(date(2026, 3, 29), time(2, 30), BERLIN)
    repeated = at_local(date(2026, 10, 25), time(2, 30), BERLIN)

    assert skipped.astimezone(BERLIN).strftime("%H:%M %z") == "03:30 +0200"
    assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the CEST one


def test_it_reads_a_day_or_falls_back():
    today = date(2026, 11, 26)

    assert parse_day("2026-02-03", today) == date(2026, 2, 3)
    assert parse_day("2026-02-30", today) == today
    assert parse_day(None, today) == today
    assert parse_day("yesterday", today) == today
