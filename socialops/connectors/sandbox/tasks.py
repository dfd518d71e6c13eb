"""Keep every sandbox world moving with the clock, one worker at a time."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from socialops.connectors.sandbox.models import World
from socialops.connectors.sandbox.simulation import advance
from socialops.core.clock import now

LOCK_NAME = "sandbox-advance-worlds"
log = logging.getLogger(__name__)


def advance_all() -> int:
    """Advance every world to now; how many events the audience produced."""
    return sum(advance(world, until=now()) for world in World.objects.order_by("pk"))


@db_periodic_task(crontab(minute="*"))
def advance_worlds() -> int:
    try:
        with HUEY.lock_task(LOCK_NAME):
            return advance_all()
    except TaskLockedException:
        log.info("another worker is advancing the sandbox worlds")
        return 0
