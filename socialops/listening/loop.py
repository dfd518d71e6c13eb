"""The listener: every enabled source read in turn, with one pipeline, until stopped.

Streaming sources (Jetstream, Mastodon streaming, paced replays) are read on every pass for up to
``stream_budget`` seconds each, so they stay close to live; polled ones (the sandbox, hashtag
timelines, search) at most every ``poll_every`` seconds. Each run leases its source, so two
listeners (two workers) share the sources instead of reading them twice. ``socialops listen run``
runs this in the foreground; ``socialops worker`` runs it as a thread (``ListenerThread``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import close_old_connections, connection

from .models import Source
from .runner import RunResult, run_source, worker_name
from .sources import is_streaming

log = logging.getLogger(__name__)

POLL_EVERY = 30.0  # seconds between two runs of a polled source
STREAM_BUDGET = 20.0  # seconds a streaming source is read per pass
POLL_BUDGET = 20.0  # at most, for a polled source with a backlog
IDLE = 2.0  # seconds to wait when no source was due


class Listener:
    def __init__(
        self,
        *,
        stop: threading.Event | None = None,
        pipeline: Any = None,
        source_id: int | None = None,
        poll_every: float = POLL_EVERY,
        stream_budget: float = STREAM_BUDGET,
        poll_budget: float = POLL_BUDGET,
    ) -> None:
        self.stop = stop or threading.Event()
        self._pipeline = pipeline
        self.source_id = source_id
        self.poll_every = poll_every
        self.stream_budget = stream_budget
        self.poll_budget = poll_budget
        self.worker = worker_name()
        self.last_run: dict[int, float] = {}

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            from .pipeline import Pipeline

            self._pipeline = Pipeline()
        return self._pipeline

    def sources(self) -> list[tuple[int, str]]:
        rows = Source.objects.filter(enabled=True).exclude(state=Source.State.FINISHED)
        if self.source_id is not None:
            rows = Source.objects.filter(pk=self.source_id)
        return list(rows.order_by("pk").values_list("pk", "kind"))

    def run_once(self, *, force: bool = False) -> list[RunResult]:
        """One pass over the sources that are due (every one with ``force``)."""
        results = []
        for source_id, kind in self.sources():
            if self.stop.is_set():
                break
            streaming = is_streaming(kind)
            last = self.last_run.get(source_id)
            if not (
                force or streaming or last is None or time.monotonic() - last >= self.poll_every
            ):
                continue
            self.last_run[source_id] = time.monotonic()
            budget = self.stream_budget if streaming else self.poll_budget
            result = run_source(
                source_id, self.pipeline, budget=budget, stop=self.stop, worker=self.worker
            )
            if not result.skipped:
                results.append(result)
                log.log(
                    logging.INFO if result.read or result.error else logging.DEBUG,
                    "source %s: %d read, %d skipped%s",
                    source_id,
                    result.read,
                    result.skipped_items,
                    f", error: {result.error}" if result.error else "",
                )
        return results

    def run_forever(self, *, once: bool = False) -> None:
        log.info("listener %s started", self.worker)
        try:
            while not self.stop.is_set():
                close_old_connections()
                try:
                    results = self.run_once(force=once)
                except Exception:  # the database went away for a moment: log, wait, go on
                    log.exception("listener pass failed")
                    results = []
                if once:
                    break
                if not results:
                    self.stop.wait(IDLE)
        finally:
            connection.close()
            log.info("listener %s stopped", self.worker)


class ListenerThread(threading.Thread):
    """The listener beside the Huey consumer, so one ``socialops worker`` does everything."""

    def __init__(self, **options: Any) -> None:
        super().__init__(name="listener", daemon=True)
        self.stopping = threading.Event()
        self.listener = Listener(stop=self.stopping, **options)

    def run(self) -> None:
        self.listener.run_forever()

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        self.join(timeout)
