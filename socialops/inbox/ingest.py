"""Ingestion: comments, mentions and DMs from each account's connector into the inbox.

``sync_channel`` takes the account's SyncCursor row as a lease (a conditional UPDATE on
``locked_until``: a second sync of the same account at once skips), asks the connector for its
inbox page by page, and stores each page (inbox.arrival) together with the cursor that follows
it in one transaction: the cursor never runs ahead of the rows, and a crash repeats at most one
page, which the (channel, remote_id) constraint dedupes. An expired authorisation flags the
account "reconnect needed" (as publishing does); a rate limit leaves the account alone for as
long as the platform asks; any other error is kept on the SyncCursor (last_error) and the next
run tries again. WeChat pushes its DMs to the callback endpoint: ``ingest_pushed`` stores them.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from socialops.channels.models import Channel
from socialops.connectors.base import AuthExpired, Capability, ConnectorError, RateLimited
from socialops.core.clock import now
from socialops.core.errors import ApiError

from .arrival import Stored, preview, store_items, store_page, thread_key
from .models import SyncCursor

log = logging.getLogger(__name__)

INBOX_CAPABILITIES = frozenset({Capability.COMMENTS, Capability.MENTIONS, Capability.DMS})
LEASE = timedelta(minutes=5)  # far longer than a page takes; renewed with every page
DEFAULT_PAGES = 20
DEFAULT_RATE_LIMIT = 60.0  # seconds to leave a rate-limited account alone, unless it says
MAX_RATE_LIMIT = 3600.0

__all__ = ["Stored", "preview", "store_items", "store_page", "sync_channel", "thread_key"]


class LeaseLost(Exception):
    """Another sync took the account over (ours ran past its lease): stop, keep nothing."""


@dataclass
class SyncResult:
    channel_id: int
    skipped: bool = False  # another sync held the account
    pages: int = 0
    fetched: int = 0  # items the platform returned
    stored: int = 0  # new messages
    conversations: int = 0  # new conversations
    duplicates: int = 0
    unplaced: int = 0
    has_more: bool = False  # the page limit stopped us before the end
    error: str = ""  # the error that ended the sync, recorded on the SyncCursor
    retry_after: float = 0.0  # rate limited: seconds before the account is synced again

    def count(self, stored: Stored) -> None:
        self.stored += len(stored.messages)
        self.conversations += len(stored.conversations)
        self.duplicates += stored.duplicates
        self.unplaced += stored.unplaced


def ingests(channel: Channel) -> bool:
    """Whether the account's connector has an inbox (comments, mentions or DMs)."""
    from socialops.channels.actions import connector_class_or_none

    cls = connector_class_or_none(channel.connector)
    return cls is not None and bool(cls.capabilities & INBOX_CAPABILITIES)


# ---- syncing --------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def cursor_of(channel: Channel) -> SyncCursor:
    row = SyncCursor.objects.filter(channel=channel).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SyncCursor.objects.create(channel=channel)
    except IntegrityError:  # created by a sync starting at the same moment
        return SyncCursor.objects.get(channel=channel)


def take_lease(row: SyncCursor, *, worker: str, lease: timedelta = LEASE) -> bool:
    """Hold the account's sync for ``lease``; False if another sync holds it."""
    at = now()
    taken = (
        SyncCursor.objects.filter(pk=row.pk)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=at))
        .update(locked_until=at + lease, locked_by=worker[:128])
    )
    return bool(taken)


def release_lease(row: SyncCursor, *, worker: str, until: datetime | None = None) -> None:
    """Let the next sync in, at once or (after a rate limit) from ``until``."""
    SyncCursor.objects.filter(pk=row.pk, locked_by=worker[:128]).update(
        locked_until=until, locked_by="rate limited" if until else ""
    )


def sync_channel(
    channel: Channel,
    *,
    limit_pages: int = DEFAULT_PAGES,
    lease: timedelta = LEASE,
    worker: str = "",
) -> SyncResult:
    """Fetch and store the account's new comments, mentions and DMs, at most ``limit_pages``."""
    result = SyncResult(channel_id=channel.pk)
    if channel.status != Channel.Status.CONNECTED or not ingests(channel):
        result.skipped = True
        return result
    worker = f"{worker or worker_name()}:{now().timestamp():.6f}"[-128:]
    row = cursor_of(channel)
    if not take_lease(row, worker=worker, lease=lease):
        result.skipped = True
        return result
    try:
        _pull(channel, row, worker=worker, limit_pages=limit_pages, lease=lease, result=result)
    finally:
        wait = result.retry_after
        release_lease(row, worker=worker, until=now() + timedelta(seconds=wait) if wait else None)
    return result


def _pull(
    channel: Channel,
    row: SyncCursor,
    *,
    worker: str,
    limit_pages: int,
    lease: timedelta,
    result: SyncResult,
) -> None:
    from socialops.channels.actions import connector_for, mark_reconnect_needed

    try:
        if channel.connector == "wechat":
            result.count(ingest_pushed(channel))
        cursor = SyncCursor.objects.get(pk=row.pk).cursor or None
        with connector_for(channel) as connector:
            for _page in range(limit_pages):
                page = connector.fetch_inbox(cursor)
                result.pages += 1
                result.fetched += len(page.items)
                with transaction.atomic():
                    stored = store_page(channel, page.items)
                    moved = SyncCursor.objects.filter(pk=row.pk, locked_by=worker).update(
                        cursor=page.cursor,
                        synced_at=now(),
                        locked_until=now() + lease,
                        fetched_total=F("fetched_total") + len(page.items),
                    )
                    if not moved:
                        raise LeaseLost(f"the sync of account {channel.pk} was taken over")
                result.count(stored)
                cursor = page.cursor
                result.has_more = page.has_more
                if not page.has_more or not page.items:
                    break
        SyncCursor.objects.filter(pk=row.pk, locked_by=worker).update(
            synced_at=now(), last_error="", last_error_at=None
        )
    except AuthExpired as error:
        mark_reconnect_needed(channel=channel, reason=error.message, error=error, via="worker")
        _record_error(row, result, error)
    except RateLimited as error:
        result.retry_after = min(error.retry_after or DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT)
        _record_error(row, result, error)
    except (ConnectorError, LeaseLost, ApiError) as error:
        _record_error(row, result, error)
    except Exception as error:  # a bug or a lost database connection: logged, the next run retries
        log.exception("inbox sync of account %s failed", channel.pk)
        _record_error(row, result, error)


def _record_error(row: SyncCursor, result: SyncResult, error: BaseException) -> None:
    if isinstance(error, ConnectorError):
        code = f" [{error.platform_code}]" if error.platform_code else ""
        text = f"{error.code or 'error'}: {error.message}{code}"
    elif isinstance(error, ApiError):
        text = f"{error.code}: {error.message}"
    else:
        text = f"{type(error).__name__}: {error}"
    result.error = text[:1000]
    SyncCursor.objects.filter(pk=row.pk).update(last_error=result.error, last_error_at=now())


def sync_now(channel: Channel, *, limit_pages: int = DEFAULT_PAGES) -> SyncResult:
    """Sync one account in this process, now (the CLI; tests)."""
    return sync_channel(channel, limit_pages=limit_pages)


def request_sync(channel: Channel) -> None:
    """Ask a worker to sync the account soon (the inbox's refresh button); returns at once."""
    from .tasks import sync_account

    sync_account(channel.pk)


def request_workspace_sync(workspace: Any) -> int:
    """Ask a worker to sync every account of the workspace that has an inbox; how many."""
    channels = syncable_channels(workspace)
    for channel in channels:
        request_sync(channel)
    return len(channels)


def syncable_channels(workspace: Any = None) -> list[Channel]:
    """Connected accounts whose connectors have an inbox, oldest first."""
    rows = Channel.objects.filter(status=Channel.Status.CONNECTED).select_related("workspace")
    if workspace is not None:
        rows = rows.filter(workspace=workspace)
    return [channel for channel in rows.order_by("pk") if ingests(channel)]


def sync_all(*, limit_pages: int = DEFAULT_PAGES, workspace: Any = None) -> list[SyncResult]:
    return [sync_channel(c, limit_pages=limit_pages) for c in syncable_channels(workspace)]


# ---- WeChat: messages pushed to the callback endpoint ------------------------------------


def ingest_pushed(channel: Channel, *, batch: int = 200) -> Stored:
    """Store the messages WeChat pushed for this account and not yet in the inbox.

    No lease: each event is marked ingested in the transaction that stores it, and a message
    stored twice at once is stored once (insert-or-ignore).
    """
    from socialops.connectors.wechat import actions as wechat

    key = str((channel.config or {}).get("push_key") or "")
    total = Stored()
    if not key:
        return total
    while True:
        with transaction.atomic():
            events = wechat.pending_events(endpoint_key=key, limit=batch)
            if not events:
                return total
            items = [item for event in events if (item := wechat.event_item(event)) is not None]
            total.add(store_page(channel, items))
            wechat.mark_ingested([event.pk for event in events])
        if len(events) < batch:
            return total


def ingest_pushed_for_endpoint(endpoint_key: str) -> Stored:
    """The callback's hand-over: the account behind ``endpoint_key`` ingests what was pushed."""
    total = Stored()
    channels = Channel.objects.filter(
        connector="wechat", status=Channel.Status.CONNECTED, config__push_key=endpoint_key
    )
    for channel in channels:
        total.add(ingest_pushed(channel))
    return total


# ---- storing ---------------------------------------------------------------------------------
