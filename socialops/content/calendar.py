"""Calendar date logic without the database: grids, periods and wall-clock moves in a time zone.

Weeks start on Monday. Every instant is stored in UTC; a day or an hour on the calendar is a
local one in the workspace's time zone, so a day can be 23 or 25 hours long around a DST change.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialops.core.clock import EARLIEST_DAY, LATEST_DAY

MONTH = "month"
WEEK = "week"
VIEWS = (MONTH, WEEK)


@dataclass(frozen=True)
class Period:
    """The local days a calendar view shows: [first, end) in the zone, with its neighbours."""

    view: str  # "month" or "week"
    anchor: date  # the day the view was asked for
    first: date  # first day shown (a Monday)
    end: date  # the day after the last one shown
    zone: ZoneInfo

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.end - self.first).days)]

    @property
    def weeks(self) -> list[list[date]]:
        days = self.days
        return [days[i : i + 7] for i in range(0, len(days), 7)]

    @property
    def start_utc(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end_utc(self) -> datetime:
        return local_midnight(self.end, self.zone)

    @property
    def previous(self) -> date:
        if self.view == MONTH:
            return add_months(self.anchor.replace(day=1), -1)
        return self.anchor - timedelta(days=7)

    @property
    def next(self) -> date:
        if self.view == MONTH:
            return add_months(self.anchor.replace(day=1), 1)
        return self.anchor + timedelta(days=7)

    def in_month(self, day: date) -> bool:
        return day.year == self.anchor.year and day.month == self.anchor.month


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = stdlib_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_grid(year: int, month: int) -> list[list[date]]:
    """Whole weeks (Monday to Sunday) covering the month, with neighbouring months' days."""
    first = date(year, month, 1)
    last = date(year, month, stdlib_calendar.monthrange(year, month)[1])
    start = monday_of(first)
    end = monday_of(last) + timedelta(days=7)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def period(view: str, anchor: date, zone: ZoneInfo) -> Period:
    """The month or week around ``anchor``."""
    if view == MONTH:
        grid = month_grid(anchor.year, anchor.month)
        return Period(MONTH, anchor, grid[0][0], grid[-1][-1] + timedelta(days=1), zone)
    first = monday_of(anchor)
    return Period(WEEK, anchor, first, first + timedelta(days=7), zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local day starts (zones never skip midnight in practice)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def at_local(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time.

    A time skipped by a spring-forward change (02:30 in Berlin on the last Sunday of March) comes
    out an hour later, as clocks show it; a repeated one (autumn) is its first occurrence.
    """
    local = datetime.combine(day, wall.replace(tzinfo=None), tzinfo=zone)
    return local.astimezone(UTC)


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone)


def move_to_day(instant: datetime, day: date, zone: ZoneInfo) -> datetime:
    """The instant moved to another local day at the same local time of day."""
    wall = instant.astimezone(zone)
    return at_local(day, time(wall.hour, wall.minute, wall.second), zone)


def parse_day(value: str | None, default: date) -> date:
    """A YYYY-MM-DD query value, or ``default`` when missing, malformed or absurdly far."""
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return default
    return day if EARLIEST_DAY <= day <= LATEST_DAY else default
