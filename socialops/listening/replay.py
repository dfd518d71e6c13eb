"""Posts from a JSONL file (plain or gzip): one JSON object per line, at least ``text``.

Fields: ``text`` (required), ``time`` (ISO 8601; without an offset it is UTC; missing: now),
``id`` (else the line number), ``author`` (a string, or an object whose ``uid``/``name``/
``screen_name``/``followers``/``verified`` are used, as in the CED Weibo corpus; a top-level
``uid`` also names the author), ``platform`` (default "replay"), ``url``, ``lang``, ``reposts``,
``likes``. A broken line is reported as a ``ReplayError`` with its line number, never raised.
The cursor is the number of lines consumed: ``read_jsonl(path, start=cursor)`` resumes after them.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from socialops.core.clock import now

from .incoming import IncomingPost


@dataclass(frozen=True, slots=True)
class ReplayError:
    line: int  # 1-based
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def open_text(path: str | Path) -> IO[str]:
    """A text reader of a plain or gzip file (by its magic number, not its name)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed with the wrapper
    if raw.peek(2)[:2] == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8", errors="replace")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace")


def read_jsonl(
    path: str | Path, *, start: int = 0
) -> Iterator[tuple[IncomingPost | ReplayError, int]]:
    """Each line after the first ``start`` as a post or an error, with the cursor after it."""
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if number <= start:
                continue
            if not line.strip():
                continue
            yield parse_line(line, number), number


def parse_line(line: str, number: int) -> IncomingPost | ReplayError:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return ReplayError(number, f"not JSON ({error.msg})")
    except ValueError:
        return ReplayError(number, "not JSON")
    if not isinstance(item, dict):
        return ReplayError(number, "not a JSON object")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return ReplayError(number, "no text")
    try:
        posted_at = _time(item.get("time"))
    except (ValueError, OverflowError, OSError):
        return ReplayError(number, f"bad time {str(item.get('time'))[:40]!r}")
    author = item.get("author")
    remote_id = handle = name = ""
    followers: int | None = None
    verified = False
    if isinstance(author, Mapping):
        remote_id = str(author.get("uid") or author.get("id") or "")
        handle = str(author.get("screen_name") or author.get("handle") or "")
        name = str(author.get("name") or "")
        followers = _int(author.get("followers"))
        verified = bool(author.get("verified"))
    elif isinstance(author, str | int):
        handle = str(author)
    if not remote_id and item.get("uid"):
        remote_id = str(item["uid"])
    return IncomingPost(
        platform=str(item.get("platform") or "replay")[:20],
        remote_id=str(item.get("id") or number)[:200],
        text=text,
        posted_at=posted_at,
        url=str(item.get("url") or "")[:1000],
        author_remote_id=remote_id[:200],
        author_handle=(handle or remote_id)[:200],
        author_name=name[:200],
        author_followers=followers,
        author_verified=verified,
        lang=str(item.get("lang") or "")[:8],
        reposts=_int(item.get("reposts")),
        likes=_int(item.get("likes")),
    )


def _time(value: Any) -> datetime:
    if value in (None, ""):
        return now()
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
