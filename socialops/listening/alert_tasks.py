"""Background tasks of alert delivery: retrying the deliveries that are due."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from . import delivery

log = logging.getLogger(__name__)

DELIVER_LOCK = "listening-deliver-due-alerts"

__all__ = ["deliver_due_alerts"]


@db_periodic_task(crontab(minute="*"))
def deliver_due_alerts() -> int:
    """Every alert delivery whose next attempt is due (or whose sender died), sent; how many."""
    try:
        with HUEY.lock_task(DELIVER_LOCK):
            return delivery.deliver_due()
    except TaskLockedException:
        log.info("alert delivery already running; skipped")
        return 0
