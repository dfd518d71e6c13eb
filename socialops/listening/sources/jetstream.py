"""Bluesky posts from Jetstream, the firehose as JSON over a websocket.

Config: ``url`` (default the public ``jetstream2.us-east`` instance), ``keywords`` (optional: only
posts containing one of them, case-insensitively, go on to the pipeline; the rest are passed
over here, cheaply). The cursor is the ``time_us`` of the last event handled: Jetstream replays
from a cursor, so a reconnect (within the run, or the next run) resumes where we were; the events
at that very microsecond come again and the pipeline dedupes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _
from websockets.exceptions import InvalidHandshake, WebSocketException
from websockets.sync.client import ClientConnection, connect

from socialops.channels.models import Channel
from socialops.listening.incoming import IncomingPost
from socialops.listening.models import Source, SourceKind

from . import Item, Reader, Skip, SourceError, register

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
COLLECTION = "app.bsky.feed.post"
TICK = 1.0  # seconds a quiet stream waits before handing back a heartbeat
RECONNECTS = 3  # drops in a row before the run gives up (the runner records it, retries later)
RECONNECT_WAIT = 1.0
MAX_MESSAGE = 2**20


def subscribe_url(base: str, cursor: str) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise SourceError(_("The Jetstream URL must start with wss:// (or ws://)"), field="url")
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("cursor", "wantedCollections")]
    query.append(("wantedCollections", COLLECTION))
    if cursor:
        query.append(("cursor", cursor))
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path or "/subscribe", urlencode(query), "")
    )


def post_of(event: Mapping[str, Any]) -> IncomingPost | None:
    """A created post as an IncomingPost; None for every other event (deletes, identities…)."""
    commit = event.get("commit")
    if event.get("kind") != "commit" or not isinstance(commit, Mapping):
        return None
    if commit.get("operation") != "create" or commit.get("collection") != COLLECTION:
        return None
    record = commit.get("record")
    did, rkey = str(event.get("did") or ""), str(commit.get("rkey") or "")
    if not isinstance(record, Mapping) or not did or not rkey:
        raise ValueError("a post event without did, rkey or record")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("a post record without text")
    langs = record.get("langs")
    return IncomingPost(
        platform="bluesky",
        remote_id=f"at://{did}/{COLLECTION}/{rkey}",
        text=text,
        posted_at=_posted_at(record.get("createdAt"), event.get("time_us")),
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author_remote_id=did,
        author_handle=did,
        lang=str(langs[0]) if isinstance(langs, list) and langs else "",
        raw={"did": did, "rkey": rkey, "time_us": event.get("time_us"), "cid": commit.get("cid")},
    )


def _posted_at(created: Any, time_us: Any) -> datetime:
    if isinstance(created, str):
        try:
            moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                return moment
        except ValueError:
            pass
    return datetime.fromtimestamp(int(time_us) / 1_000_000, tz=UTC)


def keywords_of(config: Mapping[str, Any]) -> list[str]:
    raw = config.get("keywords") or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, Sequence) or not all(isinstance(k, str) for k in raw):
        raise SourceError(_("keywords must be a list of words"), field="keywords")
    return [k.strip().casefold() for k in raw if k.strip()]


@register
class JetstreamReader(Reader):
    kind = SourceKind.JETSTREAM
    streaming = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.socket: ClientConnection | None = None
        self.connects = 0  # connections opened during this run (1 + reconnects)

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    @classmethod
    def check(cls, config: Mapping[str, Any], channel: Channel | None) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        if config.get("url"):
            subscribe_url(str(config["url"]), "")
            cleaned["url"] = str(config["url"]).strip()
        keywords = keywords_of(config)
        if keywords:
            cleaned["keywords"] = keywords
        return cleaned

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        config = source.config or {}
        base = str(config.get("url") or DEFAULT_URL)
        keywords = keywords_of(config)
        if cursor and not cursor.isdigit():
            raise SourceError(
                _("A Jetstream cursor is a time in microseconds, not %(cursor)s")
                % {"cursor": cursor}
            )
        drops = 0
        while not self.budget.over():
            try:
                session = self._session(subscribe_url(base, cursor), cursor, keywords)
                for item, after in session:
                    drops, cursor = 0, after
                    yield item, after
                return  # out of budget
            except (WebSocketException, OSError) as error:
                self.close()
                if isinstance(error, InvalidHandshake):
                    raise  # refused outright (bad URL, 4xx): the runner records it
                drops += 1
                if drops > RECONNECTS:
                    raise
                self.budget.wait(RECONNECT_WAIT)

    def _session(self, url: str, cursor: str, keywords: list[str]) -> Iterator[tuple[Item, str]]:
        with connect(
            url, open_timeout=10, close_timeout=2, max_size=MAX_MESSAGE, compression=None
        ) as socket:
            self.socket = socket
            self.connects += 1
            while not self.budget.over():
                try:
                    message = socket.recv(timeout=min(TICK, max(0.01, self.budget.left())))
                except TimeoutError:
                    yield Skip.TICK, cursor
                    continue
                yield self._event(message, keywords, cursor)
                cursor = self._last
        self.socket = None

    _last: str = ""

    def _event(self, message: str | bytes, keywords: list[str], cursor: str) -> tuple[Item, str]:
        self._last = cursor
        try:
            event = json.loads(message)
            time_us = str(int(event["time_us"]))
        except (ValueError, KeyError, TypeError):
            return Skip("an unreadable Jetstream message"), cursor
        self._last = time_us
        try:
            post = post_of(event)
        except (ValueError, TypeError) as error:
            return Skip(f"event at {time_us}: {error}"), time_us
        if post is None:
            return Skip("", counted=False), time_us
        if keywords:
            folded = post.text.casefold()
            if not any(k in folded for k in keywords):
                return Skip("", counted=False), time_us
        return post, time_us
