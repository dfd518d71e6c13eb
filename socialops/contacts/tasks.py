"""Periodic work: fan tiers recounted, public posts scanned for the engagement queue."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from . import engagement, tiers

log = logging.getLogger(__name__)
TIERS_LOCK = "contacts-tiers"
DISCOVER_LOCK = "contacts-engagement-discover"


@db_periodic_task(crontab(minute="23", hour="*"))
def recompute_tiers() -> int:
    """Recount every contact's interactions in the last 90 days; one run at a time."""
    try:
        with HUEY.lock_task(TIERS_LOCK):
            return tiers.recompute()
    except TaskLockedException:
        log.info("tier recount already running; skipped")
        return 0


@db_periodic_task(crontab(minute="*/10"))
def discover_engagement() -> int:
    """Queue new public posts worth engaging with; one run at a time per deployment."""
    try:
        with HUEY.lock_task(DISCOVER_LOCK):
            engagement.release_stuck()
            return engagement.discover_everywhere()
    except TaskLockedException:
        log.info("engagement discovery already running; skipped")
        return 0
