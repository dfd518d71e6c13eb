"""Where a flush's results go: the database (one transaction per flush) or memory (counts only).

The database writes are raw SQL on the hot path (Django's ``bulk_create`` cannot say which rows
of an insert-or-ignore were new): new mentions are inserted in multi-row
``INSERT … ON CONFLICT DO NOTHING RETURNING id`` statements, so a post stored before (a replay
read twice) is neither matched nor counted again; minute counts are one
``INSERT … ON CONFLICT (query_id, minute) DO UPDATE`` (executemany on SQLite, multi-row VALUES on
PostgreSQL), so any number of workers add to the same rows. Both SQLite (≥ 3.35) and PostgreSQL
run the same statements.
"""

from __future__ import annotations

import functools
import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from django.db import connection, transaction

from socialops.classify import Classification
from socialops.core.clock import now

from .incoming import IncomingPost
from .models import Mention, SamplePost

CountKey = tuple[int, int, datetime]  # (workspace id, query id, minute)
VIP_KINDS = frozenset({"media", "expert"})
VIP_IMPORTANCE = 3  # contacts.Contact.Importance.VIP


def db_datetime(moment: datetime) -> Any:
    """An aware datetime as the database takes it in raw SQL (SQLite: naive UTC text, as Django
    stores it)."""
    if connection.vendor == "sqlite":
        return _sqlite_datetime(moment)
    return moment


@functools.lru_cache(maxsize=8192)
def _sqlite_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@dataclass(slots=True)
class NewMention:
    """A matched post that is the first of its cluster: stored unless already stored."""

    workspace_id: int
    source_id: int | None
    post: IncomingPost
    matches: list[tuple[int, tuple[tuple[int, int], ...]]]  # (query id, spans)
    cluster: str
    classification: Classification | None
    duplicates: int = 0  # copies seen in the same flush
    id: int | None = None  # set when stored
    contact_id: int | None = None
    author_type: str = ""
    vip: bool = False

    @property
    def sentiment(self) -> str:
        return self.classification.sentiment if self.classification is not None else ""


@dataclass(frozen=True, slots=True)
class Copy:
    """A copy of a mention stored in an earlier flush: counted, and its ``duplicates`` bumped."""

    workspace_id: int
    platform: str
    remote_id: str
    query_ids: tuple[int, ...]
    sentiment: str
    posted_at: datetime


@dataclass
class Batch:
    new: list[NewMention] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    samples: list[tuple[int, int | None, IncomingPost]] = field(default_factory=list)
    # source id → (read, matched)
    sources: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


@dataclass
class Written:
    stored: list[NewMention] = field(default_factory=list)  # with ids; ones already stored left out
    counts: dict[CountKey, list[int]] = field(default_factory=dict)  # [total, negative, positive]


class Store(Protocol):
    detects: bool  # whether alerts can be raised on what it writes (they need rows)

    def write(self, batch: Batch) -> Written: ...


def count(written: Written, batch: Batch) -> None:
    """Minute counts of what was stored and of the copies."""
    counts = written.counts

    def add(workspace_id: int, query_id: int, at: datetime, sentiment: str) -> None:
        row = counts.get((workspace_id, query_id, minute_of(at)))
        if row is None:
            row = counts[(workspace_id, query_id, minute_of(at))] = [0, 0, 0]
        row[0] += 1
        if sentiment == "negative":
            row[1] += 1
        elif sentiment == "positive":
            row[2] += 1

    for item in written.stored:
        for query_id, _spans in item.matches:
            for _ in range(1 + item.duplicates):
                add(item.workspace_id, query_id, item.post.posted_at, item.sentiment)
    for copy in batch.copies:
        for query_id in copy.query_ids:
            add(copy.workspace_id, query_id, copy.posted_at, copy.sentiment)


class MemoryStore:
    """Counts only (``listen replay`` without a database): per query, and per minute."""

    detects = False

    def __init__(self) -> None:
        self.per_query: dict[int, int] = defaultdict(int)
        self.minutes: dict[CountKey, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.mentions = 0
        self.duplicates = 0

    def write(self, batch: Batch) -> Written:
        written = Written(stored=list(batch.new))
        count(written, batch)
        self.mentions += len(batch.new)
        self.duplicates += len(batch.copies) + sum(item.duplicates for item in batch.new)
        for (workspace_id, query_id, minute), (total, negative, positive) in written.counts.items():
            self.per_query[query_id] += total
            row = self.minutes[(workspace_id, query_id, minute)]
            row[0] += total
            row[1] += negative
            row[2] += positive
        return written


@dataclass(frozen=True, slots=True)
class Author:
    contact_id: int
    kind: str
    importance: int


class Contacts:
    """Contacts by (platform, remote id) and (platform, lower-case handle), per workspace,
    read again after ``ttl`` seconds."""

    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._cache: dict[int, tuple[float, dict[tuple[str, str, str], Author]]] = {}

    def of(self, workspace_id: int) -> dict[tuple[str, str, str], Author]:
        cached = self._cache.get(workspace_id)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        from socialops.contacts.models import Identity

        table: dict[tuple[str, str, str], Author] = {}
        rows = Identity.objects.filter(workspace_id=workspace_id).values_list(
            "platform", "remote_id", "handle", "contact_id", "contact__kind", "contact__importance"
        )
        for platform, remote_id, handle, contact_id, kind, importance in rows:
            author = Author(contact_id, kind, importance)
            if remote_id:
                table[(platform, "id", remote_id)] = author
            if handle:
                table[(platform, "handle", handle.lstrip("@").lower())] = author
        self._cache[workspace_id] = (time.monotonic(), table)
        return table

    def find(self, workspace_id: int, post: IncomingPost) -> Author | None:
        table = self.of(workspace_id)
        if not table:
            return None
        if post.author_remote_id:
            found = table.get((post.platform, "id", post.author_remote_id))
            if found is not None:
                return found
        if post.author_handle:
            return table.get((post.platform, "handle", post.author_handle.lstrip("@").lower()))
        return None


MENTION_COLUMNS = (
    "workspace_id",
    "source_id",
    "platform",
    "remote_id",
    "text",
    "url",
    "author_remote_id",
    "author_handle",
    "author_name",
    "author_followers",
    "author_verified",
    "contact_id",
    "author_type",
    "lang",
    "sentiment",
    "emotion",
    "intent",
    "scores",
    "reposts",
    "likes",
    "cluster",
    "duplicates",
    "posted_at",
    "received_at",
)
SAMPLE_COLUMNS = (
    "workspace_id",
    "source_id",
    "platform",
    "remote_id",
    "text",
    "url",
    "author_handle",
    "author_name",
    "lang",
    "posted_at",
    "received_at",
)
ROWS_PER_INSERT = 400  # 24 columns × 400 rows: under SQLite's 32,766 variables


def insert_many(
    cursor: Any, head: str, row: str, rows: Sequence[Sequence[Any]], tail: str = ""
) -> None:
    """``head row tail`` for every row: SQLite's executemany (a C loop in-process); on
    PostgreSQL multi-row VALUES statements (far fewer round trips than executemany)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        cursor.executemany(f"{head} {row}{tail}", rows)
        return
    size = max(1, 30_000 // len(rows[0]))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        cursor.execute(
            f"{head} {', '.join([row] * len(chunk))}{tail}",
            [value for item in chunk for value in item],
        )


class DatabaseStore:
    """Writes a flush in one transaction; links authors to contacts; keeps a bounded sample."""

    detects = True

    def __init__(self, *, sample_keep: int = 20_000) -> None:
        self.sample_keep = sample_keep
        self.contacts = Contacts()
        self._writes = 0
        self._sampled: set[int] = set()  # workspaces with samples written since the last prune

    def write(self, batch: Batch) -> Written:
        written = Written()
        received = now()
        for item in batch.new:
            author = self.contacts.find(item.workspace_id, item.post)
            if author is not None:
                item.contact_id, item.author_type = author.contact_id, author.kind
                item.vip = author.kind in VIP_KINDS or author.importance >= VIP_IMPORTANCE
        with transaction.atomic(), connection.cursor() as cursor:
            written.stored = self._insert_mentions(cursor, batch.new, received)
            self._insert_matches(cursor, written.stored)
            self._bump_copies(cursor, batch.copies)
            count(written, batch)
            self._upsert_counts(cursor, written.counts)
            self._insert_samples(cursor, batch.samples, received)
            self._update_sources(cursor, batch.sources, received)
        self._writes += 1
        if self._writes % 500 == 0:
            self.prune_samples()
        return written

    def _insert_mentions(
        self, cursor: Any, items: list[NewMention], received: datetime
    ) -> list[NewMention]:
        if not items:
            return []
        table = Mention._meta.db_table
        columns = ", ".join(MENTION_COLUMNS)
        jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
        placeholders = (
            "(" + ", ".join(f"%s{jsonb}" if c == "scores" else "%s" for c in MENTION_COLUMNS) + ")"
        )
        when = db_datetime(received)
        by_key = {
            (item.workspace_id, item.post.platform, item.post.remote_id): item for item in items
        }
        stored: list[NewMention] = []
        unique = list(by_key.values())
        for start in range(0, len(unique), ROWS_PER_INSERT):
            chunk = unique[start : start + ROWS_PER_INSERT]
            params: list[Any] = []
            for item in chunk:
                post, result = item.post, item.classification
                params += (
                    item.workspace_id,
                    item.source_id,
                    post.platform,
                    post.remote_id,
                    post.text,
                    post.url,
                    post.author_remote_id,
                    post.author_handle,
                    post.author_name,
                    post.author_followers,
                    post.author_verified,
                    item.contact_id,
                    item.author_type,
                    (post.lang or (result.lang if result else ""))[:8],
                    result.sentiment if result else "",
                    result.emotion if result else "",
                    result.intent if result else "",
                    json.dumps(result.scores if result else {}),
                    post.reposts,
                    post.likes,
                    item.cluster,
                    item.duplicates,
                    db_datetime(post.posted_at),
                    when,
                )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - our own names
                + ", ".join([placeholders] * len(chunk))
                + " ON CONFLICT (workspace_id, platform, remote_id) DO NOTHING"
                " RETURNING id, workspace_id, platform, remote_id",
                params,
            )
            for mention_id, workspace_id, platform, remote_id in cursor.fetchall():
                item = by_key[(workspace_id, platform, remote_id)]
                item.id = mention_id
                stored.append(item)
        return stored

    def _insert_matches(self, cursor: Any, items: list[NewMention]) -> None:
        rows = [
            (
                item.workspace_id,
                item.id,
                query_id,
                db_datetime(item.post.posted_at),
                item.sentiment,
                json.dumps([list(span) for span in spans]),
            )
            for item in items
            for query_id, spans in item.matches
        ]
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        insert_many(
            cursor,
            "INSERT INTO listening_mentionmatch"
            " (workspace_id, mention_id, query_id, posted_at, sentiment, spans) VALUES",
            f"(%s, %s, %s, %s, %s, %s{cast})",
            rows,
            " ON CONFLICT (mention_id, query_id) DO NOTHING",
        )

    def _bump_copies(self, cursor: Any, copies: list[Copy]) -> None:
        bumps: dict[tuple[int, str, str], int] = defaultdict(int)
        for copy in copies:
            bumps[(copy.workspace_id, copy.platform, copy.remote_id)] += 1
        if bumps:
            cursor.executemany(
                "UPDATE listening_mention SET duplicates = duplicates + %s"
                " WHERE workspace_id = %s AND platform = %s AND remote_id = %s",
                [(n, *key) for key, n in bumps.items()],
            )

    def _upsert_counts(self, cursor: Any, counts: dict[CountKey, list[int]]) -> None:
        if not counts:
            return
        rows = [
            (
                workspace_id,
                query_id,
                db_datetime(minute),
                total,
                negative,
                positive,
            )
            for (workspace_id, query_id, minute), (total, negative, positive) in counts.items()
        ]
        insert_many(  # the keys are unique: one row per (query, minute) in a statement
            cursor,
            "INSERT INTO listening_minutecount"
            " (workspace_id, query_id, minute, total, negative, positive) VALUES",
            "(%s, %s, %s, %s, %s, %s)",
            rows,
            " ON CONFLICT (query_id, minute) DO UPDATE SET"
            " total = listening_minutecount.total + excluded.total,"
            " negative = listening_minutecount.negative + excluded.negative,"
            " positive = listening_minutecount.positive + excluded.positive",
        )

    def _insert_samples(
        self,
        cursor: Any,
        samples: Sequence[tuple[int, int | None, IncomingPost]],
        received: datetime,
    ) -> None:
        if not samples:
            return
        when = db_datetime(received)
        rows = [
            (
                workspace_id,
                source_id,
                post.platform,
                post.remote_id,
                post.text,
                post.url,
                post.author_handle,
                post.author_name,
                post.lang,
                db_datetime(post.posted_at),
                when,
            )
            for workspace_id, source_id, post in samples
        ]
        self._sampled.update(workspace_id for workspace_id, _, _ in samples)
        cursor.executemany(
            f"INSERT INTO {SamplePost._meta.db_table} ({', '.join(SAMPLE_COLUMNS)})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(SAMPLE_COLUMNS))})",
            rows,
        )

    def _update_sources(
        self, cursor: Any, sources: dict[int, list[int]], received: datetime
    ) -> None:
        if sources:
            when = db_datetime(received)
            cursor.executemany(
                "UPDATE listening_source SET read_total = read_total + %s,"
                " matched_total = matched_total + %s, last_read_at = %s WHERE id = %s",
                [
                    (read, matched, when, source_id)
                    for source_id, (read, matched) in sources.items()
                ],
            )

    def prune_samples(self) -> int:
        """Keep the ``sample_keep`` newest samples of each workspace that got new ones."""
        deleted = 0
        for workspace_id in sorted(self._sampled):
            rows = SamplePost.objects.filter(workspace_id=workspace_id).order_by("-id")
            cutoff = rows.values_list("id", flat=True)[self.sample_keep : self.sample_keep + 1]
            if cutoff:
                deleted += SamplePost.objects.filter(
                    workspace_id=workspace_id, id__lte=cutoff[0]
                ).delete()[0]
        self._sampled.clear()
        return deleted
