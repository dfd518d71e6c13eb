"""Weibo JSON (statuses, comments, users) → the connector value types."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from socialops.connectors.base import Author, InboxItem, Metrics, Profile, RemoteRef
from socialops.core import text as core_text

from .client import malformed

_WHITESPACE = re.compile(r"\s+")


def created_at(value: Any) -> datetime:
    """Weibo's "Tue May 31 17:46:55 +0800 2011" as an aware UTC datetime."""
    try:
        return datetime.strptime(str(value), "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError as exc:
        raise malformed(f"Weibo sent an unreadable created_at: {value!r}") from exc


def object_id(item: Any) -> str:
    """The id of a status, comment or user; Weibo ids pass 2**53, so prefer the string."""
    if not isinstance(item, Mapping):
        raise malformed(f"Weibo sent {type(item).__name__} where an object was expected")
    value = item.get("idstr") or item.get("id")
    if value in (None, ""):
        raise malformed("Weibo sent an object without an id")
    return str(value)


def status_url(status_id: str) -> str:
    return f"https://m.weibo.cn/status/{status_id}"


def fingerprint(text: str) -> str:
    """A hash of a post's text that survives Weibo rewriting every link as a t.cn short link."""
    links = core_text.check("weibo", text).links
    parts, position = [], 0
    for link in links:
        parts += [text[position : link.start], "\x00link\x00"]
        position = link.end
    parts.append(text[position:])
    normalised = _WHITESPACE.sub(" ", "".join(parts)).strip()
    return hashlib.sha256(normalised.encode()).hexdigest()


def remote_ref(status: Any, *, extra: Mapping[str, Any] | None = None) -> RemoteRef:
    status_id = object_id(status)
    return RemoteRef(
        remote_id=status_id,
        url=status_url(status_id),
        published_at=created_at(status.get("created_at")),
        extra={"mid": str(status.get("mid") or status_id), **(extra or {})},
    )


def author(user: Any) -> Author:
    if not isinstance(user, Mapping):
        return Author(remote_id="", handle="")
    return Author(
        remote_id=object_id(user),
        handle=str(user.get("screen_name") or ""),
        name=str(user.get("name") or user.get("screen_name") or ""),
        avatar_url=str(user.get("avatar_large") or user.get("profile_image_url") or ""),
        followers=_int(user.get("followers_count")),
        verified=bool(user.get("verified")),
    )


def comment_item(comment: Any) -> InboxItem:
    """A comment on one of our posts (comments/to_me)."""
    comment_id = object_id(comment)
    status = comment.get("status") or {}
    status_id = object_id(status) if status else ""
    parent = comment.get("reply_comment") or {}
    return InboxItem(
        kind="comment",
        remote_id=comment_id,
        author=author(comment.get("user")),
        text=str(comment.get("text") or ""),
        created_at=created_at(comment.get("created_at")),
        thread_id=status_id,
        parent_id=object_id(parent) if parent else "",
        url=status_url(status_id) if status_id else "",
        raw=comment,
    )


def mention_item(status: Any) -> InboxItem:
    """A post that @mentions us (statuses/mentions)."""
    status_id = object_id(status)
    return InboxItem(
        kind="mention",
        remote_id=status_id,
        author=author(status.get("user")),
        text=str(status.get("text") or ""),
        created_at=created_at(status.get("created_at")),
        thread_id=status_id,
        url=status_url(status_id),
        raw=status,
    )


def metrics(count: Any, *, collected_at: datetime) -> Metrics:
    """One entry of statuses/count: reposts, comments and attitudes (likes)."""
    return Metrics(
        remote_id=object_id(count),
        collected_at=collected_at,
        likes=_int(count.get("attitudes")),
        reposts=_int(count.get("reposts")),
        comments=_int(count.get("comments")),
    )


def profile(user: Any) -> Profile:
    """users/show → the account's facade."""
    user_id = object_id(user)
    profile_path = str(user.get("profile_url") or f"u/{user_id}")
    verified = bool(user.get("verified"))  # verified_type 0: personal V; 1–7: organisations
    return Profile(
        remote_id=user_id,
        handle=str(user.get("screen_name") or ""),
        display_name=str(user.get("name") or user.get("screen_name") or ""),
        bio=str(user.get("description") or ""),
        avatar_url=str(
            user.get("avatar_hd") or user.get("avatar_large") or user.get("profile_image_url") or ""
        ),
        banner_url=str(user.get("cover_image_phone") or user.get("cover_image") or ""),
        url=f"https://weibo.com/{profile_path.lstrip('/')}",
        website=str(user.get("url") or ""),
        location=str(user.get("location") or ""),
        verified=verified,
        verification_label=str(user.get("verified_reason") or "") if verified else "",
        followers=_int(user.get("followers_count")),
        following=_int(user.get("friends_count")),
        posts=_int(user.get("statuses_count")),
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
