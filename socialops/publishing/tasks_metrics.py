"""The metrics collector: every minute, one at a time, until nothing more is due.

Huey discovers `tasks` modules only: publishing/tasks.py imports this one.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from .metrics import collect_due

log = logging.getLogger(__name__)

BATCH = 200
MAX_BATCHES = 50  # at most 10,000 publications a run; the rest wait for the next minute


def collect_all() -> int:
    """Collect due metrics in batches; how many publications were handled."""
    handled = 0
    for _batch in range(MAX_BATCHES):
        claimed = collect_due(limit=BATCH)
        handled += claimed
        if claimed < BATCH:
            break
    return handled


@db_periodic_task(crontab(minute="*"))
def collect_metrics() -> int:
    try:
        with HUEY.lock_task("publishing-collect-metrics"):
            return collect_all()
    except TaskLockedException:
        log.info("metrics collection already running; skipped")
        return 0
