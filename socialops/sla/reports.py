"""The SLA report: hit rate and first-response times (business time) by agent, account, kind.

Two queries whatever the period: one GROUP BY for the hit / missed counts, one list of the
first-response times, whose percentiles are computed here (the same on SQLite and PostgreSQL).
Events count on the local day their outcome was decided (the answer, or the breach).
"""

from __future__ import annotations

import math
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace

from .models import Metric, SlaEvent

MAX_REPORT_DAYS = 366


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); values sorted ascending."""
    if not values:
        return None
    rank = fraction * (len(values) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


@dataclass
class Group:
    key: str
    label: str
    hit: int = 0
    missed: int = 0
    first_responses: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.hit + self.missed

    @property
    def hit_rate(self) -> float | None:
        return round(self.hit / self.total, 4) if self.total else None

    @property
    def answered(self) -> int:
        return len(self.first_responses)

    @property
    def median_seconds(self) -> float | None:
        return _rounded(percentile(sorted(self.first_responses), 0.5))

    @property
    def p90_seconds(self) -> float | None:
        return _rounded(percentile(sorted(self.first_responses), 0.9))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class Day:
    day: date
    hit: int = 0
    missed: int = 0

    @property
    def hit_rate(self) -> float | None:
        total = self.hit + self.missed
        return round(self.hit / total, 4) if total else None


@dataclass
class SlaReport:
    start: date
    end: date
    time_zone: str
    total: Group
    by_metric: list[Group]
    by_agent: list[Group]
    by_channel: list[Group]
    by_kind: list[Group]
    daily: list[Day]


def local_bounds(start: date, end: date, time_zone: str) -> tuple[datetime, datetime]:
    zone = zoneinfo.ZoneInfo(time_zone)
    first = datetime.combine(start, time(), tzinfo=zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return first, after


def sla_report(workspace: Workspace, *, start: date, end: date) -> SlaReport:
    from socialops.accounts.models import User
    from socialops.channels.models import Channel
    from socialops.inbox.models import Kind

    time_zone = workspace.time_zone
    first, after = local_bounds(start, end, time_zone)
    events = SlaEvent.objects.filter(workspace=workspace, at__gte=first, at__lt=after)
    counts = (
        events.annotate(day=TruncDate("at", tzinfo=zoneinfo.ZoneInfo(time_zone)))
        .values("metric", "outcome", "agent_id", "channel_id", "kind", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    times = events.filter(metric=Metric.FIRST_RESPONSE, elapsed_seconds__isnull=False).values_list(
        "elapsed_seconds", "agent_id", "channel_id", "kind"
    )

    total = Group("all", "")
    groups: dict[str, dict[Any, Group]] = defaultdict(dict)
    days: dict[date, Day] = {}

    def group(dimension: str, key: Any) -> Group:
        found = groups[dimension].get(key)
        if found is None:
            found = groups[dimension][key] = Group(str(key if key is not None else ""), "")
        return found

    for row in counts:
        outcome = "hit" if row["outcome"] == SlaEvent.Outcome.HIT else "missed"
        n = row["n"]
        day = row["day"] if isinstance(row["day"], date) else date.fromisoformat(str(row["day"]))
        for target in (
            total,
            group("metric", row["metric"]),
            group("agent", row["agent_id"]),
            group("channel", row["channel_id"]),
            group("kind", row["kind"]),
        ):
            setattr(target, outcome, getattr(target, outcome) + n)
        entry = days.setdefault(day, Day(day))
        setattr(entry, outcome, getattr(entry, outcome) + n)
    for elapsed, agent_id, channel_id, kind in times:
        if elapsed is None:
            continue
        total.first_responses.append(elapsed)
        group("metric", Metric.FIRST_RESPONSE.value).first_responses.append(elapsed)
        group("agent", agent_id).first_responses.append(elapsed)
        group("channel", channel_id).first_responses.append(elapsed)
        group("kind", kind).first_responses.append(elapsed)

    _label(groups["metric"], {m.value: str(m.label) for m in Metric})
    _label(groups["kind"], {k.value: str(k.label) for k in Kind})
    agents = User.objects.filter(pk__in=[k for k in groups["agent"] if k is not None])
    _label(groups["agent"], {u.pk: u.name or u.email for u in agents}, none=_("Nobody yet"))
    channels = Channel.objects.filter(pk__in=list(groups["channel"]), workspace=workspace)
    _label(groups["channel"], {c.pk: c.display_name or c.handle or str(c.pk) for c in channels})

    day_list = []
    current = start
    while current <= end:
        day_list.append(days.get(current, Day(current)))
        current += timedelta(days=1)
    order = [m.value for m in Metric]
    return SlaReport(
        start=start,
        end=end,
        time_zone=time_zone,
        total=total,
        by_metric=sorted(groups["metric"].values(), key=lambda g: order.index(g.key)),
        by_agent=_by_volume(groups["agent"]),
        by_channel=_by_volume(groups["channel"]),
        by_kind=_by_volume(groups["kind"]),
        daily=day_list,
    )


def _label(groups: dict[Any, Group], names: dict[Any, str], none: str = "") -> None:
    """Readable labels; ``none`` for the null key (a miss nobody has answered or resolved)."""
    for key, found in groups.items():
        found.label = names.get(key, none if key is None else str(key))


def _by_volume(groups: dict[Any, Group]) -> list[Group]:
    return sorted(groups.values(), key=lambda g: (-g.total, -g.answered, g.label))
