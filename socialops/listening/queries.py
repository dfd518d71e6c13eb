"""Reads of listening queries and sources, scoped to a workspace; their counts per bucket."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet, Sum
from django.db.models.functions import Trunc
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.core.clock import now

from .models import ListeningQuery, MinuteCount, Source

BUCKETS = ("minute", "hour", "day")
# how many buckets one counts request may span (a week of minutes, a quarter of hours, 3 years)
MAX_BUCKETS = {"minute": 7 * 24 * 60, "hour": 92 * 24, "day": 3 * 366}


def workspace_queries(workspace: Workspace) -> QuerySet[ListeningQuery]:
    return ListeningQuery.objects.filter(workspace=workspace)


def listening_query(workspace: Workspace, query_id: int) -> ListeningQuery:
    """The workspace's query, or 404 (another workspace's is not found either)."""
    found = ListeningQuery.objects.filter(workspace=workspace, pk=query_id).first()
    if found is None:
        raise Http404("No such listening query.")
    return found


def workspace_sources(workspace: Workspace) -> QuerySet[Source]:
    return Source.objects.filter(workspace=workspace).select_related("channel")


def source(workspace: Workspace, source_id: int) -> Source:
    found = workspace_sources(workspace).filter(pk=source_id).first()
    if found is None:
        raise Http404("No such source.")
    return found


@dataclass(frozen=True)
class Bucket:
    start: datetime
    total: int
    negative: int
    positive: int


def _floor(moment: datetime, bucket: str, zone: zoneinfo.ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    if bucket == "minute":
        local = local.replace(second=0, microsecond=0)
    elif bucket == "hour":
        local = local.replace(minute=0, second=0, microsecond=0)
    else:
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local


def _next(start: datetime, bucket: str, zone: zoneinfo.ZoneInfo) -> datetime:
    if bucket == "day":  # local midnights: a day is not always 24 hours long
        day = (start.astimezone(zone) + timedelta(days=1)).date()
        return datetime(day.year, day.month, day.day, tzinfo=zone)
    step = timedelta(minutes=1) if bucket == "minute" else timedelta(hours=1)
    return (start.astimezone(UTC) + step).astimezone(zone)  # in UTC: a DST change is no gap


def bucket_starts(
    start: datetime, end: datetime, bucket: str, zone: zoneinfo.ZoneInfo
) -> list[datetime]:
    """The buckets' starts from the one holding ``start`` to the one before ``end``."""
    starts: list[datetime] = []
    at = _floor(start, bucket, zone)
    while at < end:
        starts.append(at)
        at = _next(at, bucket, zone)
    return starts


def bucket_count(start: datetime, end: datetime, bucket: str) -> int:
    """About how many buckets the period has (for refusing huge requests before counting)."""
    size = {"minute": 60, "hour": 3600, "day": 86400}[bucket]
    return int((end - start).total_seconds() // size) + 1


def query_counts(
    query: ListeningQuery, *, start: datetime, end: datetime, bucket: str, time_zone: str
) -> list[Bucket]:
    """Mentions of the query per bucket in [start, end), gaps as zeros; days are local days."""
    zone = zoneinfo.ZoneInfo(time_zone)
    rows = (
        MinuteCount.objects.filter(query=query, minute__gte=start, minute__lt=end)
        .annotate(at=Trunc("minute", bucket, tzinfo=zone))
        .values("at")
        .annotate(
            total_sum=Sum("total"), negative_sum=Sum("negative"), positive_sum=Sum("positive")
        )
    )
    found = {
        row["at"].astimezone(zone): (row["total_sum"], row["negative_sum"], row["positive_sum"])
        for row in rows
    }
    return [Bucket(at, *found.get(at, (0, 0, 0))) for at in bucket_starts(start, end, bucket, zone)]


def mention_totals(
    workspace: Workspace, queries: Iterable[ListeningQuery]
) -> dict[int, tuple[int, int]]:
    """Query id → (mentions since local midnight, mentions in the last 7 days); two queries."""
    ids = [found.pk for found in queries]
    zone = zoneinfo.ZoneInfo(workspace.time_zone)
    at = now()
    midnight = _floor(at, "day", zone)
    week = at - timedelta(days=7)
    base = MinuteCount.objects.filter(workspace=workspace, query_id__in=ids)
    today = dict(
        base.filter(minute__gte=midnight)
        .values("query_id")
        .annotate(n=Sum("total"))
        .values_list("query_id", "n")
    )
    last_week = dict(
        base.filter(minute__gte=week)
        .values("query_id")
        .annotate(n=Sum("total"))
        .values_list("query_id", "n")
    )
    return {qid: (today.get(qid) or 0, last_week.get(qid) or 0) for qid in ids}
