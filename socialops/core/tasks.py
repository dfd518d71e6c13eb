"""Worker heartbeat and housekeeping."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from socialops.core.clock import now
from socialops.core.models import IdempotencyRecord, WorkerHeartbeat

WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


def beat() -> None:
    WorkerHeartbeat.objects.update_or_create(worker=WORKER_NAME, defaults={"beat_at": now()})


@HUEY.on_startup()
def _on_startup() -> None:
    from django.db import close_old_connections

    close_old_connections()
    WorkerHeartbeat.objects.update_or_create(
        worker=WORKER_NAME, defaults={"beat_at": now(), "started_at": now()}
    )


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    beat()


@db_periodic_task(crontab(minute="17"))
def purge_expired() -> None:
    """Drop idempotency records past their lifetime and heartbeats of long-gone workers."""
    IdempotencyRecord.objects.filter(
        created_at__lt=now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    ).delete()
    WorkerHeartbeat.objects.filter(beat_at__lt=now() - timedelta(days=1)).delete()
