"""Business-time arithmetic over a calendar's open intervals, DST-correct.

Business time is real elapsed time inside the open hours, so an 09:00–18:00 range on the day
clocks spring forward is still nine hours, and a 00:00–24:00 day then is 23 hours. Nothing
loops over minutes: each day is turned into its open intervals in UTC (cached), and the
functions walk those intervals.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Calendar

Range = tuple[int, int]  # minutes after local midnight, end exclusive (1440 = 24:00)
MAX_IDLE_DAYS = 800  # a calendar closed this long in a row is treated as never open
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})\s*$")


class NeverOpen(ValueError):
    """The calendar has no open time ahead: a deadline cannot be placed."""


@dataclass(frozen=True)
class Schedule:
    """A calendar as plain values: hashable, so its days' intervals are cached."""

    time_zone: str = "UTC"
    always_open: bool = False
    weekly: tuple[tuple[Range, ...], ...] = field(default_factory=lambda: ((),) * 7)
    holidays: frozenset[date] = frozenset()
    workdays: tuple[tuple[date, tuple[Range, ...]], ...] = ()  # makeup working days

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def ranges_on(self, day: date) -> tuple[Range, ...]:
        if day in self.holidays:
            return ()
        for workday, ranges in self.workdays:
            if workday == day:
                return ranges or self.working_day_hours
        return self.weekly[day.weekday()]

    @property
    def working_day_hours(self) -> tuple[Range, ...]:
        """A normal working day's hours (the first of Monday to Friday that has some)."""
        return next((ranges for ranges in self.weekly[:5] if ranges), ()) or next(
            (ranges for ranges in self.weekly if ranges), ()
        )


ALWAYS_OPEN = Schedule(always_open=True)


def parse_ranges(text: str) -> list[Range]:
    """ "09:00-12:00, 13:30-18:00" → [(540, 720), (810, 1080)]; ValueError says what is wrong."""
    ranges: list[Range] = []
    for part in re.split(r"[,，;；\s]+(?=\d)", text.strip()):
        if not part.strip():
            continue
        found = _RANGE.match(part)
        if found is None:
            raise ValueError(f"{part.strip()!r} is not a range like 09:00-18:00")
        h1, m1, h2, m2 = (int(group) for group in found.groups())
        ranges.append((_minutes(h1, m1), _minutes(h2, m2)))
    return normalise(ranges)


def _minutes(hour: int, minute: int) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ValueError(f"{hour:02d}:{minute:02d} is not a time of day")
    return hour * 60 + minute


def normalise(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, each start before its end, overlapping or touching ranges refused."""
    result = sorted(ranges)
    for start, end in result:
        if not 0 <= start < end <= 1440:
            raise ValueError(f"{format_minutes(start)}-{format_minutes(end)} is not a range")
    for (_s1, end1), (start2, _e2) in zip(result, result[1:], strict=False):
        if start2 < end1:
            raise ValueError("ranges overlap")
    return result


def format_minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def format_ranges(ranges: Iterable[Range]) -> str:
    return ", ".join(f"{format_minutes(a)}-{format_minutes(b)}" for a, b in ranges)


def ranges_from_json(value: Any) -> tuple[Range, ...]:
    """[["09:00", "12:00"], …] as stored in the database, to minute ranges."""
    ranges = []
    for pair in value or []:
        start, end = (_parse_time(str(text)) for text in pair)
        ranges.append((start, end))
    return tuple(normalise(ranges))


def ranges_to_json(ranges: Iterable[Range]) -> list[list[str]]:
    return [[format_minutes(a), format_minutes(b)] for a, b in ranges]


def _parse_time(text: str) -> int:
    hour, _sep, minute = text.partition(":")
    return _minutes(int(hour), int(minute or 0))


def schedule_of(calendar: Calendar | None, default_time_zone: str = "UTC") -> Schedule:
    """The schedule of a calendar row (its days prefetched or queried); None is 24/7."""
    if calendar is None or calendar.always_open:
        return ALWAYS_OPEN
    hours = calendar.hours if isinstance(calendar.hours, dict) else {}
    weekly = tuple(ranges_from_json(hours.get(str(day))) for day in range(7))
    holidays, workdays = set(), []
    for day in calendar.days.all():
        if day.kind == "holiday":
            holidays.add(day.date)
        else:
            workdays.append((day.date, ranges_from_json(day.hours)))
    return Schedule(
        time_zone=calendar.time_zone or default_time_zone,
        weekly=weekly,
        holidays=frozenset(holidays),
        workdays=tuple(sorted(workdays)),
    )


@lru_cache(maxsize=4096)
def _open_intervals(schedule: Schedule, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The day's open intervals as UTC datetimes (wall times converted in the zone)."""
    zone = schedule.zone
    intervals = []
    for start, end in schedule.ranges_on(day):
        a = _wall(day, start, zone)
        b = _wall(day, end, zone)
        if b > a:  # a range swallowed by a DST gap is empty
            intervals.append((a, b))
    return tuple(intervals)


def _wall(day: date, minutes: int, zone: zoneinfo.ZoneInfo) -> datetime:
    if minutes == 1440:
        day, minutes = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


def _days_from(schedule: Schedule, moment: datetime) -> Iterator[date]:
    day = moment.astimezone(schedule.zone).date()
    while True:
        yield day
        day += timedelta(days=1)


def add_business_time(schedule: Schedule, start: datetime, seconds: float) -> datetime:
    """The moment (in UTC) ``seconds`` of business time after ``start``; 0 gives ``start``."""
    start = _utc(start)
    if seconds <= 0:
        return start
    if schedule.always_open:
        return start + timedelta(seconds=seconds)
    remaining = timedelta(seconds=seconds)
    idle = 0
    for day in _days_from(schedule, start):
        intervals = _open_intervals(schedule, day)
        idle = 0 if intervals else idle + 1
        if idle > MAX_IDLE_DAYS:
            raise NeverOpen("the calendar is never open")
        for a, b in intervals:
            if b <= start:
                continue
            begin = max(a, start)
            if remaining <= b - begin:
                return begin + remaining
            remaining -= b - begin
    raise AssertionError("unreachable")  # pragma: no cover


def business_seconds_between(schedule: Schedule, a: datetime, b: datetime) -> float:
    """Business seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
    a, b = _utc(a), _utc(b)
    if b <= a:
        return 0.0
    if schedule.always_open:
        return (b - a).total_seconds()
    total = timedelta()
    last_day = b.astimezone(schedule.zone).date()
    for day in _days_from(schedule, a):
        if day > last_day:
            break
        for start, end in _open_intervals(schedule, day):
            overlap = min(end, b) - max(start, a)
            if overlap > timedelta():
                total += overlap
    return total.total_seconds()


def is_open(schedule: Schedule, moment: datetime) -> bool:
    moment = _utc(moment)
    if schedule.always_open:
        return True
    day = moment.astimezone(schedule.zone).date()
    return any(a <= moment < b for a, b in _open_intervals(schedule, day))


def _utc(moment: datetime) -> datetime:
    """In UTC: Python adds and subtracts datetimes sharing a zone in wall time, not real time."""
    if moment.tzinfo is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(UTC)
