"""What the listening dashboard draws: volume per query, sentiment, share of voice, trending
terms and top authors over a period, in buckets of a minute, an hour or a day by its length."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncMinute

from socialops.accounts.models import Workspace

from . import trending
from .models import ListeningQuery, Mention, MinuteCount, QueryKind

MINUTE, HOUR, DAY = "minute", "hour", "day"
MAX_PERIOD = timedelta(days=366)
TOP_AUTHORS = 10


@dataclass(frozen=True)
class Period:
    start: datetime  # included
    end: datetime  # excluded
    bucket: str

    @property
    def step(self) -> timedelta:
        return {MINUTE: timedelta(minutes=1), HOUR: timedelta(hours=1)}.get(
            self.bucket, timedelta(days=1)
        )


def bucket_for(length: timedelta) -> str:
    """Minutes up to 6 hours, hours up to 3 days, else days."""
    if length <= timedelta(hours=6):
        return MINUTE
    if length <= timedelta(days=3):
        return HOUR
    return DAY


def period(start: datetime, end: datetime) -> Period:
    return Period(start, end, bucket_for(end - start))


def _trunc(bucket: str, field: str, zone: ZoneInfo) -> Any:
    kind = {MINUTE: TruncMinute, HOUR: TruncHour}.get(bucket, TruncDay)
    return kind(field, tzinfo=zone)


def _buckets(found: Period, zone: ZoneInfo) -> list[datetime]:
    """Every bucket start of the period, in the workspace's zone (days start at local midnight)."""
    first = found.start.astimezone(zone)
    if found.bucket == DAY:
        first = first.replace(hour=0, minute=0, second=0, microsecond=0)
    elif found.bucket == HOUR:
        first = first.replace(minute=0, second=0, microsecond=0)
    else:
        first = first.replace(second=0, microsecond=0)
    out, at = [], first
    while at < found.end:
        out.append(at)
        if found.bucket == DAY:  # local days: a DST change makes some 23 or 25 hours
            at = (at.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
        else:
            at = (at.astimezone(ZoneInfo("UTC")) + found.step).astimezone(zone)
    return out


def _key(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat()


def dashboard(workspace: Workspace, found: Period) -> dict[str, Any]:
    """The dashboard's data as JSON-ready values."""
    zone = ZoneInfo(workspace.time_zone)
    labels = [_key(at, zone) for at in _buckets(found, zone)]
    index = {label: i for i, label in enumerate(labels)}
    queries = list(ListeningQuery.objects.filter(workspace=workspace).order_by("name", "id"))
    counts = (
        MinuteCount.objects.filter(
            workspace=workspace, minute__gte=found.start, minute__lt=found.end
        )
        .annotate(at=_trunc(found.bucket, "minute", zone))
        .values("query_id", "at")
        .annotate(total=Sum("total"))
    )
    per_query: dict[int, list[int]] = {q.pk: [0] * len(labels) for q in queries}
    for row in counts:
        slot = index.get(_key(row["at"], zone))
        if slot is not None and row["query_id"] in per_query:
            per_query[row["query_id"]][slot] += row["total"]
    volume = [
        {"query_id": q.pk, "name": q.name, "kind": q.kind, "data": per_query[q.pk]} for q in queries
    ]

    mentions = Mention.objects.filter(
        workspace=workspace, posted_at__gte=found.start, posted_at__lt=found.end
    )
    sentiment = {name: [0] * len(labels) for name in ("positive", "neutral", "negative")}
    by_sentiment = (
        mentions.annotate(at=_trunc(found.bucket, "posted_at", zone))
        .values("at", "sentiment")
        .annotate(n=Count("id"))
    )
    for row in by_sentiment:
        slot = index.get(_key(row["at"], zone))
        name = row["sentiment"] if row["sentiment"] in sentiment else "neutral"
        if slot is not None:
            sentiment[name][slot] += row["n"]

    voice_series: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    voice_kind: dict[str, str] = {}
    for q in queries:
        if q.kind in (QueryKind.BRAND, QueryKind.COMPETITOR):
            series = voice_series[q.series]
            voice_kind.setdefault(q.series, q.kind)
            for i, n in enumerate(per_query[q.pk]):
                series[i] += n
    share = [
        {"series": name, "kind": voice_kind[name], "total": sum(data), "data": data}
        for name, data in sorted(voice_series.items())
    ]

    authors = (
        mentions.exclude(author_handle="", author_remote_id="")
        .values("platform", "author_remote_id", "author_handle")
        .annotate(
            n=Count("id"),
            name=Max("author_name"),
            followers=Max("author_followers"),
            author_type=Max("author_type"),
        )
        .order_by("-n", "author_handle")[:TOP_AUTHORS]
    )
    window = min(timedelta(hours=24), (found.end - found.start) / 2)
    terms = trending.trending(workspace, end=found.end, window=window)
    return {
        "start": found.start.astimezone(zone).isoformat(),
        "end": found.end.astimezone(zone).isoformat(),
        "time_zone": workspace.time_zone,
        "bucket": found.bucket,
        "buckets": labels,
        "total": mentions.count(),
        "volume": volume,
        "sentiment": sentiment,
        "share_of_voice": share,
        "trending": [
            {"term": t.term, "recent": t.recent, "previous": t.previous, "lift": t.lift}
            for t in terms
        ],
        "top_authors": [
            {
                "platform": a["platform"],
                "remote_id": a["author_remote_id"],
                "handle": a["author_handle"],
                "name": a["name"] or "",
                "followers": a["followers"],
                "author_type": a["author_type"] or "",
                "mentions": a["n"],
            }
            for a in authors
        ],
    }


def parse_period(start_text: str, end_text: str, *, zone: ZoneInfo, at: datetime) -> Period:
    """``from``/``to`` as local dates (``to`` included) or ISO datetimes; default the last day.

    ValueError(field, message) for what cannot be read or makes no sense.
    """

    def read(text: str, name: str, *, is_end: bool) -> datetime | None:
        if not text:
            return None
        try:
            if len(text) == 10:
                day = datetime.fromisoformat(text).replace(tzinfo=zone)
                return day + timedelta(days=1) if is_end else day
            value = datetime.fromisoformat(text)
        except ValueError:
            raise PeriodError(name, "unreadable") from None
        return value if value.tzinfo else value.replace(tzinfo=zone)

    end = read(end_text, "to", is_end=True) or at
    start = read(start_text, "from", is_end=False) or end - timedelta(days=1)
    if start >= end:
        raise PeriodError("from", "inverted")
    if end - start > MAX_PERIOD:
        raise PeriodError("to", "too_long")
    return period(start, end)


class PeriodError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason
