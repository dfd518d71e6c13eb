"""Rows the mention, alert and dashboard tests build directly (no tests here)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from socialops.accounts.models import Workspace
from socialops.core.clock import now
from socialops.listening.models import (
    Alert,
    ListeningQuery,
    Mention,
    MentionMatch,
    MinuteCount,
)

_numbers = itertools.count(1)


def query(workspace: Workspace, name: str, text: str = "", **fields: Any) -> ListeningQuery:
    return ListeningQuery.objects.create(
        workspace=workspace, name=name, text=text or f'"{name}"', **fields
    )


def spans_of(text: str, word: str) -> list[list[int]]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append([at, at + len(word)])
        at = text.find(word, at + len(word))
    return found


def mention(
    workspace: Workspace,
    text: str,
    *,
    queries: dict[ListeningQuery, str] | None = None,
    at: datetime | None = None,
    **fields: Any,
) -> Mention:
    """A mention matching each query at each occurrence of its word."""
    number = next(_numbers)
    at = at or now() - timedelta(minutes=number)
    fields.setdefault("platform", "weibo")
    fields.setdefault("author_remote_id", f"u{number}")
    fields.setdefault("author_handle", f"fan{number}")
    fields.setdefault("author_name", f"网友{number}")
    fields.setdefault("sentiment", "neutral")
    row = Mention.objects.create(
        workspace=workspace,
        remote_id=f"p{number}",
        text=text,
        url=f"https://weibo.example/p{number}",
        posted_at=at,
        **fields,
    )
    for found, word in (queries or {}).items():
        MentionMatch.objects.create(
            workspace=workspace,
            mention=row,
            query=found,
            posted_at=at,
            sentiment=row.sentiment,
            spans=spans_of(text, word),
        )
    return row


def minute(
    found: ListeningQuery, at: datetime, total: int, negative: int = 0, positive: int = 0
) -> MinuteCount:
    return MinuteCount.objects.create(
        workspace=found.workspace,
        query=found,
        minute=at.replace(second=0, microsecond=0),
        total=total,
        negative=negative,
        positive=positive,
    )


def alert(workspace: Workspace, *, mentions: list[Mention] = (), **fields: Any) -> Alert:  # type: ignore[assignment]
    number = next(_numbers)
    fields.setdefault("kind", "spike")
    fields.setdefault("title", f"声量激增 {number}")
    fields.setdefault("detail", {"observed": 42, "baseline": 6.5})
    row = Alert.objects.create(workspace=workspace, key=f"test:{number}", **fields)
    row.mentions.set(mentions)
    return row
