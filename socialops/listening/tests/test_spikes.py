from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.listening.spikes import Detector, Settings, Trigger, detect

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, midnight UTC
MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)


def at(step: timedelta, n: int) -> datetime:
    return START + n * step


def feed(detector: Detector, values: Sequence[float], step: timedelta, first: int = 0) -> list:
    triggers = []
    for n, value in enumerate(values, start=first):
        triggers += detector.add(at(step, n), value)
    return triggers


def day_profile(day_level: float, night_level: float) -> list[float]:
    """One day in quarter hours: busy from 09:00 to 21:00, quiet otherwise."""
    return [day_level if 36 <= q < 84 else night_level for q in range(96)]


def test_it_learns_the_daily_cycle_so_the_morning_rise_is_not_a_spike() -> None:
    detector = Detector(Settings(bucket=QUARTER))
    # the first morning is news (nothing known yet), the six next ones are not
    first_morning = Trigger("spike", at(QUARTER, 36), 200.0, 5.0)
    assert feed(detector, day_profile(200, 5) * 7, QUARTER) == [first_morning]
    morning = at(QUARTER, 7 * 96 + 36)  # day 8, 09:00
    # the last hour was quiet (5), but 09:00 usually holds 200
    assert detector.baseline(morning) == pytest.approx(200, rel=0.35)
    assert feed(detector, day_profile(200, 5)[:37], QUARTER, first=7 * 96) == []


def test_it_sees_a_spike_in_the_nightly_trough() -> None:
    detector = Detector(Settings(bucket=QUARTER))
    feed(detector, day_profile(200, 5) * 7, QUARTER)
    night = at(QUARTER, 7 * 96 + 12)  # day 8, 03:00
    assert detector.baseline(night) == pytest.approx(5)
    feed(detector, [5] * 12, QUARTER, first=7 * 96)
    (trigger,) = detector.add(night, 60)
    assert trigger == Trigger("spike", night, 60.0, 5.0)


def test_without_seasonal_history_the_recent_median_is_the_baseline() -> None:
    detector = Detector()
    feed(detector, [10, 30] * 60, MINUTE)
    assert detector.baseline(at(MINUTE, 120)) == 20  # median of the last hour


def test_it_needs_the_floor_as_well_as_the_ratio() -> None:
    detector = Detector()
    feed(detector, [1] * 90, MINUTE)
    assert detector.add(at(MINUTE, 90), 19) == []  # 19× the baseline, under the floor of 20
    assert [t.kind for t in detector.add(at(MINUTE, 91 + 40), 20)] == ["spike"]


def test_it_needs_the_ratio_as_well_as_the_floor() -> None:
    detector = Detector()
    feed(detector, [50] * 90, MINUTE)
    assert detector.add(at(MINUTE, 90), 149) == []
    (trigger,) = detector.add(at(MINUTE, 91), 150)
    assert (trigger.observed, trigger.baseline) == (150, 50)
    custom = Detector(Settings(ratio=2.0))
    feed(custom, [50] * 90, MINUTE)
    assert [t.observed for t in custom.add(at(MINUTE, 90), 100)] == [100]


def test_it_stays_quiet_for_the_cooldown_and_reports_an_episode_once() -> None:
    quiet, busy = [10] * 90, [200] * 20
    # one 20-minute episode, then 10 quiet minutes, then another burst: still one alert
    alerts = detect([(at(MINUTE, n), v) for n, v in enumerate(quiet + busy + [10] * 10 + busy)])
    assert alerts == [at(MINUTE, 90)]
    # after 30 quiet minutes the next burst is a new episode
    values = quiet + busy + [10] * 30 + [200] * 5
    alerts = detect([(at(MINUTE, n), v) for n, v in enumerate(values)])
    assert alerts == [at(MINUTE, 90), at(MINUTE, 140)]
    # without a cooldown, every bucket over the line alerts
    no_cooldown = Settings(cooldown=timedelta(0))
    alerts = detect([(at(MINUTE, n), v) for n, v in enumerate(quiet + [200] * 3)], no_cooldown)
    assert alerts == [at(MINUTE, 90), at(MINUTE, 91), at(MINUTE, 92)]


def test_it_counts_missing_buckets_as_zero() -> None:
    with_gap = Detector()
    feed(with_gap, [30] * 120, MINUTE)
    after = at(MINUTE, 240)
    assert with_gap.baseline(after) == 1.0  # an hour and more of nothing: the minimum
    assert [t.kind for t in with_gap.add(after, 25)] == ["spike"]

    without_gap = Detector()
    feed(without_gap, [30] * 240, MINUTE)
    assert without_gap.add(after, 25) == []


def test_peek_fires_early_sets_the_cooldown_and_keeps_history() -> None:
    peeking, plain = Detector(), Detector()
    for detector in (peeking, plain):
        feed(detector, [10] * 90, MINUTE)
    open_bucket = at(MINUTE, 90)
    assert peeking.peek(open_bucket, 15) == []
    (early,) = peeking.peek(open_bucket, 40)
    assert (early.kind, early.bucket, early.observed) == ("spike", open_bucket, 40)
    assert peeking.baseline(open_bucket) == plain.baseline(open_bucket)
    assert peeking.add(open_bucket, 90) == []  # already reported
    assert [t.kind for t in plain.add(open_bucket, 90)] == ["spike"]
    assert peeking.baseline(at(MINUTE, 91)) == plain.baseline(at(MINUTE, 91))


def test_warm_loads_history_without_triggering() -> None:
    history = [(at(MINUTE, n), 5 if n % 60 else 500, 0) for n in range(180)]
    warmed = Detector()
    warmed.warm(history)  # the bursts in there raise nothing
    fed = Detector()
    assert feed(fed, [v for _, v, _ in history], MINUTE) != []
    nxt = at(MINUTE, 180)
    assert warmed.baseline(nxt) == fed.baseline(nxt) == 5
    (trigger,) = warmed.add(nxt, 100)  # no warm-up hour after warm()
    assert trigger.kind == "spike"


def test_a_new_detector_learns_for_an_hour_before_alerting() -> None:
    detector = Detector()
    assert feed(detector, [5] * 59 + [500], MINUTE) == []
    assert [t.kind for t in detector.add(at(MINUTE, 60 + 31), 500)] == ["spike"]


def test_it_flags_a_rising_negative_share() -> None:
    detector = Detector()
    for n in range(120):
        assert detector.add(at(MINUTE, n), 40, 4) == []  # usually 10 % negative
    triggers = [t for n in range(120, 130) for t in detector.add(at(MINUTE, n), 40, 30)]
    (trigger,) = triggers  # once: the cooldown holds the rest of the episode
    assert trigger.kind == "negative"
    assert trigger.share is not None and trigger.share >= 0.5
    assert trigger.baseline == pytest.approx(0.1)
    assert trigger.observed >= 10


def test_peek_leaves_the_negative_history_alone() -> None:
    peeking, plain = Detector(), Detector()
    for detector in (peeking, plain):
        for n in range(120):
            detector.add(at(MINUTE, n), 40, 4)
    assert peeking.peek(at(MINUTE, 300), 0) == []  # a look far ahead moves nothing
    late = [t for n in range(120, 135) for t in peeking.add(at(MINUTE, n), 40, 30)]
    assert late == [t for n in range(120, 135) for t in plain.add(at(MINUTE, n), 40, 30)] != []


def test_negative_share_needs_the_floor_and_to_be_unusual() -> None:
    small = Detector()
    feed(small, [2] * 120, MINUTE)
    assert [small.add(at(MINUTE, 120 + n), 1, 1) for n in range(9)] == [[]] * 9  # 9 < 10
    # a query that is always 60 % negative: 65 % is not news, 90 % is
    grumpy = Detector()
    for n in range(400):
        grumpy.add(at(MINUTE, n), 20, 12)
    assert [grumpy.add(at(MINUTE, 400 + n), 20, 13) for n in range(10)] == [[]] * 10
    assert [t.kind for t in grumpy.add(at(MINUTE, 410), 20, 20)] == []  # window 13·9+20 / 200
    kinds = [t.kind for n in range(411, 420) for t in grumpy.add(at(MINUTE, n), 20, 20)]
    assert kinds == ["negative"]


def test_it_rejects_out_of_order_and_impossible_counts() -> None:
    detector = Detector()
    detector.add(at(MINUTE, 5), 1)
    with pytest.raises(ValueError, match="not after"):
        detector.add(at(MINUTE, 5), 1)
    with pytest.raises(ValueError, match="not after"):
        detector.peek(at(MINUTE, 4), 1)
    with pytest.raises(ValueError, match="exceeds"):
        detector.add(at(MINUTE, 6), 1, 2)
    with pytest.raises(ValueError, match="finite"):
        detector.add(at(MINUTE, 6), float("nan"))
    with pytest.raises(ValueError):
        Settings(ratio=0)
    with pytest.raises(ValueError):
        Settings(bucket=timedelta(hours=7))  # a day is not a whole number of 7-hour slots


def test_settings_of_a_query_row() -> None:
    row = SimpleNamespace(
        spike_ratio=4.0, spike_floor=50, negative_share=0.6, negative_floor=5, cooldown_minutes=90
    )
    s = Settings.of_query(row, bucket=timedelta(minutes=5))
    assert (s.ratio, s.floor, s.negative_share, s.negative_floor) == (4.0, 50, 0.6, 5)
    assert (s.cooldown, s.bucket) == (timedelta(minutes=90), timedelta(minutes=5))
    assert s.season == Settings().season


def test_it_works_with_naive_timestamps_and_five_minute_buckets() -> None:
    five = timedelta(minutes=5)
    values = [40.0] * (12 * 24) + [400.0] + [40.0] * 20
    naive = datetime(2015, 3, 1, 0, 2, 53)  # noqa: DTZ001 - NAB's timestamps carry no zone
    series = [(naive + n * five, v) for n, v in enumerate(values)]
    assert detect(series, Settings(bucket=five)) == [naive + timedelta(days=1)]


def test_its_memory_is_bounded() -> None:
    detector = Detector(Settings(bucket=timedelta(minutes=5)))
    feed(detector, [7] * (12 * 24 * 20), timedelta(minutes=5))
    assert len(detector._slots) <= 7 * 96 + 4
    assert len(detector._recent) <= 12 and len(detector._window) <= 2


# --- properties --------------------------------------------------------------------------

counts = st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=240)


@settings(max_examples=40, deadline=None)
@given(level=st.floats(min_value=0, max_value=1e6), length=st.integers(1, 400))
def test_a_flat_series_never_alerts(level: float, length: int) -> None:
    assert detect([(at(MINUTE, n), level) for n in range(length)]) == []


@settings(max_examples=40, deadline=None)
@given(values=counts, factor=st.sampled_from([2, 4, 16]))
def test_without_floor_alerts_do_not_depend_on_the_unit(values: list[int], factor: int) -> None:
    unitless = replace(Settings(), floor=0, min_baseline=1e-9)
    series = [(at(MINUTE, n), float(v)) for n, v in enumerate(values)]
    scaled = [(moment, value * factor) for moment, value in series]
    assert detect(series, unitless) == detect(scaled, unitless)


@settings(max_examples=40, deadline=None)
@given(values=counts, keep=st.lists(st.booleans(), min_size=240, max_size=240))
def test_a_missing_bucket_is_a_zero(values: list[int], keep: list[bool]) -> None:
    full = [(at(MINUTE, n), float(v)) for n, v in enumerate(values)]
    # the first bucket starts the history: before it nothing is known, not even zeros
    sparse = full[:1] + [
        row for row, kept in zip(full[1:], keep, strict=False) if kept or row[1] != 0
    ]
    assert detect(sparse) == detect(full)


@settings(max_examples=40, deadline=None)
@given(values=counts)
def test_every_alert_clears_ratio_and_floor_and_cooldowns_apart(values: list[int]) -> None:
    detector = Detector()
    triggers = feed(detector, values, MINUTE)
    for trigger in triggers:
        assert trigger.observed >= 20 and trigger.observed >= 3 * trigger.baseline
    moments = [t.bucket for t in triggers if t.kind == "spike"]
    gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    assert all(gap >= timedelta(minutes=30) for gap in gaps)
