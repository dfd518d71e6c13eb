"""One run of one source: lease it, read from its cursor into the pipeline, save as it stores.

``run_source`` takes the Source row as a lease (a conditional UPDATE on ``locked_until``, as the
inbox sync takes its SyncCursor: a second runner of the same source at once skips it), reads from
``source.cursor`` with the source kind's reader, hands each post to the pipeline and flushes about
once a second (or every ``FLUSH_SIZE`` posts). The cursor saved after a flush is the one reached
*before* that flush's posts were handed over, never further: only what is stored advances it, so
a crash repeats at most one batch, which the pipeline dedupes (workspace, platform, remote_id).
A failure (the connector's, the network's, a dropped stream, a bad config) is kept on the row
(``last_error``, state ``error``) with the cursor where it was; the next run tries again after a
backoff that doubles with each failure in a row. A replay read to its end is ``finished``.
``read_total``/``matched_total`` are counted by the pipeline's store, in the transaction that
stores the posts; the runner counts ``skipped_total`` and moves the cursor.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.db.models import F, Q

from socialops.connectors.base import ConnectorError
from socialops.core.clock import now

from .incoming import IncomingPost
from .models import Source
from .sources import Budget, Reader, Skip, SourceError, reader_for

log = logging.getLogger(__name__)

FLUSH_EVERY = 1.0  # seconds between flushes while posts arrive
FLUSH_SIZE = 500  # posts buffered before a flush regardless of time
LEASE_SLACK = timedelta(seconds=60)  # the lease outlives the budget by this much
MIN_BACKOFF = timedelta(seconds=15)
MAX_BACKOFF = timedelta(minutes=15)
BACKOFF_MARK = "backoff"  # locked_by while a failed source waits out its backoff


class PipelineLike(Protocol):
    @property
    def pending(self) -> int: ...

    def add(
        self, post: IncomingPost, *, source: Source | None = None, workspace_id: int
    ) -> None: ...

    def flush(self) -> Any: ...


class LeaseLost(Exception):
    """Another runner took the source over (ours ran past its lease): stop, save nothing."""


@dataclass
class RunResult:
    source_id: int
    skipped: bool = False  # disabled, finished, leased by another runner, or backing off
    read: int = 0  # posts handed to the pipeline and stored
    matched: int = 0
    skipped_items: int = 0  # broken or unreadable items passed over
    flushes: int = 0
    cursor: str = ""
    finished: bool = False
    error: str = ""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def describe(error: BaseException) -> str:
    """A failure as the one line kept in ``last_error``."""
    if isinstance(error, ConnectorError):
        code = f" [{error.platform_code}]" if error.platform_code else ""
        text = f"{error.code or 'error'}: {error.message}{code}"
    elif isinstance(error, SourceError):
        text = f"config: {error.message}"
    else:
        text = f"{type(error).__name__}: {error}".rstrip(": ")
    return text[:1000]


def backoff_after(row: Source) -> timedelta:
    """How long a source that just failed waits: doubling while its failures continue."""
    previous = timedelta(0)
    if (
        row.state == Source.State.ERROR
        and row.locked_by == BACKOFF_MARK
        and row.locked_until is not None
        and row.last_error_at is not None
    ):
        previous = row.locked_until - row.last_error_at
    return min(MAX_BACKOFF, max(MIN_BACKOFF, previous * 2))


def _take(row: Source, *, worker: str, lease: timedelta) -> bool:
    at = now()
    taken = (
        Source.objects.filter(pk=row.pk, enabled=True)
        .exclude(state=Source.State.FINISHED)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=at))
        .update(locked_until=at + lease, locked_by=worker, state=Source.State.RUNNING)
    )
    return bool(taken)


class _Run:
    """The bookkeeping of one run: what was read, what is stored, which cursor is safe."""

    def __init__(
        self, source: Source, pipeline: PipelineLike, *, worker: str, lease: timedelta
    ) -> None:
        self.source = source
        self.pipeline = pipeline
        self.worker = worker
        self.lease = lease
        self.result = RunResult(source_id=source.pk, cursor=source.cursor)
        self.reached = source.cursor  # the cursor after the last item taken from the reader
        self.read = 0  # posts handed over since the last save
        self.skips = 0
        self.last_flush = time.monotonic()

    def take(self, item: IncomingPost | Skip, after: str) -> None:
        if isinstance(item, Skip):  # passed over (counted), or a heartbeat / an ignored event
            self.skips += int(item.counted)
            self.reached = after or self.reached
            return
        before, previous = self.pipeline.pending, self.reached
        self.pipeline.add(item, source=self.source, workspace_id=self.source.workspace_id)
        self.read += 1
        self.reached = after
        pending = self.pipeline.pending
        if pending == 0:  # the pipeline flushed itself, this post included
            self.save(self.reached, matched=0)
        elif pending <= before:  # it flushed what it held before taking this post
            self.read -= 1
            self.save(previous, matched=0)
            self.read = 1

    def due(self) -> bool:
        """Time to flush: the buffer is full, a second has passed, or the pipeline's oldest post
        has waited its ``max_delay`` (an alert must not sit in a buffer)."""
        pipeline_due = getattr(self.pipeline, "due", None)
        return (
            self.pipeline.pending >= FLUSH_SIZE
            or time.monotonic() - self.last_flush >= FLUSH_EVERY
            or bool(pipeline_due is not None and self.pipeline.pending and pipeline_due())
        )

    def flush(self) -> None:
        """Store what is buffered, then save the cursor reached before it (not further)."""
        cursor = self.reached
        matched = 0
        if self.pipeline.pending:
            outcome = self.pipeline.flush()
            self.result.flushes += 1
            matched = int(getattr(outcome, "matched", 0) or 0)
        self.last_flush = time.monotonic()
        if self.read or self.skips or cursor != self.result.cursor:
            self.save(cursor, matched=matched)

    def save(self, cursor: str, *, matched: int) -> None:
        at = now()
        moved = Source.objects.filter(pk=self.source.pk, locked_by=self.worker).update(
            cursor=cursor,
            skipped_total=F("skipped_total") + self.skips,
            last_read_at=at,
            locked_until=at + self.lease,
            updated_at=at,
        )
        if not moved:
            raise LeaseLost(f"source {self.source.pk} was taken over by another runner")
        self.result.read += self.read
        self.result.matched += matched
        self.result.skipped_items += self.skips
        self.result.cursor = cursor
        self.read = self.skips = 0


def run_source(
    source_id: int,
    pipeline: PipelineLike,
    *,
    budget: float,
    stop: threading.Event | None = None,
    worker: str = "",
) -> RunResult:
    """Read the source for at most ``budget`` seconds (or until ``stop``); what happened."""
    result = RunResult(source_id=source_id)
    row = Source.objects.select_related("channel").filter(pk=source_id).first()
    if row is None or not row.enabled or row.state == Source.State.FINISHED:
        result.skipped = True
        return result
    worker = (worker or worker_name())[:128]
    lease = timedelta(seconds=max(0.0, budget)) + LEASE_SLACK
    if not _take(row, worker=worker, lease=lease):
        result.skipped = True
        return result
    source = Source.objects.select_related("channel").get(pk=source_id)
    if pipeline.pending:  # someone else's posts: stored before ours are counted
        pipeline.flush()
    run = _Run(source, pipeline, worker=worker, lease=lease)
    reader: Reader | None = None
    try:
        reader = reader_for(source.kind, Budget(budget, stop))
        for item, after in reader.read(source, source.cursor):
            run.take(item, after)
            if run.due():
                run.flush()
        run.flush()
    except LeaseLost as error:
        run.result.error = describe(error)
        log.warning("%s", error)
        return run.result  # the row is the other runner's now: leave it alone
    except Exception as error:
        if isinstance(error, ConnectorError | SourceError | OSError):
            log.warning("source %s failed: %s", source_id, describe(error))
        else:  # a network library's own error, a dropped stream, or a bug: logged in full
            log.exception("source %s failed", source_id)
        _fail(run, row, error)
        return run.result
    finally:
        if reader is not None:
            reader.close()
    run.result.finished = reader.finished
    state = Source.State.FINISHED if reader.finished else Source.State.IDLE
    Source.objects.filter(pk=source_id, locked_by=worker).update(
        state=state, locked_until=None, locked_by="", last_error="", updated_at=now()
    )
    return run.result


def _fail(run: _Run, row: Source, error: BaseException) -> None:
    """Keep what was read before the failure if it can be stored, then record the failure."""
    run.result.error = describe(error)
    try:
        run.flush()
    except Exception:  # the cursor stays where the last good flush left it
        log.exception("source %s: the posts read before the failure were not stored", row.pk)
    at = now()
    try:
        Source.objects.filter(pk=row.pk, locked_by=run.worker).update(
            state=Source.State.ERROR,
            last_error=run.result.error,
            last_error_at=at,
            locked_until=at + backoff_after(row),
            locked_by=BACKOFF_MARK,
            updated_at=at,
        )
    except Exception:  # the database itself is gone: the lease runs out, the next run retries
        log.exception("source %s: could not record its failure", row.pk)
