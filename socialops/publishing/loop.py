"""The long-running publisher: `socialops publisher`, or a thread inside `socialops worker`."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection

from .engine import LEASE, Publisher

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Unique per process and start: a restarted worker never mistakes old claims for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def run_forever(
    stop: threading.Event,
    *,
    interval: float = 0.5,
    limit: int = 50,
    lease: timedelta = LEASE,
    once: bool = False,
    slow: float = 0.0,
    concurrency: int | None = None,
) -> None:
    """Publish until ``stop`` is set; sleep ``interval`` seconds whenever nothing was due.

    ``concurrency``: rows published at once (threads); settings.PUBLISH_CONCURRENCY by default.
    On stop, the rows being sent are finished and rows claimed but not yet sent are handed back.
    """
    if concurrency is None:
        concurrency = settings.PUBLISH_CONCURRENCY
    publisher = Publisher(worker=worker_name(), limit=limit, lease=lease, concurrency=concurrency)
    log.info("publisher %s started, %d at a time", publisher.worker, publisher.concurrency)
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                did = publisher.run_once(should_stop=stop.is_set, slow=slow)
            except Exception:  # the database went away for a moment: log, wait, go on
                log.exception("publisher pass failed")
                did = False
            if once:
                break
            if not did:
                stop.wait(interval)
    finally:
        publisher.close()
        connection.close()
        log.info("publisher %s stopped", publisher.worker)


class PublisherThread(threading.Thread):
    """The publisher beside the Huey consumer, so one `socialops worker` does everything."""

    def __init__(self, *, interval: float = 0.5) -> None:
        super().__init__(name="publisher", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        run_forever(self.stopping, interval=self.interval)

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        self.join(timeout)
