"""Periodic SLA work: warnings and breaches, every minute, one runner at a time."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from .escalation import run_once

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def escalate_sla_clocks() -> int:
    """Warn before a breach and record breaches; safe to run twice (each level is claimed)."""
    try:
        with HUEY.lock_task("sla-escalation"):
            return run_once()
    except TaskLockedException:
        log.info("sla escalation already running; skipped")
        return 0
