"""The inbox's background work: syncing every account's inbox, sending and settling replies.

Huey discovers `tasks` modules. Every periodic task takes a lock (one run at a time per
deployment) and is safe to run twice: each account's sync also holds its SyncCursor lease, and
each reply its claim.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from socialops.channels.models import Channel

from . import ingest, sending

log = logging.getLogger(__name__)

SYNC_LOCK = "inbox-sync-all"
SWEEP_LOCK = "inbox-replies-sweep"


@db_periodic_task(crontab(minute="*"))
def sync_inboxes() -> int:
    """Every connected account with an inbox, synced; how many new messages were stored.

    The sandbox connector advances its simulated world to now on every call, so the demo's
    audience keeps writing whether or not the sandbox's own task ran first.
    """
    try:
        with HUEY.lock_task(SYNC_LOCK):
            return sum(result.stored for result in ingest.sync_all())
    except TaskLockedException:
        log.info("inbox sync already running; skipped")
        return 0


@db_task()
def sync_account(channel_id: int) -> int:
    """One account now (the inbox's refresh button); skipped while another sync holds it."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return 0
    return ingest.sync_channel(channel).stored


@db_task()
def deliver_reply(message_id: int) -> str:
    """Send one reply the inbox created in state SENDING; the state it ended in."""
    return str(sending.deliver(message_id).send_state)


@db_periodic_task(crontab(minute="*"))
def sweep_replies() -> int:
    """Lost sends become unconfirmed; unconfirmed replies are settled where the platform tells."""
    try:
        with HUEY.lock_task(SWEEP_LOCK):
            return sending.sweep()
    except TaskLockedException:
        log.info("reply sweep already running; skipped")
        return 0
