"""The publisher: claim due publications, call their connectors, record what happened.

The row is the queue. A claim is committed before any platform call, so a worker that dies
mid-call leaves a `publishing` row whose lease runs out; the sweeper (reconcile.py) then asks
the platform what happened before anything is sent again. Failures, rate limits and unknown
outcomes are recorded one by one (outcomes.py); successes a few at a time (batch.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Protocol

from django.db import close_old_connections, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet

from socialops.channels.models import Channel
from socialops.connectors.base import (
    AuthExpired,
    Capability,
    Connector,
    ConnectorError,
    OutcomeUnknown,
    PublishRequest,
    RateLimited,
    RemoteRef,
)
from socialops.core.clock import now
from socialops.core.errors import ApiError

from . import outcomes
from .batch import record_published_many, refresh_posts
from .models import ChannelThrottle, Publication, PublishAttempt
from .requests import thaw

log = logging.getLogger(__name__)

State = Publication.State
LEASE = timedelta(seconds=120)  # far longer than any connector's own timeouts
SWEEP_EVERY = timedelta(seconds=30)
FLUSH_SIZE = 25  # successes written together (fewer queries and commits per post) …
FLUSH_AFTER = 0.5  # … or after this many seconds, so a post shows as published soon


def due(at: datetime) -> QuerySet[Publication]:
    """Scheduled rows whose time has come, on connected accounts that are not rate limited."""
    throttled = ChannelThrottle.objects.filter(
        channel_id=OuterRef("channel_id"), blocked_until__gt=at
    )
    return (
        Publication.objects.filter(
            state=State.SCHEDULED,
            not_before__lte=at,
            channel__status=Channel.Status.CONNECTED,
        )
        .exclude(Exists(throttled))
        .order_by("not_before", "id")
    )


def claim_due(
    *, worker: str, limit: int, lease: timedelta = LEASE, at: datetime | None = None
) -> list[Publication]:
    """Claim up to ``limit`` due rows for ``worker``: committed before any connector is called.

    PostgreSQL: the candidates are locked with SKIP LOCKED, so racing workers take different
    rows. SQLite: the write lock serialises claims; the UPDATE is conditional either way and
    what we got is read back by our claim's marks, never assumed.
    """
    at = at or now()
    with transaction.atomic():
        candidates = due(at)
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        updated = Publication.objects.filter(id__in=ids, state=State.SCHEDULED).update(
            state=State.PUBLISHING,
            claimed_by=worker,
            claimed_at=at,
            lease_until=at + lease,
            attempts=F("attempts") + 1,
            updated_at=at,
        )
        if not updated:
            return []
        claimed = list(
            Publication.objects.filter(
                id__in=ids, state=State.PUBLISHING, claimed_by=worker, claimed_at=at
            ).select_related("workspace", "channel", "post")
        )
        if len(claimed) != updated:  # pragma: no cover - a broken database, not a race
            raise RuntimeError(f"claimed {updated} rows but read back {len(claimed)}")
        PublishAttempt.objects.bulk_create(
            PublishAttempt(publication=row, started_at=at, worker=worker) for row in claimed
        )
        refresh_posts({row.post_id for row in claimed}, at=at)
    return claimed


class Sink(Protocol):
    """Where publish_one puts a success to be recorded later: a list, or Successes."""

    def append(self, item: tuple[Publication, RemoteRef], /) -> None: ...


def publish_one(publication: Publication, *, successes: Sink | None = None) -> str:
    """Send one claimed publication and record the outcome; the state it ends in.

    With ``successes``, a success is added there for record_published_many instead.
    """
    from socialops.channels.actions import connector_for

    request = thaw(publication.request)
    try:
        with connector_for(publication.channel) as connector:
            if connector.can(Capability.MANUAL_PUBLISH):
                prepare = getattr(connector, "prepare_task", None)
                if prepare is None:  # pragma: no cover - every manual connector has it
                    raise ConnectorError("No way to hand this to a person", permanent=True)
                outcomes.record_manual(publication, _task(prepare(request)))
                return str(publication.state)
            ref = _publish(connector, request, publication.idempotency_key)
    except ApiError as error:  # the account's connector is not installed any more
        outcomes.record_failed(
            publication, ConnectorError(error.message, permanent=True, code="no_connector")
        )
    except RateLimited as error:
        outcomes.record_rate_limited(publication, error)
    except AuthExpired as error:
        outcomes.record_auth_expired(publication, error)
    except OutcomeUnknown as error:
        outcomes.record_unconfirmed(publication, error)
    except ConnectorError as error:
        if error.permanent:
            outcomes.record_failed(publication, error)
        else:
            outcomes.record_retry(publication, error)
    except Exception as error:  # a bug, a dropped connection: whether it went out is unknown
        log.exception("publishing %s failed unexpectedly", publication.pk)
        outcomes.record_unconfirmed(publication, error)
    else:
        if successes is None:
            outcomes.record_published(publication, ref, action="publication.published")
        else:
            successes.append((publication, ref))
            return str(State.PUBLISHED)
    return str(publication.state)


def _publish(connector: Connector, request: PublishRequest, key: str) -> RemoteRef:
    # The sandbox's simulated network commits its own writes (network.publish is atomic), so
    # what it wrote stays when it then reports a timeout, as a real platform's post would.
    return connector.publish(request, idempotency_key=key)


def _task(task: object) -> dict[str, object]:
    data = asdict(task)  # type: ignore[call-overload]
    return {key: value for key, value in data.items() if value not in ("", (), [])}


# ---- the loop ------------------------------------------------------------------------------


class Successes:
    """Successes waiting to be written together; safe to share between a worker's threads.

    A thread adds what it sent and, once FLUSH_SIZE are waiting or the oldest has waited
    FLUSH_AFTER seconds, writes them all. One write at a time: the others keep publishing.
    """

    def __init__(self) -> None:
        self._items: list[tuple[Publication, RemoteRef]] = []
        self._since = 0.0
        self._lock = threading.Lock()
        self._writing = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def append(self, item: tuple[Publication, RemoteRef], /) -> None:
        with self._lock:
            if not self._items:
                self._since = time.monotonic()
            self._items.append(item)

    def flush_if_due(self) -> None:
        with self._lock:
            due = len(self._items) >= FLUSH_SIZE or (
                bool(self._items) and time.monotonic() - self._since >= FLUSH_AFTER
            )
        if due:
            self.flush()

    def flush(self) -> int:
        with self._writing:
            with self._lock:
                items, self._items = self._items, []
            return record_published_many(items)


class Lanes:
    """A worker's publishing threads, each with its own database connection.

    ``run`` hands each lane (a list of rows) to the next free thread and waits for all of them;
    an error in a lane is raised once every lane has ended. Django opens a connection per
    thread; each thread closes its own when the pool shuts down.
    """

    def __init__(self, size: int, *, name: str = "publish") -> None:
        self.size = size
        self._tasks: list[Callable[[], None]] = []
        self._ready = threading.Condition()
        self._pending = 0
        self._errors: list[BaseException] = []
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True)
            for n in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def run(self, tasks: Sequence[Callable[[], None]]) -> None:
        with self._ready:
            if self._closed:
                raise RuntimeError("the publishing threads have stopped")
            self._tasks.extend(tasks)
            self._pending += len(tasks)
            self._errors = []
            self._ready.notify_all()
            while self._pending:
                self._ready.wait()
            errors, self._errors = self._errors, []
        if errors:
            raise errors[0]

    def close(self, timeout: float = 30) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def _work(self) -> None:
        try:
            while True:
                with self._ready:
                    while not self._tasks and not self._closed:
                        self._ready.wait()
                    if not self._tasks:
                        return
                    task = self._tasks.pop(0)
                try:
                    task()
                except BaseException as error:  # noqa: BLE001 - handed to run()'s caller
                    close_old_connections()  # a broken connection is not reused
                    with self._ready:
                        self._errors.append(error)
                finally:
                    with self._ready:
                        self._pending -= 1
                        self._ready.notify_all()
        finally:
            connection.close()


def lanes_of(batch: list[Publication]) -> list[list[Publication]]:
    """The batch split by account, each account's rows in claim order, earliest account first.

    One account's rows are sent by one thread in order, so a rate limit or an expired token met
    by one of them holds back the rest of that account's rows, as with a single thread.
    """
    by_channel: dict[int, list[Publication]] = defaultdict(list)
    for publication in batch:
        by_channel[publication.channel_id].append(publication)
    return list(by_channel.values())


class Publisher:
    """One worker's state between run_once calls: its name, lease, threads, when it last swept.

    With ``concurrency`` above 1 the rows of a claim are published by that many threads at once
    (platform calls are network-bound); each account's rows stay in one thread, in order.
    Call ``close`` when done, to end the threads and their database connections.
    """

    def __init__(
        self,
        *,
        worker: str,
        limit: int = 50,
        lease: timedelta = LEASE,
        concurrency: int = 1,
    ) -> None:
        self.worker = worker
        self.limit = limit
        self.lease = lease
        self.concurrency = max(1, concurrency)
        self.sweep_every = min(SWEEP_EVERY, lease / 2)  # lost claims wait at most ~1.5 leases
        self.last_sweep: datetime | None = None
        self._lanes: Lanes | None = None

    def close(self) -> None:
        if self._lanes is not None:
            self._lanes.close()
            self._lanes = None

    def run_once(
        self, *, should_stop: Callable[[], bool] = lambda: False, slow: float = 0.0
    ) -> bool:
        """Sweep now and then, claim a batch, publish it; whether there was anything to do."""
        from .reconcile import sweep

        did = False
        at = now()
        if self.last_sweep is None or at - self.last_sweep >= self.sweep_every:
            self.last_sweep = at
            did = sweep(lease=self.lease) > 0
        batch = claim_due(worker=self.worker, limit=self.limit, lease=self.lease)
        claimed = time.monotonic()
        successes = Successes()
        try:
            lanes = lanes_of(batch) if self.concurrency > 1 else [batch]
            if len(lanes) <= 1:
                for lane in lanes:
                    self._send(lane, successes, claimed, should_stop=should_stop, slow=slow)
            else:
                if self._lanes is None:
                    self._lanes = Lanes(self.concurrency)
                self._lanes.run(
                    [
                        _bind(self._send, lane, successes, claimed, should_stop, slow)
                        for lane in lanes
                    ]
                )
        finally:
            successes.flush()
        return did or bool(batch)

    def _send(
        self,
        batch: list[Publication],
        successes: Successes,
        claimed: float,
        *,
        should_stop: Callable[[], bool],
        slow: float,
    ) -> None:
        renewed = claimed
        blocked: set[int] = set()  # accounts rate limited or unauthorised during this lane
        for index, publication in enumerate(batch):
            rest = batch[index:]
            if should_stop():
                outcomes.release(rest)
                return
            if time.monotonic() - renewed > self.lease.total_seconds() / 3:
                renewed = time.monotonic()
                kept = renew(rest, lease=self.lease)
                if publication.pk not in kept:
                    continue
            if publication.channel_id in blocked:
                outcomes.release([publication])
                continue
            if slow:  # crash tests stretch the windows around the call
                time.sleep(slow)
            state = publish_one(publication, successes=successes)
            if slow:
                time.sleep(slow)
            if state == State.SCHEDULED and publication.error_code == outcomes.RATE_LIMITED:
                blocked.add(publication.channel_id)
            elif state == State.FAILED and publication.error_code == "auth_expired":
                blocked.add(publication.channel_id)
            successes.flush_if_due()


def _bind(
    send: Callable[..., None],
    lane: list[Publication],
    successes: Successes,
    claimed: float,
    should_stop: Callable[[], bool],
    slow: float,
) -> Callable[[], None]:
    def task() -> None:
        send(lane, successes, claimed, should_stop=should_stop, slow=slow)

    return task


def renew(publications: list[Publication], *, lease: timedelta = LEASE) -> set[int]:
    """Extend the lease of rows still ours; the ids we still hold."""
    ids = [p.pk for p in publications]
    if not ids:
        return set()
    by_attempt = {p.pk: p for p in publications}
    with transaction.atomic():
        Publication.objects.filter(
            id__in=ids, state=State.PUBLISHING, claimed_by=publications[0].claimed_by
        ).update(lease_until=now() + lease)
        held = Publication.objects.filter(
            id__in=ids, state=State.PUBLISHING, claimed_by=publications[0].claimed_by
        ).values_list("id", "attempts")
    return {pk for pk, attempts in held if by_attempt[pk].attempts == attempts}


_publishers: dict[str, Publisher] = {}


def run_once(*, worker: str, limit: int = 50) -> bool:
    """One pass of the named worker (the first pass of a worker sweeps); whether it did anything."""
    publisher = _publishers.get(worker)
    if publisher is None or publisher.limit != limit:
        publisher = _publishers[worker] = Publisher(worker=worker, limit=limit)
    return publisher.run_once()
