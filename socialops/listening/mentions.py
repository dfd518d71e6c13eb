"""Reads of the mention stream: filters, keyset pages, and highlights built from match spans."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.classify import INTENTS, SENTIMENTS
from socialops.contacts.models import Contact

from .models import Alert, ListeningQuery, Mention, MentionMatch

PAGE_SIZE = 30
MAX_TEXT_FILTER = 200


@dataclass(frozen=True)
class MentionFilter:
    """What the stream is narrowed to; every field optional."""

    query_id: int | None = None
    sentiment: str = ""
    intent: str = ""
    platform: str = ""
    author_type: str = ""  # a contact kind, or "none" for authors not in the contacts
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    text: str = ""

    def as_params(self) -> dict[str, str]:
        """The filter as query-string values (what the page's form and "load more" carry)."""
        values = {
            "query": str(self.query_id or ""),
            "sentiment": self.sentiment,
            "intent": self.intent,
            "platform": self.platform,
            "author_type": self.author_type,
            "q": self.text,
        }
        return {key: value for key, value in values.items() if value}


def _day(value: str, name: str, fields: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fields[name] = _("Give a date as YYYY-MM-DD.")
        return None


def parse_filter(params: Mapping[str, Any], workspace: Workspace) -> MentionFilter:
    """Query-string values checked; ValidationError by field for what makes no sense."""
    fields: dict[str, str] = {}
    get = lambda key: str(params.get(key) or "").strip()  # noqa: E731
    query_id: int | None = None
    if get("query"):
        try:
            query_id = int(get("query"))
        except ValueError:
            query_id = None
        if (
            query_id is None
            or not ListeningQuery.objects.filter(workspace=workspace, pk=query_id).exists()
        ):
            fields["query"] = _("No such query in this workspace.")
    sentiment, intent, author_type = get("sentiment"), get("intent"), get("author_type")
    if sentiment and sentiment not in SENTIMENTS:
        fields["sentiment"] = _("One of: %(values)s.") % {"values": ", ".join(SENTIMENTS)}
    if intent and intent not in INTENTS:
        fields["intent"] = _("One of: %(values)s.") % {"values": ", ".join(INTENTS)}
    kinds = [*Contact.Kind.values, "none"]
    if author_type and author_type not in kinds:
        fields["author_type"] = _("One of: %(values)s.") % {"values": ", ".join(kinds)}
    text = get("q") or get("text")
    if len(text) > MAX_TEXT_FILTER:
        fields["q"] = _("At most %(n)d characters.") % {"n": MAX_TEXT_FILTER}
    zone = ZoneInfo(workspace.time_zone)
    start, end = _day(get("from"), "from", fields), _day(get("to"), "to", fields)
    if start and end and start > end:
        fields["from"] = _("The period ends before it starts.")
    if fields:
        raise ValidationError(fields)
    return MentionFilter(
        query_id=query_id,
        sentiment=sentiment,
        intent=intent,
        platform=get("platform")[:20],
        author_type=author_type,
        since=datetime.combine(start, time(), zone) if start else None,
        until=datetime.combine(end + timedelta(days=1), time(), zone) if end else None,
        text=text,
    )


def filtered(workspace: Workspace, wanted: MentionFilter) -> QuerySet[Mention]:
    """The workspace's mentions the filter lets through, newest first."""
    rows = Mention.objects.filter(workspace=workspace)
    if wanted.query_id:
        rows = rows.filter(
            pk__in=MentionMatch.objects.filter(query_id=wanted.query_id).values("mention_id")
        )
    if wanted.sentiment:
        rows = rows.filter(sentiment=wanted.sentiment)
    if wanted.intent:
        rows = rows.filter(intent=wanted.intent)
    if wanted.platform:
        rows = rows.filter(platform=wanted.platform)
    if wanted.author_type == "none":
        rows = rows.filter(author_type="")
    elif wanted.author_type:
        rows = rows.filter(author_type=wanted.author_type)
    if wanted.since:
        rows = rows.filter(posted_at__gte=wanted.since)
    if wanted.until:
        rows = rows.filter(posted_at__lt=wanted.until)
    if wanted.text:
        rows = rows.filter(text__icontains=wanted.text)
    return rows.order_by("-posted_at", "-id")


def with_matches(rows: QuerySet[Mention]) -> QuerySet[Mention]:
    """Rows with their matches (and the matched queries) and contact fetched in two queries."""
    matches = MentionMatch.objects.select_related("query").order_by("query__name", "query_id")
    return rows.select_related("contact").prefetch_related(Prefetch("matches", queryset=matches))


def mention(workspace: Workspace, mention_id: int) -> Mention:
    found = with_matches(Mention.objects.filter(workspace=workspace, pk=mention_id)).first()
    if found is None:
        raise Http404("No such mention.")
    return found


# ---- keyset pages ---------------------------------------------------------------------------


def encode_cursor(row: Mention) -> str:
    raw = f"{row.posted_at.astimezone(UTC).isoformat()}|{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(posted_at, id) of the last row shown; ValidationError for anything we did not give out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            raise ValueError(stamp)
        return at, int(pk)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise ValidationError({"cursor": _("The cursor is not valid.")}) from exc


def page(
    rows: QuerySet[Mention], *, after: str = "", size: int = PAGE_SIZE
) -> tuple[list[Mention], str]:
    """One page of rows (newest first) after the cursor, and the cursor of the next ("" at end)."""
    if after:
        at, pk = decode_cursor(after)
        rows = rows.filter(Q(posted_at__lt=at) | Q(posted_at=at, pk__lt=pk))
    found = list(with_matches(rows)[: size + 1])
    more = len(found) > size
    found = found[:size]
    return found, encode_cursor(found[-1]) if more and found else ""


def newer_than(rows: QuerySet[Mention], newest_id: int) -> int:
    """How many rows arrived after the one with this id (what the "N new" button counts)."""
    return rows.filter(pk__gt=newest_id).count()


# ---- highlights -----------------------------------------------------------------------------


def merge_spans(spans: Iterable[Sequence[int]], length: int) -> list[tuple[int, int]]:
    """Overlapping or touching [start, end) spans merged, clipped to the text, sorted."""
    cleaned = sorted(
        (max(0, int(s[0])), min(length, int(s[1])))
        for s in spans
        if len(s) == 2 and int(s[1]) > int(s[0])
    )
    merged: list[tuple[int, int]] = []
    for start, end in cleaned:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def spans_of(row: Mention, query_ids: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """The merged spans of the row's matches (only of these queries, when given)."""
    keep = set(query_ids) if query_ids is not None else None
    spans = [
        span
        for match in row.matches.all()
        if keep is None or match.query_id in keep
        for span in match.spans
        if isinstance(span, list | tuple)
    ]
    return merge_spans(spans, len(row.text))


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> SafeString:
    """The text escaped, with each span inside <mark>."""
    parts: list[str] = []
    at = 0
    for start, end in spans:
        parts.append(escape(text[at:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # noqa: S308  every piece is escaped above


def matched_queries(row: Mention) -> list[ListeningQuery]:
    return [match.query for match in row.matches.all()]


def alert_mentions(alert: Alert) -> QuerySet[Mention]:
    return with_matches(alert.mentions.order_by("-posted_at", "-id"))
