"""Business-time arithmetic: table tests in Shanghai and New York (across DST), and properties."""

from __future__ import annotations

import time as wall_clock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.sla.calendar import (
    ALWAYS_OPEN,
    NeverOpen,
    Schedule,
    add_business_time,
    business_seconds_between,
    is_open,
    parse_ranges,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
LUNCH = ((540, 720), (810, 1080))  # 09:00-12:00, 13:30-18:00
WEEKDAYS = (LUNCH,) * 5 + ((), ())

CHINA = Schedule(
    time_zone="Asia/Shanghai",
    weekly=WEEKDAYS,
    holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)}),
    workdays=((date(2026, 10, 10), ()), (date(2026, 9, 27), ((600, 900),))),
)
NY_OFFICE = Schedule(time_zone="America/New_York", weekly=(((540, 1020),),) * 5 + ((), ()))
NY_ALL_DAY = Schedule(time_zone="America/New_York", weekly=(((0, 1440),),) * 7)
NY_NIGHT = Schedule(time_zone="America/New_York", weekly=(((60, 180),),) * 7)  # 01:00-03:00


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=NEW_YORK)


ADD_CASES = [
    # (schedule, start, seconds, expected)
    (CHINA, sh(2026, 11, 27, 17, 50), 20 * 60, sh(2026, 11, 30, 9, 10)),  # Friday → Monday
    (CHINA, sh(2026, 11, 26, 11, 50), 20 * 60, sh(2026, 11, 26, 13, 40)),  # over lunch
    (CHINA, sh(2026, 11, 26, 12, 30), 60, sh(2026, 11, 26, 13, 31)),  # starts in lunch
    (CHINA, sh(2026, 11, 28, 10, 0), 60, sh(2026, 11, 30, 9, 1)),  # Saturday
    (CHINA, sh(2026, 11, 26, 7, 0), 3 * 3600, sh(2026, 11, 26, 12, 0)),  # ends at a boundary
    (CHINA, sh(2026, 11, 26, 9, 0), 7.5 * 3600, sh(2026, 11, 26, 18, 0)),  # a whole day
    (CHINA, sh(2026, 11, 26, 9, 0), 7.5 * 3600 + 1, sh(2026, 11, 27, 9, 0, 1)),
    # 国庆: Wed 30 Sep → holidays Thu 1, Fri 2; Sat 3, Sun 4 weekend; Mon 5 holiday; Tue 6 open
    (CHINA, sh(2026, 9, 30, 17, 30), 3600, sh(2026, 10, 6, 9, 30)),
    # 调休: Saturday 10 October is a working day with normal hours
    (CHINA, sh(2026, 10, 9, 17, 30), 3600, sh(2026, 10, 10, 9, 30)),
    # a makeup Sunday with its own hours (10:00-15:00)
    (CHINA, sh(2026, 9, 26, 12, 0), 3600, sh(2026, 9, 27, 11, 0)),
    # New York: Friday 16:00 EST + 2 h → Monday 10:00 EDT (spring forward on Sunday 8 March)
    (NY_OFFICE, ny(2026, 3, 6, 16, 0), 2 * 3600, ny(2026, 3, 9, 10, 0)),
    # all day on the spring-forward day is 23 hours
    (NY_ALL_DAY, ny(2026, 3, 8, 0, 0), 23 * 3600, ny(2026, 3, 9, 0, 0)),
    (NY_ALL_DAY, ny(2026, 3, 8, 1, 30), 3600, ny(2026, 3, 8, 3, 30)),
    # 01:00-03:00 that night holds one real hour
    (NY_NIGHT, ny(2026, 3, 8, 1, 0), 3600, ny(2026, 3, 8, 3, 0)),
    (NY_NIGHT, ny(2026, 3, 8, 1, 0), 3599, ny(2026, 3, 8, 1, 59, 59)),
    (NY_NIGHT, ny(2026, 3, 8, 1, 0), 3601, ny(2026, 3, 9, 1, 0, 1)),
    (ALWAYS_OPEN, sh(2026, 11, 27, 23, 0), 7200, sh(2026, 11, 28, 1, 0)),
    (CHINA, sh(2026, 11, 27, 23, 0), 0, sh(2026, 11, 27, 23, 0)),
]


@pytest.mark.parametrize(("schedule", "start", "seconds", "expected"), ADD_CASES)
def test_it_adds_business_time(schedule, start, seconds, expected):
    got = add_business_time(schedule, start, seconds)

    assert got == expected
    assert business_seconds_between(schedule, start, got) == seconds


BETWEEN_CASES = [
    (CHINA, sh(2026, 11, 27, 17, 50), sh(2026, 11, 30, 9, 10), 20 * 60),
    (CHINA, sh(2026, 11, 26, 0, 0), sh(2026, 11, 27, 0, 0), 7.5 * 3600),
    (CHINA, sh(2026, 11, 28, 0, 0), sh(2026, 11, 30, 0, 0), 0),  # weekend
    (CHINA, sh(2026, 10, 1, 0, 0), sh(2026, 10, 3, 0, 0), 0),  # holidays
    (CHINA, sh(2026, 10, 10, 0, 0), sh(2026, 10, 11, 0, 0), 7.5 * 3600),  # makeup Saturday
    (CHINA, sh(2026, 11, 30, 9, 0), sh(2026, 11, 27, 9, 0), 0),  # backwards
    (NY_ALL_DAY, ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0), 23 * 3600),
    (NY_ALL_DAY, ny(2026, 11, 1, 0, 0), ny(2026, 11, 2, 0, 0), 25 * 3600),  # fall back
    (NY_NIGHT, ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0), 3600),
    (NY_NIGHT, ny(2026, 11, 1, 0, 0), ny(2026, 11, 2, 0, 0), 3 * 3600),
    (NY_OFFICE, ny(2026, 3, 6, 0, 0), ny(2026, 3, 10, 0, 0), 16 * 3600),
    (ALWAYS_OPEN, ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0), 23 * 3600),
]


@pytest.mark.parametrize(("schedule", "a", "b", "expected"), BETWEEN_CASES)
def test_it_measures_business_time_between(schedule, a, b, expected):
    assert business_seconds_between(schedule, a, b) == expected


def test_it_knows_when_it_is_open():
    assert is_open(CHINA, sh(2026, 11, 26, 9, 0))
    assert not is_open(CHINA, sh(2026, 11, 26, 12, 0))
    assert not is_open(CHINA, sh(2026, 10, 1, 10, 0))
    assert is_open(CHINA, sh(2026, 10, 10, 10, 0))
    assert is_open(ALWAYS_OPEN, sh(2026, 10, 1, 3, 0))


def test_it_refuses_a_calendar_that_never_opens():
    closed = Schedule(time_zone="Asia/Shanghai")

    with pytest.raises(NeverOpen):
        add_business_time(closed, sh(2026, 11, 26, 9, 0), 60)
    assert business_seconds_between(closed, sh(2026, 1, 1), sh(2026, 12, 31)) == 0


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(CHINA, datetime(2026, 11, 26, 9, 0), 60)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("09:00-12:00, 13:30-18:00", [(540, 720), (810, 1080)]),
        ("13:30–18:00，9:00-12:00", [(540, 720), (810, 1080)]),
        ("00:00-24:00", [(0, 1440)]),
        ("", []),
        ("9:00至17:30", [(540, 1050)]),
    ],
)
def test_it_parses_ranges(text, ranges):
    assert parse_ranges(text) == ranges


@pytest.mark.parametrize("text", ["9-17", "18:00-09:00", "09:00-12:00, 11:00-13:00", "25:00-26:00"])
def test_it_refuses_bad_ranges(text):
    with pytest.raises(ValueError):
        parse_ranges(text)


MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(
    schedule=st.sampled_from([CHINA, NY_OFFICE, NY_ALL_DAY, NY_NIGHT, ALWAYS_OPEN]),
    start=MOMENTS,
    seconds=st.integers(min_value=0, max_value=30 * 24 * 3600),
)
def test_it_gives_back_what_was_added(schedule, start, seconds):
    due = add_business_time(schedule, start, seconds)

    assert due >= start
    assert business_seconds_between(schedule, start, due) == pytest.approx(seconds, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(
    schedule=st.sampled_from([CHINA, NY_OFFICE, NY_NIGHT]),
    a=MOMENTS,
    b=MOMENTS,
    c=MOMENTS,
)
def test_it_adds_up_intervals(schedule, a, b, c):
    a, b, c = sorted([a, b, c])

    whole = business_seconds_between(schedule, a, c)
    parts = business_seconds_between(schedule, a, b) + business_seconds_between(schedule, b, c)

    assert whole == pytest.approx(parts, abs=1e-6)


def test_it_is_fast_enough_for_thousands_of_clocks():
    start = sh(2026, 11, 27, 17, 50)
    began = wall_clock.perf_counter()
    for minute in range(5000):
        moment = start + timedelta(minutes=minute * 7)
        due = add_business_time(CHINA, moment, 8 * 3600)
        business_seconds_between(CHINA, moment, due)
    assert wall_clock.perf_counter() - began < 3
