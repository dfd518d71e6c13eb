"""The listening pipeline: buffered posts → match → dedupe → classify → store → detect → alert.

One ``Pipeline`` per worker process holds ONE matcher over the active queries of ALL
workspaces (query ids ``(workspace id, query id)``). A post is added for one workspace (a
source belongs to one workspace) and only that workspace's matches of it are recorded; the
automaton's work is shared by everyone. Queries reload without a restart: a cheap fingerprint
of ListeningQuery is compared at most once a second, and only what changed is recompiled.

Per flush, in this order:

1. normalise + match every post read (``Matcher.match_ids``: the automaton, then logic for the
   candidates); spans in the original text only for the posts that matched;
2. dedupe the matched posts (one ``Deduper`` per workspace; a Weibo ``//@`` repost with nothing
   of its own joins the original's cluster): a copy of a stored mention is not stored again but
   bumps its ``duplicates`` and is counted in the minute counts. Posts no query matches are not
   deduplicated (a copy of a post that is not a mention is no mention either);
3. classify the new mentions' texts in one batch (``classify_many``);
4. store everything in one transaction (``store.DatabaseStore``) or count it (``MemoryStore``);
5. detect spikes, negative share, crisis words and VIP authors, raise alerts and dispatch them.

A source may save its cursor only after the flush that stored what it read before it returned:
call ``flush()`` (or let ``add``/``tick`` do it) and save the cursor afterwards.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Sum

from .dedupe import Deduper
from .detection import Detection, QueryInfo
from .incoming import IncomingPost
from .matcher import LiveMatcher
from .models import ListeningQuery, Source
from .normalise import normalise
from .query import Query, QuerySyntaxError, parse
from .store import Batch, Copy, DatabaseStore, NewMention, Store, Written

log = logging.getLogger(__name__)
ClusterInfo = tuple[str, str, str] | NewMention  # stored: (platform, remote id, sentiment)
MAX_CLUSTERS = 200_000  # per workspace, as the Deduper's own bound


@dataclass
class Stats:
    read: int = 0
    matched: int = 0  # posts that matched at least one query of their workspace (copies too)
    stored: int = 0  # new mentions written
    duplicates: int = 0
    alerts: int = 0
    per_query: Counter[int] = field(default_factory=Counter)  # query id → mentions counted


@dataclass(frozen=True)
class FlushResult:
    read: int
    matched: int
    stored: int
    duplicates: int
    alert_ids: tuple[int, ...]
    seconds: float


class Pipeline:
    """Not thread-safe: one per worker. ``queries`` fixes the query set (``{query id: text}``,
    all of workspace 0; no database reads) instead of following ListeningQuery."""

    def __init__(
        self,
        *,
        store: Store | None = None,
        batch_size: int = 2000,
        classify: bool = True,
        max_delay: float | None = 0.2,
        sample_every: int = 10,
        reload_every: float = 1.0,
        queries: Mapping[int, str | Query] | None = None,
    ) -> None:
        self.store: Store = store if store is not None else DatabaseStore()
        self.batch_size = batch_size
        self.classify = classify
        self.max_delay = max_delay
        self.sample_every = sample_every
        self.reload_every = reload_every
        self.stats = Stats()
        self.queries: dict[int, QueryInfo] = {}
        self.detection = Detection()
        self._buffer: list[tuple[IncomingPost, int | None, int]] = []
        self._oldest = 0.0
        self._fixed = queries is not None
        self._loaded: dict[int, tuple[int, str]] = {}  # query id → (version, text)
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked = float("-inf")
        self._dedupers: dict[int, Deduper] = {}
        self._clusters: dict[int, OrderedDict[int, ClusterInfo]] = {}
        self._read_per_workspace: Counter[int] = Counter()
        self.live = LiveMatcher({(0, qid): text for qid, text in (queries or {}).items()})
        if not self._fixed:
            self.reload(force=True)

    @property
    def pending(self) -> int:
        return len(self._buffer)

    # -- queries -----------------------------------------------------------------------------

    def reload(self, *, force: bool = False) -> bool:
        """Follow ListeningQuery (at most every ``reload_every`` seconds); whether it changed."""
        if self._fixed:
            return False
        at = time.monotonic()
        if not force and at - self._checked < self.reload_every:
            return False
        self._checked = at
        active = ListeningQuery.objects.filter(active=True)
        summary = active.aggregate(
            n=Count("id"), top=Max("id"), at=Max("updated_at"), versions=Sum("version")
        )
        fingerprint = (summary["n"], summary["top"], summary["at"], summary["versions"])
        if fingerprint == self._fingerprint:
            return False
        self._fingerprint = fingerprint
        rows = {row.pk: row for row in active}
        put: dict[tuple[int, int], Query] = {}
        for query_id, row in rows.items():
            if self._loaded.get(query_id) == (row.version, row.text):
                continue
            try:
                put[(row.workspace_id, query_id)] = parse(row.text)
            except QuerySyntaxError:
                log.warning("listening query %s does not parse; left out", query_id)
                continue
            self._loaded[query_id] = (row.version, row.text)
        gone = set(self._loaded) - set(rows)
        remove = [(qid[0], qid[1]) for qid in self.live.current.compiled if qid[1] in gone]
        for query_id in gone:
            del self._loaded[query_id]
        if put or remove:
            self.live.update(put=put, remove=remove)
        self.detection.forget(gone | {qid for _, qid in put})
        self.queries = {query_id: QueryInfo.of(row) for query_id, row in rows.items()}
        return True

    # -- posts -------------------------------------------------------------------------------

    def add(self, post: IncomingPost, *, source: Source | None = None, workspace_id: int) -> None:
        """Buffer a post read for ``workspace_id`` (from ``source``, which must be that
        workspace's); flushes when the buffer is full or its oldest post waited ``max_delay``."""
        if source is not None and source.workspace_id != workspace_id:
            raise ValueError("the source belongs to another workspace")
        if not self._buffer:
            self._oldest = time.monotonic()
        self._buffer.append((post, source.pk if source is not None else None, workspace_id))
        if len(self._buffer) >= self.batch_size or self.due():
            self.flush()

    def due(self) -> bool:
        """Whether the oldest buffered post has waited ``max_delay`` seconds."""
        return (
            bool(self._buffer)
            and self.max_delay is not None
            and time.monotonic() - self._oldest >= self.max_delay
        )

    def tick(self) -> FlushResult | None:
        """What a source's loop calls while it waits for posts: flush when due."""
        return self.flush() if self.due() else None

    def flush(self) -> FlushResult:
        started = time.perf_counter()
        self.reload()
        buffer, self._buffer = self._buffer, []
        batch = Batch()
        matcher = self.live.current
        found: list[tuple[IncomingPost, int | None, int]] = []
        read_counts = self._read_per_workspace
        every = self.sample_every
        for post, source_id, workspace_id in buffer:
            if source_id is not None:
                batch.sources[source_id][0] += 1
            read_counts[workspace_id] += 1
            if every and read_counts[workspace_id] % every == 0:
                batch.samples.append((workspace_id, source_id, post))
            ids = matcher.match_ids(normalise(post.text), post)
            if ids and any(qid[0] == workspace_id for qid in ids):
                found.append((post, source_id, workspace_id))
        new: list[tuple[NewMention, int]] = []  # with its cluster id
        duplicates = 0
        for post, source_id, workspace_id in found:
            matches = [
                (m.query_id[1], m.spans)
                for m in matcher.match(post)
                if m.query_id[0] == workspace_id
            ]
            if not matches:  # pragma: no cover - match() agrees with match_ids()
                continue
            if source_id is not None:
                batch.sources[source_id][1] += 1
            seen = self._deduper(workspace_id).see(post.text)
            clusters = self._clusters.setdefault(workspace_id, OrderedDict())
            known = clusters.get(seen.cluster_id) if not seen.is_new else None
            if isinstance(known, NewMention):
                if (known.post.platform, known.post.remote_id) != (post.platform, post.remote_id):
                    known.duplicates += 1
                    duplicates += 1
                continue
            if known is not None:
                platform, remote_id, sentiment = known
                if (platform, remote_id) == (post.platform, post.remote_id):
                    continue  # the stored post itself, read again
                batch.copies.append(
                    Copy(
                        workspace_id,
                        platform,
                        remote_id,
                        tuple(query_id for query_id, _ in matches),
                        sentiment,
                        post.posted_at,
                    )
                )
                duplicates += 1
                continue
            item = NewMention(
                workspace_id=workspace_id,
                source_id=source_id,
                post=post,
                matches=matches,
                cluster=_cluster_name(workspace_id, post),
                classification=None,
            )
            clusters[seen.cluster_id] = item
            clusters.move_to_end(seen.cluster_id)
            if len(clusters) > MAX_CLUSTERS:
                clusters.popitem(last=False)
            new.append((item, seen.cluster_id))
        if self.classify and new:
            from socialops.classify import classify_many

            results = classify_many([item.post.text for item, _ in new])
            for (item, _), result in zip(new, results, strict=True):
                item.classification = result
        batch.new = [item for item, _ in new]
        try:
            written = self.store.write(batch)
        except Exception:
            for item, cluster_id in new:  # nothing was stored: forget the clusters it started
                self._clusters[item.workspace_id].pop(cluster_id, None)
            raise
        for item, cluster_id in new:
            clusters = self._clusters[item.workspace_id]
            if cluster_id in clusters:
                clusters[cluster_id] = (item.post.platform, item.post.remote_id, item.sentiment)
        alert_ids = self._detect(written)
        matched = len(found)
        self._account(len(buffer), matched, written, duplicates, alert_ids)
        return FlushResult(
            read=len(buffer),
            matched=matched,
            stored=len(written.stored),
            duplicates=duplicates,
            alert_ids=tuple(alert_ids),
            seconds=time.perf_counter() - started,
        )

    def _deduper(self, workspace_id: int) -> Deduper:
        deduper = self._dedupers.get(workspace_id)
        if deduper is None:
            deduper = self._dedupers[workspace_id] = Deduper(max_clusters=MAX_CLUSTERS)
        return deduper

    def _detect(self, written: Written) -> list[int]:
        if not self.store.detects or not self.queries:
            return []
        try:
            return self.detection.run(written, self.queries)
        except Exception:
            # the flush is stored; its alerts are lost, the stream goes on
            log.exception("listening detection failed after a stored flush")
            return []

    def _account(
        self, read: int, matched: int, written: Written, duplicates: int, alert_ids: list[int]
    ) -> None:
        stats = self.stats
        stats.read += read
        stats.matched += matched
        stats.stored += len(written.stored)
        stats.duplicates += duplicates
        stats.alerts += len(alert_ids)
        for (_workspace_id, query_id, _minute), row in written.counts.items():
            stats.per_query[query_id] += row[0]


def _cluster_name(workspace_id: int, post: IncomingPost) -> str:
    """Names a cluster by its first post (Deduper's own ids restart with the process)."""
    key = f"{workspace_id}:{post.platform}:{post.remote_id}".encode()
    return hashlib.blake2b(key, digest_size=8).hexdigest()
