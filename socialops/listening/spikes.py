"""Spike and negative-share detection over per-bucket mention counts (pure, no Django).

One ``Detector`` per query is fed closed buckets in time order (``add``), may look at the
still-open bucket (``peek``) and is started from the database's counts (``warm``).

- Baseline of a bucket: the larger of a *seasonal* level (median, over the previous ``seasons``
  days, of the mean count per bucket in the same ``slot`` of the day and its two neighbours) and a
  *recent* level (median of the buckets of the last ``recent``), never below ``min_baseline``.
  Both are robust medians, so one earlier burst neither raises nor lowers them much; the seasonal
  part keeps the morning rise from looking like a spike after the nightly trough.
- Spike: count ≥ ``ratio`` × baseline and count ≥ ``floor``.
- Negative: over the last ``negative_window`` (current bucket included) negatives / total ≥
  ``negative_share``, negatives ≥ ``negative_floor``, and the share is at least
  ``negative_margin`` above the query's own share before the window (exponentially weighted,
  half-life ``negative_half_life``).
- Cooldown per kind: after firing, the kind stays quiet until its condition has been false for
  ``cooldown``, so one episode gives one trigger, at its start.
- A detector stays quiet during its first ``warmup`` of data (it has no baseline yet).

Missing buckets count as zero. Naive datetimes are taken as UTC. Memory is bounded: the seasonal
profile keeps ``seasons`` days of slot sums, the rest a few deques of at most ``recent`` long.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Kind = Literal["spike", "negative"]


@dataclass(frozen=True)
class Settings:
    ratio: float = 3.0
    floor: float = 20
    negative_share: float = 0.5
    negative_floor: float = 10
    cooldown: timedelta = timedelta(minutes=30)
    bucket: timedelta = timedelta(minutes=1)
    season: timedelta = timedelta(days=1)
    seasons: int = 7  # previous seasons (days) the seasonal baseline looks at
    slot: timedelta = timedelta(minutes=15)  # resolution of the seasonal profile
    recent: timedelta = timedelta(hours=1)
    warmup: timedelta = timedelta(hours=1)
    min_baseline: float = 1.0
    negative_window: timedelta = timedelta(minutes=10)
    negative_margin: float = 0.15
    negative_half_life: timedelta = timedelta(hours=6)

    def __post_init__(self) -> None:
        zero = timedelta(0)
        if not self.ratio > 0 or not math.isfinite(self.ratio):
            raise ValueError("ratio must be a positive number")
        if self.floor < 0 or self.negative_floor < 0 or self.min_baseline <= 0:
            raise ValueError("floor and negative_floor must be ≥ 0, min_baseline > 0")
        if not 0 < self.negative_share <= 1 or not 0 <= self.negative_margin < 1:
            raise ValueError("negative_share must be in (0, 1], negative_margin in [0, 1)")
        if min(self.bucket, self.season, self.slot, self.recent, self.negative_window) <= zero:
            raise ValueError("bucket, season, slot, recent and negative_window must be positive")
        if self.cooldown < zero or self.warmup < zero or self.negative_half_life <= zero:
            raise ValueError("cooldown and warmup must be ≥ 0, negative_half_life > 0")
        if self.seasons < 1 or self.season % self.slot_width or self.season < 3 * self.slot_width:
            raise ValueError("season must be a whole number (≥ 3) of slots, seasons ≥ 1")

    @property
    def slot_width(self) -> timedelta:
        return max(self.slot, self.bucket)

    @classmethod
    def of_query(cls, query_row: Any, **changes: Any) -> Settings:
        """The settings of a ListeningQuery row (spike_ratio/spike_floor, negative_*, cooldown)."""

        def field_of(*names: str) -> Any:
            for name in names:
                if hasattr(query_row, name):
                    return getattr(query_row, name)
            raise AttributeError(f"{type(query_row).__name__} has no {names[0]}")

        return replace(
            cls(
                ratio=float(field_of("spike_ratio", "ratio")),
                floor=field_of("spike_floor", "floor"),
                negative_share=float(field_of("negative_share")),
                negative_floor=field_of("negative_floor"),
                cooldown=timedelta(minutes=field_of("cooldown_minutes")),
            ),
            **changes,
        )


@dataclass(frozen=True)
class Trigger:
    """A detection. Spike: observed = count, baseline = expected count, share = None.
    Negative: observed = negatives in the window, baseline = the usual share, share = window's."""

    kind: Kind
    bucket: datetime
    observed: float
    baseline: float
    share: float | None = None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _buckets(span: timedelta, bucket: timedelta) -> int:
    return max(1, math.ceil(span / bucket))


@dataclass
class Detector:
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        s = self.settings
        self._slot = s.slot_width
        self._season_slots = s.season // self._slot
        self._per_slot = self._slot / s.bucket  # buckets in one slot
        self._recent_n = _buckets(s.recent, s.bucket)
        self._window_n = _buckets(s.negative_window, s.bucket)
        self._cooldown_n = math.ceil(s.cooldown / s.bucket)
        self._warmup_n = math.ceil(s.warmup / s.bucket)
        self._decay = 0.5 ** (s.bucket / s.negative_half_life)
        self._slots: dict[int, float] = {}  # slot number → sum of its buckets
        self._recent: deque[tuple[int, float]] = deque(maxlen=self._recent_n)
        self._window: deque[tuple[int, float, float]] = deque()  # closed buckets, negative window
        self._usual_negative = 0.0  # decayed sums of buckets older than the window
        self._usual_total = 0.0
        self._usual_at: int | None = None
        self._first: int | None = None  # first bucket index seen
        self._first_slot: int | None = None
        self._last: int | None = None  # last closed bucket index
        self._quiet_until: dict[str, int] = {}

    # --- public ---------------------------------------------------------------------------

    def add(self, bucket: datetime, total: float, negative: float = 0) -> list[Trigger]:
        """Close ``bucket`` with its counts; returns what it triggers."""
        index = self._check(bucket, total, negative, closing=True)
        triggers = self._evaluate(index, bucket, total, negative)
        self._close(index, bucket, total, negative)
        return triggers

    def peek(self, bucket: datetime, total: float, negative: float = 0) -> list[Trigger]:
        """Counts of the still-open ``bucket`` so far: may fire early; history is unchanged."""
        index = self._check(bucket, total, negative, closing=False)
        return self._evaluate(index, bucket, total, negative)

    def warm(self, history: Iterable[tuple[datetime, int, int]]) -> None:
        """Load closed buckets (time order) without triggering anything."""
        for bucket, total, negative in history:
            index = self._check(bucket, total, negative, closing=True)
            self._close(index, bucket, total, negative)

    def baseline(self, bucket: datetime) -> float:
        """The count expected in ``bucket`` given the history so far."""
        index = self._index(bucket)
        levels = [self._seasonal(bucket), self._recent_level(index)]
        return max([self.settings.min_baseline, *(level for level in levels if level is not None)])

    # --- internals ------------------------------------------------------------------------

    def _index(self, bucket: datetime) -> int:
        return (_utc(bucket) - EPOCH) // self.settings.bucket

    def _slot_of(self, bucket: datetime) -> int:
        return (_utc(bucket) - EPOCH) // self._slot

    def _check(self, bucket: datetime, total: float, negative: float, *, closing: bool) -> int:
        for name, value in (("total", total), ("negative", negative)):
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}")
        if negative > total:
            raise ValueError(f"negative ({negative}) exceeds total ({total})")
        index = self._index(bucket)
        if self._last is not None and index <= self._last:
            raise ValueError(f"bucket {bucket.isoformat()} is not after the last closed bucket")
        if self._first is None and closing:
            self._first, self._first_slot = index, self._slot_of(bucket)
        return index

    def _seasonal(self, bucket: datetime) -> float | None:
        if self._first_slot is None:
            return None
        slot = self._slot_of(bucket)
        rates = []
        for back in range(1, self.settings.seasons + 1):
            same = slot - back * self._season_slots
            if same - 1 <= self._first_slot:  # before the data, or its partial first slot
                break
            sums = sum(self._slots.get(n, 0.0) for n in (same - 1, same, same + 1))
            rates.append(sums / (3 * self._per_slot))
        return statistics.median(rates) if rates else None

    def _recent_level(self, index: int) -> float | None:
        if self._first is None:
            return None
        start = max(index - self._recent_n, self._first)
        if start >= index:
            return None
        known = {i: v for i, v in self._recent if start <= i < index}
        return statistics.median(known.get(i, 0.0) for i in range(start, index))

    def _negative_window(self, index: int) -> tuple[float, float, float]:
        """Total and negatives of the closed buckets in the window ending at ``index``, and the
        usual share before it (without changing anything: ``peek`` uses it too)."""
        usual_total, usual_negative = self._usual_total, self._usual_negative
        usual_at = self._usual_at
        total = negative = 0.0
        for old, old_total, old_negative in self._window:
            if old > index - self._window_n:
                total += old_total
                negative += old_negative
                continue
            if usual_at is not None:
                factor = self._decay ** (old - usual_at)
                usual_total *= factor
                usual_negative *= factor
            usual_total += old_total
            usual_negative += old_negative
            usual_at = old
        usual = usual_negative / usual_total if usual_total > 0 else 0.0
        return total, negative, usual

    def _expire_window(self, index: int) -> None:
        while self._window and self._window[0][0] <= index - self._window_n:
            old, total, negative = self._window.popleft()
            if self._usual_at is not None:
                factor = self._decay ** (old - self._usual_at)
                self._usual_total *= factor
                self._usual_negative *= factor
            self._usual_total += total
            self._usual_negative += negative
            self._usual_at = old

    def _evaluate(
        self, index: int, bucket: datetime, total: float, negative: float
    ) -> list[Trigger]:
        s = self.settings
        if self._first is None or index - self._first < self._warmup_n:
            return []
        triggers = []
        # below the floor nothing can fire: the baseline (medians) is only worked out above it
        if total >= s.floor:
            expected = self.baseline(bucket)
            if total >= s.ratio * expected and self._fires("spike", index):
                triggers.append(Trigger("spike", bucket, float(total), expected))
        window_total, window_negative, usual = self._negative_window(index)
        window_total += total
        window_negative += negative
        if window_total > 0:
            share = window_negative / window_total
            if (
                share >= s.negative_share
                and window_negative >= s.negative_floor
                and share >= usual + s.negative_margin
                and self._fires("negative", index)
            ):
                triggers.append(Trigger("negative", bucket, float(window_negative), usual, share))
        return triggers

    def _fires(self, kind: str, index: int) -> bool:
        """The condition holds at ``index``: fire unless cooling down; (re)start the cooldown."""
        quiet = index < self._quiet_until.get(kind, index)
        until = index + max(self._cooldown_n, 1)  # a bucket fires once even without cooldown
        self._quiet_until[kind] = max(self._quiet_until.get(kind, 0), until)
        return not quiet

    def _close(self, index: int, bucket: datetime, total: float, negative: float) -> None:
        self._expire_window(index)
        slot = self._slot_of(bucket)
        self._slots[slot] = self._slots.get(slot, 0.0) + total
        horizon = slot - (self.settings.seasons * self._season_slots + 2)
        if len(self._slots) > self.settings.seasons * self._season_slots + 4:
            for old in [n for n in self._slots if n < horizon]:
                del self._slots[old]
        self._recent.append((index, float(total)))
        self._window.append((index, float(total), float(negative)))
        self._last = index


def detect(
    series: Iterable[tuple[datetime, float]], settings: Settings | None = None
) -> list[datetime]:
    """The buckets where a spike episode starts (what `socialops spikes` prints)."""
    detector = Detector(settings or Settings())
    return [
        trigger.bucket
        for moment, value in series
        for trigger in detector.add(moment, value)
        if trigger.kind == "spike"
    ]
