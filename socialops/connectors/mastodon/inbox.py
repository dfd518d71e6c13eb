"""Mastodon notifications and conversations as inbox items, and the cursor that joins them.

The cursor is one opaque string holding the newest mention notification seen and, per
conversation, the last status already delivered (conversations are ordered by their latest
message, not by id, so a single "since" id cannot describe them).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from socialops.connectors.base import Author, InboxItem

from .client import need

KEPT_CONVERSATIONS = 200  # enough to dedupe every conversation a page can return

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p>", re.IGNORECASE)


@dataclass
class Cursor:
    notification_id: str = ""
    conversations: dict[str, str] = field(default_factory=dict)  # conversation → last status

    @classmethod
    def decode(cls, raw: str | None) -> Cursor:
        if not raw:
            return cls()
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
            return cls(str(data.get("n", "")), {str(k): str(v) for k, v in data["c"].items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()  # an unreadable cursor means "from the start"; items are deduped later

    def encode(self) -> str:
        newest = sorted(self.conversations.items(), key=lambda kv: _id_key(kv[1]), reverse=True)
        data = {"n": self.notification_id, "c": dict(newest[:KEPT_CONVERSATIONS])}
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def newer(a: str, b: str) -> bool:
    """Mastodon ids are numeric strings (snowflakes): compare them as numbers."""
    return _id_key(a) > _id_key(b)


def _id_key(value: str) -> tuple[int, str]:
    return (len(value), value) if value.isdigit() else (0, value)


def plain_text(content: str) -> str:
    """A status's HTML content as text: line breaks kept, tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content or ""))).strip()


def author_of(account: Mapping[str, Any]) -> Author:
    return Author(
        remote_id=str(need(account, "id")),
        handle=str(need(account, "acct")),
        name=str(account.get("display_name") or ""),
        avatar_url=str(account.get("avatar") or ""),
        followers=account.get("followers_count"),
        verified=any(f.get("verified_at") for f in account.get("fields") or ()),
    )


def mention_item(notification: Mapping[str, Any], *, account_id: str) -> InboxItem:
    """A mention notification: a "comment" when it answers one of our statuses."""
    status = notification["status"]
    parent = str(status.get("in_reply_to_id") or "")
    answers_us = bool(parent) and str(status.get("in_reply_to_account_id") or "") == account_id
    return InboxItem(
        kind="comment" if answers_us else "mention",
        remote_id=str(need(status, "id")),
        author=author_of(notification["account"]),
        text=plain_text(status.get("content", "")),
        created_at=_when(need(status, "created_at")),
        thread_id=parent if answers_us else str(status["id"]),
        parent_id=parent,
        url=str(status.get("url") or status.get("uri") or ""),
        raw=json_safe(notification),
    )


def dm_item(conversation: Mapping[str, Any]) -> InboxItem:
    status = conversation["last_status"]
    return InboxItem(
        kind="dm",
        remote_id=str(need(status, "id")),
        author=author_of(status["account"]),
        text=plain_text(status.get("content", "")),
        created_at=_when(need(status, "created_at")),
        thread_id=str(conversation["id"]),
        parent_id=str(status.get("in_reply_to_id") or ""),
        url=str(status.get("url") or status.get("uri") or ""),
        raw=json_safe(conversation),
    )


def json_safe(value: Mapping[str, Any]) -> dict[str, Any]:
    """Mastodon.py parses times into datetimes; raw payloads are stored as JSON."""
    return dict(json.loads(json.dumps(value, default=_iso)))


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
