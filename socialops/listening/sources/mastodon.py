"""Mastodon public statuses: a hashtag timeline polled, or the streaming API with polling behind.

Config: ``instance`` (https://host; or the channel's instance when the source has a Mastodon
channel, whose token is then sent), ``hashtag`` (without #; without it the stream reads the
public timeline, ``local``: true for the local one). The cursor is the newest status id seen.

``mastodon_tag`` pages forward with ``min_id`` (the statuses right after the cursor) until it is
caught up. ``mastodon_stream`` first catches up the same way, then listens to the server-sent
events of ``/api/v1/streaming/hashtag?tag=`` (or ``/public``); when the stream drops, or the
instance refuses streaming, it goes back to polling from the cursor, so nothing is missed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx
from django.utils.translation import gettext as _

from socialops.channels.models import Channel
from socialops.connectors.base import PublicPost
from socialops.connectors.mastodon import inbox
from socialops.connectors.mastodon.client import USER_AGENT, need
from socialops.connectors.mastodon.connector import instance_base_url
from socialops.listening.models import Source, SourceKind

from . import Item, Reader, Skip, SourceError, register
from .sandbox import incoming

PAGE = 40  # Mastodon's maximum page size for timelines
MAX_PAGES = 50  # per catch-up
POLL_EVERY = 30.0  # seconds between polls when the stream is unavailable
RETRY_STREAM = 5.0  # seconds before reconnecting a dropped stream
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
STREAM_TIMEOUT = httpx.Timeout(5.0, read=45.0)  # Mastodon sends a heartbeat every ~10-15 s


def status_post(status: Mapping[str, Any]) -> PublicPost:
    """A Mastodon status entity as a PublicPost (HTML content stripped to text)."""
    return PublicPost(
        remote_id=str(need(status, "id")),
        text=inbox.plain_text(str(status.get("content") or "")),
        author=inbox.author_of(status["account"]),
        created_at=inbox._when(need(status, "created_at")),
        url=str(status.get("url") or status.get("uri") or ""),
        lang=str(status.get("language") or ""),
        reposts=status.get("reblogs_count"),
        likes=status.get("favourites_count"),
        raw=inbox.json_safe(status),
    )


def hashtag_of(config: Mapping[str, Any]) -> str:
    tag = str(config.get("hashtag") or "").strip().lstrip("#")
    if any(c.isspace() or c in "/?#&" for c in tag):
        raise SourceError(_("A hashtag is one word, without #"), field="hashtag")
    return tag


def newest(a: str, b: str) -> str:
    return b if not a or inbox.newer(b, a) else a


class _Mastodon(Reader):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http: httpx.Client | None = None

    def close(self) -> None:
        if self.http is not None:
            self.http.close()

    def _connect(self, source: Source) -> tuple[str, dict[str, str]]:
        config = source.config or {}
        headers = {"User-Agent": USER_AGENT}
        instance = str(config.get("instance") or "")
        channel = source.channel
        if channel is not None and channel.connector == "mastodon":
            from socialops.channels.actions import credentials_of

            credentials = credentials_of(channel)
            instance = instance or str(credentials.get("instance") or "")
            if credentials.get("access_token"):
                headers["Authorization"] = f"Bearer {credentials['access_token']}"
        if not instance:
            raise SourceError(_("A Mastodon source needs an instance URL"), field="instance")
        try:
            base = instance_base_url(instance)
        except Exception as error:  # the connector's own validation message
            raise SourceError(str(getattr(error, "message", error)), field="instance") from None
        self.http = httpx.Client(headers=headers, timeout=TIMEOUT, follow_redirects=False)
        return base, headers

    @staticmethod
    def hashtag(source: Source) -> str:
        return hashtag_of(source.config or {})

    @classmethod
    def check(cls, config: Mapping[str, Any], channel: Channel | None) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        instance = str(config.get("instance") or "").strip()
        if instance:
            try:
                cleaned["instance"] = instance_base_url(instance)
            except Exception as error:  # the connector's own validation message
                message = str(getattr(error, "message", error))
                raise SourceError(message, field="instance") from None
        elif channel is None or channel.connector != "mastodon":
            raise SourceError(_("A Mastodon source needs an instance URL"), field="instance")
        tag = hashtag_of(config)
        if tag:
            cleaned["hashtag"] = tag
        elif cls.kind == SourceKind.MASTODON_TAG:
            raise SourceError(_("A hashtag timeline needs a hashtag"), field="hashtag")
        if config.get("local"):
            cleaned["local"] = True
        return cleaned

    def timeline_path(self, source: Source) -> str:
        tag = self.hashtag(source)
        if tag:
            return f"/api/v1/timelines/tag/{quote(tag)}"
        return "/api/v1/timelines/public"

    def catch_up(
        self, base: str, path: str, source: Source, cursor: str
    ) -> Iterator[tuple[Item, str]]:
        """Every status after ``cursor``, oldest first; with no cursor, the newest page."""
        assert self.http is not None  # noqa: S101 - _connect ran
        params: dict[str, Any] = {"limit": PAGE}
        if (source.config or {}).get("local"):
            params["local"] = "true"
        for _page in range(MAX_PAGES):
            if cursor:
                params["min_id"] = cursor
            response = self.http.get(base + path, params=params)
            check(response)
            statuses = response.json()
            if not isinstance(statuses, list):
                raise SourceError(_("The instance answered the timeline with something else"))
            ordered = sorted(
                (s for s in statuses if isinstance(s, dict) and s.get("id")),
                key=lambda s: inbox._id_key(str(s["id"])),
            )
            for status in ordered:
                cursor = newest(cursor, str(status["id"]))
                yield from _one(status, cursor)
            if len(statuses) < PAGE or not cursor or self.budget.over():
                return


def _one(status: Mapping[str, Any], cursor: str) -> Iterator[tuple[Item, str]]:
    try:
        post = status_post(status)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        yield Skip(f"status {status.get('id')}: {error!r}"), cursor
        return
    yield incoming(post, "mastodon"), cursor


def check(response: httpx.Response) -> None:
    if response.status_code >= 400:
        try:
            message = str(response.json().get("error") or "")
        except ValueError:
            message = ""
        raise httpx.HTTPStatusError(
            f"{response.status_code} from {response.request.url.path}: {message}".rstrip(": "),
            request=response.request,
            response=response,
        )


@register
class MastodonTagReader(_Mastodon):
    kind = SourceKind.MASTODON_TAG

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        if not self.hashtag(source):
            raise SourceError(_("A hashtag timeline needs a hashtag"), field="hashtag")
        base, _headers = self._connect(source)
        yield from self.catch_up(base, self.timeline_path(source), source, cursor)


@register
class MastodonStreamReader(_Mastodon):
    kind = SourceKind.MASTODON_STREAM
    streaming = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disconnects = 0  # streams that dropped during this run (each followed by a poll)

    def stream_path(self, source: Source) -> tuple[str, dict[str, str]]:
        tag = self.hashtag(source)
        if tag:
            return "/api/v1/streaming/hashtag", {"tag": tag}
        local = bool((source.config or {}).get("local"))
        return ("/api/v1/streaming/public/local" if local else "/api/v1/streaming/public"), {}

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        base, headers = self._connect(source)
        timeline = self.timeline_path(source)
        path, params = self.stream_path(source)
        streaming = True
        while not self.budget.over():
            for item, after in self.catch_up(base, timeline, source, cursor):
                cursor = after
                yield item, after
            if self.budget.over():
                return
            if not streaming:
                self.budget.wait(POLL_EVERY)
                continue
            try:
                yield from self._listen(base + path, params, headers, cursor)
            except httpx.HTTPStatusError as error:
                if error.response.status_code in (401, 403, 404, 410, 501):
                    streaming = False  # this instance does not stream to us: poll instead
                    continue
                self.disconnects += 1
            except (httpx.TransportError, httpx.StreamError):
                self.disconnects += 1
            if not self.budget.over():  # dropped: poll from the cursor, then reconnect
                self.budget.wait(RETRY_STREAM)
            cursor = self.cursor

    def _listen(
        self, url: str, params: dict[str, str], headers: dict[str, str], cursor: str
    ) -> Iterator[tuple[Item, str]]:
        assert self.http is not None  # noqa: S101 - _connect ran
        self.cursor = cursor
        with self.http.stream(
            "GET",
            url,
            params=params,
            headers={"Accept": "text/event-stream"},
            timeout=STREAM_TIMEOUT,
        ) as response:
            if response.status_code >= 400:
                response.read()
                check(response)
            event, data = "", []
            for line in response.iter_lines():
                if line.startswith(":"):  # heartbeat
                    yield Skip.TICK, self.cursor
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
                elif not line:
                    if event == "update" and data:
                        yield from self._update("\n".join(data))
                    event, data = "", []
                if self.budget.over():
                    return
        raise httpx.StreamError("the stream ended")  # the server closed it: poll, reconnect

    def _update(self, payload: str) -> Iterator[tuple[Item, str]]:
        try:
            status = json.loads(payload)
            status_id = str(status["id"])
        except (ValueError, KeyError, TypeError):
            yield Skip("an unreadable streamed status"), self.cursor
            return
        if self.cursor and not inbox.newer(status_id, self.cursor):
            return  # already read (by the catch-up poll)
        self.cursor = status_id
        yield from _one(status, status_id)

    cursor: str = ""
