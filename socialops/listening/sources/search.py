"""Platform search: each active query of the workspace, through the channel connector's search.

A query is reduced to the plain terms a post must contain one of (``matcher.required``: OR takes
every side, AND its rarest side); each term is searched since the query's last post. The cursor
is JSON: per query id, the newest post time seen and the ids seen at that very time (so posts
sharing that second are neither lost nor counted twice). When one term's answer is long enough
to have been cut at the platform's page size, the query's mark moves no further than that
answer's newest post, so the posts after it are read next run rather than skipped. No cursor
yet: ``backfill_hours`` (config, default 24) back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from socialops.channels.models import Channel
from socialops.core.clock import now
from socialops.listening.matcher import required
from socialops.listening.models import ListeningQuery, Source, SourceKind
from socialops.listening.query import QuerySyntaxError, parse

from . import Item, Reader, Skip, SourceError, backfill_hours, register
from .sandbox import incoming

DEFAULT_BACKFILL_HOURS = 24.0
MAX_TERMS = 10  # searches per query and run: a query that needs more is searched by its first
FULL_ANSWER = 20  # an answer this long may have been cut at the platform's page size


def terms_of(text: str) -> list[str]:
    """The plain search terms of a query (any one of them may find a match); [] for none."""
    try:
        query = parse(text)
    except QuerySyntaxError:
        return []
    needed = required(query.root)
    if not needed:
        return []
    words = sorted({literal.text for literal in needed})
    return [f'"{word}"' if " " in word else word for word in words][:MAX_TERMS]


def load_cursor(cursor: str) -> dict[str, dict[str, Any]]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        raise SourceError(_("A search cursor is JSON")) from None
    if not isinstance(data, dict):
        raise SourceError(_("A search cursor is a JSON object"))
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def _time(raw: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@register
class SearchReader(Reader):
    kind = SourceKind.SEARCH

    @classmethod
    def check(cls, config: Mapping[str, Any], channel: Channel | None) -> dict[str, Any]:
        from socialops.channels.actions import connector_class_or_none
        from socialops.connectors.base import Capability

        found = connector_class_or_none(channel.connector) if channel is not None else None
        if found is None or Capability.SEARCH not in found.capabilities:
            raise SourceError(_("A search source needs a channel that can search"), field="channel")
        return {"backfill_hours": backfill_hours(config, DEFAULT_BACKFILL_HOURS)}

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        from socialops.channels.actions import connector_for

        if source.channel is None:
            raise SourceError(_("A search source needs a channel to search with"), field="channel")
        state = load_cursor(cursor)
        hours = backfill_hours(source.config or {}, DEFAULT_BACKFILL_HOURS)
        start = now() - timedelta(hours=hours)
        queries = ListeningQuery.objects.filter(workspace_id=source.workspace_id, active=True)
        platform = source.channel.connector  # the same ids as its stream: "sandbox", "mastodon"…
        with connector_for(source.channel) as connector:
            for query in queries.order_by("pk"):
                key = str(query.pk)
                mark = state.get(key, {})
                since = _time(mark.get("t")) or start
                seen_at_since = set(mark.get("ids") or [])
                found: dict[str, Any] = {}
                horizon: datetime | None = None  # a full answer may stop short: not beyond it
                for term in terms_of(query.text):
                    answer = [
                        p for p in connector.search(term, since=since) if p.created_at >= since
                    ]
                    if len(answer) >= FULL_ANSWER:
                        last = max(p.created_at for p in answer)
                        horizon = last if horizon is None else min(horizon, last)
                    for post in answer:
                        if post.created_at == since and post.remote_id in seen_at_since:
                            continue
                        found.setdefault(post.remote_id, post)
                    if self.budget.over():
                        break
                ordered = sorted(found.values(), key=lambda p: (p.created_at, p.remote_id))
                if horizon is not None:  # the rest comes next run, after the other terms' posts
                    ordered = [p for p in ordered if p.created_at <= horizon]
                for post in ordered:
                    if post.created_at > since:
                        since, seen_at_since = post.created_at, set()
                    seen_at_since.add(post.remote_id)
                    state[key] = {"t": since.isoformat(), "ids": sorted(seen_at_since)}
                    yield incoming(post, platform), json.dumps(state, sort_keys=True)
                if key not in state:  # nothing yet: start this query's clock now
                    state[key] = {"t": since.isoformat(), "ids": []}
                    yield Skip("", counted=False), json.dumps(state, sort_keys=True)
                if self.budget.over():
                    return
