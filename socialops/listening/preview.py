""" "Test this query": run one query over the workspace's newest stored posts, with highlights.

The posts are the sample every source keeps (SamplePost) and the mentions already found; a post
stored as both counts once. The estimate per day scales the matches to the days the scanned posts
cover, so it is an estimate of the stored sample, not of the whole platform.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from socialops.accounts.models import Workspace
from socialops.core.clock import now

from .matcher import Matcher
from .models import Mention, SamplePost
from .normalise import is_cjk, normalise
from .query import Query, QuerySyntaxError, parse

SCAN = 5000  # newest stored posts a preview reads
MAX_HITS = 200
EXCERPT = 30  # characters either side of an error's position
FIELDS = (
    "id",
    "platform",
    "remote_id",
    "text",
    "url",
    "lang",
    "author_handle",
    "author_name",
    "posted_at",
)


@dataclass(frozen=True)
class Hit:
    origin: str  # "sample" or "mention"
    id: int
    platform: str
    text: str
    url: str
    author: str
    posted_at: datetime
    spans: tuple[tuple[int, int], ...]  # in ``text``, end exclusive

    @property
    def highlighted(self) -> SafeString:
        return highlight(self.text, self.spans)


@dataclass(frozen=True)
class Preview:
    query: Query
    hits: list[Hit]  # newest first, at most the limit asked for
    scanned: int
    matched: int
    per_day: float | None  # None: too few posts to say
    oldest: datetime | None
    newest: datetime | None
    seconds: float


def highlight(text: str, spans: Iterable[Sequence[int]]) -> SafeString:
    """The text, escaped, with each span in <mark>: built from pieces, never from raw text."""
    pieces: list[str] = []
    at = 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        pieces.append(escape(text[at:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    pieces.append(escape(text[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text above is escaped


def _rows(workspace: Workspace, scan: int, since: datetime | None) -> list[tuple[str, dict]]:
    samples = SamplePost.objects.filter(workspace=workspace)
    mentions = Mention.objects.filter(workspace=workspace)
    if since is not None:
        samples = samples.filter(posted_at__gte=since)
        mentions = mentions.filter(posted_at__gte=since)
    rows: dict[tuple[str, str], tuple[str, dict]] = {}
    for row in mentions.order_by("-posted_at", "-id").values(*FIELDS)[:scan]:
        rows[(row["platform"], row["remote_id"])] = ("mention", row)
    for row in samples.order_by("-received_at", "-id").values(*FIELDS)[:scan]:
        rows.setdefault((row["platform"], row["remote_id"]), ("sample", row))
    ordered = sorted(rows.values(), key=lambda item: (item[1]["posted_at"], item[0]), reverse=True)
    return ordered[:scan]


def preview(
    workspace: Workspace,
    text: str | Query,
    *,
    limit: int = 50,
    days: int | None = None,
    scan: int = SCAN,
) -> Preview:
    """Matches of one query among the newest ``scan`` posts (of the last ``days``, if given).

    Raises QuerySyntaxError when the text does not parse.
    """
    started = time.perf_counter()
    query = parse(text) if isinstance(text, str) else text
    matcher = Matcher.build({0: query})
    since = now() - timedelta(days=days) if days else None
    rows = _rows(workspace, scan, since)
    hits: list[Hit] = []
    matched = 0
    for origin, row in rows:
        post = {
            "text": row["text"],
            "author": row["author_handle"] or row["author_name"],
            "platform": row["platform"],
            "url": row["url"],
            "lang": row["lang"],
        }
        # the normalised text is all a miss needs; the spans' mapping only for the hits shown
        if not matcher.match_ids(normalise(row["text"]), post):
            continue
        matched += 1
        if len(hits) < min(limit, MAX_HITS) and (found := matcher.match(post)):
            hits.append(
                Hit(
                    origin=origin,
                    id=row["id"],
                    platform=row["platform"],
                    text=row["text"],
                    url=row["url"],
                    author=row["author_name"] or row["author_handle"],
                    posted_at=row["posted_at"],
                    spans=found[0].spans,
                )
            )
    newest = rows[0][1]["posted_at"] if rows else None
    oldest = rows[-1][1]["posted_at"] if rows else None
    per_day = None
    if newest is not None and oldest is not None:
        covered = max(newest - oldest, timedelta(hours=1))
        if since is not None and len(rows) < scan:  # every post of the period was read
            covered = max(now() - since, timedelta(hours=1))
        per_day = round(matched / (covered / timedelta(days=1)), 1)
    return Preview(
        query=query,
        hits=hits,
        scanned=len(rows),
        matched=matched,
        per_day=per_day,
        oldest=oldest,
        newest=newest,
        seconds=time.perf_counter() - started,
    )


def caret_excerpt(error: QuerySyntaxError, width: int = EXCERPT) -> str:
    """The error's line, cut to ``width`` characters either side, with a ^ under the position."""
    source = error.source
    start = source.rfind("\n", 0, error.position) + 1
    end = source.find("\n", error.position)
    end = len(source) if end < 0 else end
    left = max(start, error.position - width)
    right = min(end, error.position + width)
    line = ("…" if left > start else "") + source[left:right] + ("…" if right < end else "")
    before = ("…" if left > start else "") + source[left : error.position]
    # CJK and full-width characters take two columns in a monospaced font
    pad = "".join("  " if is_cjk(c) or ord(c) >= 0xFF00 else " " for c in before)
    return f"{line}\n{pad}^"
