"""app.bsky.notification.listNotifications pages as InboxItems.

Notifications come newest first. The stored cursor is the newest indexedAt we have seen
(ISO 8601 UTC from one server, so strings order like times); a poll reads pages until it
meets a notification at or before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from socialops.connectors.base import Author, InboxItem

PAGE = 50
MAX_PAGES = 5
KINDS = {"reply": "comment", "mention": "mention", "quote": "mention"}


def parse_page(answer: Mapping[str, Any], *, after: str) -> tuple[list[InboxItem], bool]:
    """The page's items newer than ``after``, and whether the page reached ``after``."""
    items = []
    reached = False
    for notification in answer.get("notifications") or ():
        if after and str(notification.get("indexedAt", "")) <= after:
            reached = True
            continue
        kind = KINDS.get(str(notification.get("reason", "")))
        if kind is not None:
            items.append(item(notification, kind))
    return items, reached


def item(notification: Mapping[str, Any], kind: str) -> InboxItem:
    record = notification.get("record") or {}
    reply = record.get("reply") or {}
    author = notification.get("author") or {}
    handle = str(author.get("handle", ""))
    uri = str(notification["uri"])
    return InboxItem(
        kind=kind,
        remote_id=uri,
        author=Author(
            remote_id=str(author.get("did", "")),
            handle=handle,
            name=author.get("displayName") or "",
            avatar_url=author.get("avatar") or "",
        ),
        text=str(record.get("text", "")),
        created_at=_time(record.get("createdAt") or notification["indexedAt"]),
        thread_id=(reply.get("root") or {}).get("uri", "") or uri,
        parent_id=(reply.get("parent") or {}).get("uri", ""),
        url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
        raw=dict(notification),
    )


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
