"""After each flush: spikes and negative share per query, crisis words, VIP authors → alerts.

Spike detection reads the minute totals back from MinuteCount, so with several workers each
sees the sum of all of them. Per query one ``spikes.Detector`` (warmed from the stored minutes
the first time the query is seen); the newest minute a flush touched is still open (``peek``:
may fire early), earlier ones are closed (``add``). Minutes older than the detector's open
minute (late posts) are counted but not detected again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from . import alerts, delivery, spikes
from .models import ListeningQuery, MinuteCount, QueryKind
from .store import NewMention, Written, db_datetime, minute_of

log = logging.getLogger(__name__)
MENTIONS_PER_ALERT = 20
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """What detection needs of a query (read with the matcher's reload)."""

    id: int
    workspace_id: int
    name: str
    kind: str
    crisis: bool  # every match raises an alert (alert_on_match, or a crisis-words query)
    settings: spikes.Settings

    @classmethod
    def of(cls, row: ListeningQuery) -> QueryInfo:
        return cls(
            id=row.pk,
            workspace_id=row.workspace_id,
            name=row.name,
            kind=row.kind,
            crisis=row.alert_on_match or row.kind == QueryKind.CRISIS,
            settings=spikes.Settings.of_query(row),
        )


@dataclass
class _Tracked:
    detector: spikes.Detector
    open_minute: datetime | None = None


class Detection:
    """Keeps the detectors between flushes; ``run`` returns the ids of alerts it raised."""

    def __init__(self) -> None:
        self._tracked: dict[int, _Tracked] = {}

    def forget(self, query_ids: set[int]) -> None:
        for query_id in query_ids:
            self._tracked.pop(query_id, None)

    def run(self, written: Written, queries: Mapping[int, QueryInfo]) -> list[int]:
        raised: list[int] = []
        by_bucket: dict[tuple[int, datetime], list[int]] = defaultdict(list)
        for item in written.stored:
            for query_id, _spans in item.matches:
                bucket = by_bucket[(query_id, minute_of(item.post.posted_at))]
                if len(bucket) < MENTIONS_PER_ALERT and item.id is not None:
                    bucket.append(item.id)
        raised += self._spikes(written, queries, by_bucket)
        raised += self._crisis_words(written.stored, queries)
        raised += self._vip_authors(written.stored, queries)
        if raised:
            delivery.dispatch(raised)
        return raised

    def _spikes(
        self,
        written: Written,
        queries: Mapping[int, QueryInfo],
        by_bucket: Mapping[tuple[int, datetime], list[int]],
    ) -> list[int]:
        touched: dict[int, set[datetime]] = defaultdict(set)
        for _workspace_id, query_id, minute in written.counts:
            if query_id in queries:
                touched[query_id].add(minute)
        if not touched:
            return []
        fresh = [query_id for query_id in touched if query_id not in self._tracked]
        if fresh:
            self._start(fresh, queries, touched)
        pairs = {(query_id, minute) for query_id, group in touched.items() for minute in group}
        for query_id in touched:
            open_minute = self._tracked[query_id].open_minute
            if open_minute is not None:
                pairs.add((query_id, open_minute))
        totals = read_totals(sorted(pairs))
        raised: list[int] = []
        for query_id, group in touched.items():
            info, tracked = queries[query_id], self._tracked[query_id]
            ordered = sorted(group)
            triggers: list[spikes.Trigger] = []
            for minute in ordered:
                if tracked.open_minute is not None and minute < tracked.open_minute:
                    continue  # late: its minute was closed already
                if tracked.open_minute is not None and minute > tracked.open_minute:
                    closed = totals.get((query_id, tracked.open_minute), (0, 0))
                    triggers += tracked.detector.add(tracked.open_minute, *closed)
                tracked.open_minute = minute
                if minute == ordered[-1]:
                    triggers += tracked.detector.peek(
                        minute, *totals.get((query_id, minute), (0, 0))
                    )
            for trigger in triggers:
                alert = self._raise_spike(info, trigger, by_bucket.get((query_id, trigger.bucket)))
                if alert is not None:
                    raised.append(alert)
        return raised

    def _start(
        self,
        query_ids: list[int],
        queries: Mapping[int, QueryInfo],
        touched: Mapping[int, set[datetime]],
    ) -> None:
        """New detectors, warmed from the stored minutes before each query's first one here."""
        firsts = {query_id: min(touched[query_id]) for query_id in query_ids}
        spans = {
            query_id: queries[query_id].settings.season
            * max(1, getattr(queries[query_id].settings, "seasons", 1))
            for query_id in query_ids
        }
        history: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
        earliest = min(firsts[q] - spans[q] for q in query_ids)
        latest = max(firsts.values())
        for start in range(0, len(query_ids), 500):
            rows = (
                MinuteCount.objects.filter(
                    query_id__in=query_ids[start : start + 500],
                    minute__gte=earliest,
                    minute__lt=latest,
                )
                .order_by("query_id", "minute")
                .values_list("query_id", "minute", "total", "negative")
            )
            for query_id, minute, total, negative in rows:
                if firsts[query_id] - spans[query_id] <= minute < firsts[query_id]:
                    history[query_id].append((minute, total, negative))
        for query_id in query_ids:
            detector = spikes.Detector(queries[query_id].settings)
            detector.warm(history.get(query_id, ()))
            self._tracked[query_id] = _Tracked(detector=detector)

    def _raise_spike(
        self, info: QueryInfo, trigger: spikes.Trigger, mention_ids: list[int] | None
    ) -> int | None:
        if trigger.kind == "negative":
            title = _("Negative share rising: %(query)s") % {"query": info.name}
        else:
            title = _("Volume spike: %(query)s") % {"query": info.name}
        detail: dict[str, Any] = {
            "observed": trigger.observed,
            "baseline": round(trigger.baseline, 2),
            "ratio": round(trigger.observed / trigger.baseline, 2) if trigger.baseline else None,
        }
        if trigger.share is not None:
            detail["share"] = round(trigger.share, 3)
        alert = alerts.raise_alert(
            info.workspace_id,
            kind=trigger.kind,
            key=f"{trigger.kind}:{info.id}:{trigger.bucket:%Y%m%d%H%M}",
            title=title,
            query_id=info.id,
            detail=detail,
            mention_ids=mention_ids or (),
            window_start=trigger.bucket,
            window_end=trigger.bucket + info.settings.bucket,
        )
        return alert.pk if alert is not None else None

    def _crisis_words(
        self, stored: list[NewMention], queries: Mapping[int, QueryInfo]
    ) -> list[int]:
        windows: dict[tuple[int, datetime], list[int]] = defaultdict(list)
        for item in stored:
            for query_id, _spans in item.matches:
                info = queries.get(query_id)
                if info is not None and info.crisis and item.id is not None:
                    start = window_of(item.post.posted_at, info.settings.cooldown)
                    windows[(query_id, start)].append(item.id)
        raised: list[int] = []
        for (query_id, start), mention_ids in windows.items():
            info = queries[query_id]
            alert = alerts.raise_alert(
                info.workspace_id,
                kind="crisis_word",
                key=f"crisis:{query_id}:{start:%Y%m%d%H%M}",
                title=_("Crisis words: %(query)s") % {"query": info.name},
                query_id=query_id,
                detail={"mentions": len(mention_ids)},
                mention_ids=mention_ids,
                window_start=start,
                window_end=start + info.settings.cooldown,
            )
            if alert is not None:
                raised.append(alert.pk)
        return raised

    def _vip_authors(self, stored: list[NewMention], queries: Mapping[int, QueryInfo]) -> list[int]:
        raised: list[int] = []
        for item in stored:
            if not item.vip or item.id is None:
                continue
            first = queries.get(item.matches[0][0]) if item.matches else None
            author = item.post.author_name or item.post.author
            alert = alerts.raise_alert(
                item.workspace_id,
                kind="vip_author",
                key=f"vip:{item.id}",
                title=_("%(author)s mentioned %(query)s")
                % {"author": author, "query": first.name if first else ""},
                query_id=first.id if first else None,
                detail={"author_type": item.author_type, "contact_id": item.contact_id},
                mention_ids=[item.id],
                window_start=item.post.posted_at,
            )
            if alert is not None:
                raised.append(alert.pk)
        return raised


def window_of(moment: datetime, width: timedelta) -> datetime:
    """The start of the cooldown window holding ``moment`` (windows counted from 2000-01-01)."""
    width = max(width, timedelta(minutes=1))
    return EPOCH + ((moment - EPOCH) // width) * width


def read_totals(pairs: list[tuple[int, datetime]]) -> dict[tuple[int, datetime], tuple[int, int]]:
    """(total, negative) of the given (query id, minute) rows: one index seek each, joined
    against a VALUES list (an IN over both columns makes SQLite scan)."""
    totals: dict[tuple[int, datetime], tuple[int, int]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 400):
            chunk = pairs[start : start + 400]
            params: list[Any] = []
            for query_id, minute in chunk:
                params += (query_id, db_datetime(minute))
            cast = "::timestamptz" if connection.vendor == "postgresql" else ""
            values = ", ".join([f"(%s, %s{cast})"] * len(chunk))
            sql = (
                f"WITH wanted (query_id, minute) AS (VALUES {values})"  # noqa: S608 - %s only
                " SELECT m.query_id, m.minute, m.total, m.negative FROM listening_minutecount m"
                " JOIN wanted ON m.query_id = wanted.query_id AND m.minute = wanted.minute"
            )
            cursor.execute(
                sql,
                params,
            )
            for query_id, minute, total, negative in cursor.fetchall():
                totals[(query_id, _aware(minute))] = (total, negative)
    return totals


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
