"""Periodic publishing work: the sweeper, in case no publisher is running its own."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from .reconcile import sweep
from .tasks_metrics import collect_metrics  # noqa: F401 - registers the periodic task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def sweep_publications() -> int:
    """Reconcile lost and unconfirmed publications; one sweeper at a time per deployment."""
    try:
        with HUEY.lock_task("publishing-sweep"):
            return sweep()
    except TaskLockedException:
        log.info("publishing sweep already running; skipped")
        return 0
