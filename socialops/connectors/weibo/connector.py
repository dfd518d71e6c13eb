"""Sina Weibo through Open API v2 (https://open.weibo.com/wiki/微博API).

Rules of the platform this connector enforces before calling (sources in errors.py and below):

- Third parties post with statuses/share (https://open.weibo.com/wiki/2/statuses/share): the text
  must contain at least one URL on the app's safe domain (安全域名, set in the app's settings),
  must not contain "#话题词#", is at most 140 characters, and takes at most one JPEG/GIF/PNG
  picture under 5 MB as the multipart field "pic".
- Posting is limited per user per app: 30 posts an hour at the normal authorisation level
  (https://open.weibo.com/wiki/Rate-limiting), so posts are kept at least 3600 / 30 = 120 s
  apart; config["posts_per_hour"] raises that for apps with a higher level.
- Weibo has no idempotency key. A post whose outcome is unknown is found again by a fingerprint of
  its text among the account's recent posts (statuses/user_timeline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from socialops.connectors import registry
from socialops.connectors.base import (
    AuthExpired,
    AuthKind,
    Capability,
    ConnectField,
    Connector,
    ConnectorError,
    InboxItem,
    InboxPage,
    Media,
    Metrics,
    OutcomeUnknown,
    Profile,
    PublishRequest,
    RateLimited,
    RemoteRef,
)
from socialops.core import clock
from socialops.core import text as core_text

from . import parse
from .client import API_BASE, DEFAULT_TIMEOUT, OAUTH_BASE, call, malformed
from .errors import PUBLISHED_SLOWLY

POSTS_PER_HOUR = 30  # normal authorisation level
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif"}
IMAGE_MAX_BYTES = 5 * 1024 * 1024
INBOX_PAGE_SIZE = 50
INBOX_MAX_PAGES = 5  # per stream and poll; Weibo suggests polling every 3–5 minutes
METRICS_BATCH = 100  # statuses/count takes at most 100 ids
RECONCILE_WINDOW = 50  # recent posts searched for an attempt whose outcome is unknown
CLOCK_SKEW = timedelta(minutes=5)


@registry.register
class WeiboConnector(Connector):
    code = "weibo"
    name = "Sina Weibo"
    auth_kind = AuthKind.OAUTH2
    text_rules = "weibo"
    capabilities = frozenset(
        {
            Capability.PUBLISH_TEXT,
            Capability.PUBLISH_IMAGE,
            Capability.PUBLISH_LINK,
            Capability.COMMENTS,
            Capability.MENTIONS,
            Capability.REPLY,
            Capability.METRICS,
            Capability.PROFILE_READ,
        }
    )
    connect_fields: ClassVar[tuple[ConnectField, ...]] = (
        ConnectField("app_key", "App Key"),
        ConnectField("app_secret", "App Secret", secret=True),
        ConnectField("safe_domain", "Safe domain (安全域名)", help="e.g. example.com"),
        ConnectField(
            "safe_domain_url",
            "Link on the safe domain",
            help="Appended to posts whose text has no link on the safe domain.",
        ),
    )

    def __init__(
        self, *, credentials: Mapping[str, Any], config: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(credentials=credentials, config=config)
        self.timeout = float(self.config.get("timeout", DEFAULT_TIMEOUT))
        # idempotency key → text fingerprint of attempts made through this instance
        self.attempts: dict[str, str] = {}
        self.last_post_at: datetime | None = _as_datetime(self.config.get("last_post_at"))

    # ---- connecting ------------------------------------------------------------------------

    def authorization_url(self, *, state: str, redirect_uri: str) -> str:
        params = {
            "client_id": self.config["app_key"],
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "state": state,
        }
        if self.config.get("scope"):
            params["scope"] = self.config["scope"]
        return f"{OAUTH_BASE}authorize?{urlencode(params)}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> dict[str, Any]:
        """oauth2/access_token, then oauth2/get_token_info to check the token is for our app."""
        token = call(
            "POST",
            f"{OAUTH_BASE}access_token",
            write=False,  # a lost answer only costs the person another click
            data={
                "client_id": self.config["app_key"],
                "client_secret": self.config["app_secret"],
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
            },
            timeout=self.timeout,
        )
        if not isinstance(token, Mapping) or not token.get("access_token"):
            raise malformed("Weibo's access_token answer has no access_token")
        info = call(
            "POST",
            f"{OAUTH_BASE}get_token_info",
            write=False,
            data={"access_token": token["access_token"]},
            timeout=self.timeout,
        )
        if not isinstance(info, Mapping):
            raise malformed("Weibo's get_token_info answer is not an object")
        if str(info.get("appkey")) != str(self.config["app_key"]):
            raise ConnectorError(
                "Weibo issued this token to another app", permanent=True, code="oauth_failed"
            )
        expires_in = _int(
            info.get("expire_in") or info.get("expires_in") or token.get("expires_in")
        )
        expires_at = clock.now() + timedelta(seconds=expires_in) if expires_in else None
        return {
            "access_token": token["access_token"],
            "uid": str(info.get("uid") or token.get("uid") or ""),
            "expires_at": expires_at.isoformat() if expires_at else "",
        }

    # ---- publishing ------------------------------------------------------------------------

    def share_text(self, request: PublishRequest) -> str:
        """The text statuses/share will get: the variant's, with the links Weibo requires."""
        text = request.text.strip()
        if request.link and request.link not in text:
            text = f"{text} {request.link}".strip()
        if not any(
            self._on_safe_domain(link.value) for link in core_text.check("weibo", text).links
        ):
            fallback = str(self.config.get("safe_domain_url") or "")
            if not self._on_safe_domain(fallback):
                raise ConnectorError(
                    "Weibo only accepts posts with a link on the app's safe domain (安全域名); "
                    "set the account's safe_domain_url",
                    permanent=True,
                    code="safe_domain_link_missing",
                )
            text = f"{text} {fallback}".strip()
        measured = core_text.check("weibo", text)
        if measured.topics:
            raise ConnectorError(
                "statuses/share does not accept #话题# topics in the text",
                permanent=True,
                code="content_rejected",
            )
        if measured.over:
            raise ConnectorError(
                f"the post is {measured.length} of Weibo's {measured.limit} characters "
                "(with the safe-domain link)",
                permanent=True,
                code="text_too_long",
            )
        return text

    def publish(self, request: PublishRequest, *, idempotency_key: str) -> RemoteRef:
        if request.article is not None or request.reply_to is not None:
            raise ConnectorError(
                "Weibo posts through statuses/share take text, a link and one picture only",
                permanent=True,
                code="unsupported",
            )
        token = self._access_token()
        self._respect_posting_limit()
        text = self.share_text(request)
        files = {"pic": _read_image(request.media)} if request.media else None
        data = {"access_token": token, "status": text}
        if self.config.get("rip"):
            data["rip"] = self.config["rip"]  # the real IP of the person posting, if known
        text_hash = parse.fingerprint(text)
        self.attempts[idempotency_key] = text_hash
        try:
            status = call(
                "POST",
                f"{API_BASE}statuses/share.json",
                write=True,
                data=data,
                files=files,
                timeout=self.timeout,
            )
        except ConnectorError as exc:
            if exc.platform_code == str(PUBLISHED_SLOWLY):
                raise OutcomeUnknown(f"Weibo accepted the post but is slow: {exc.message}") from exc
            raise
        self.last_post_at = clock.now()
        return parse.remote_ref(
            status, extra={"text_sha256": text_hash, "idempotency_key": idempotency_key}
        )

    def find_published(
        self,
        *,
        idempotency_key: str,
        since: datetime,
        request: PublishRequest | None = None,
    ) -> RemoteRef | None:
        """Search the account's recent posts for the text of the attempt under this key.

        Weibo has no idempotency key: the fingerprint of what was sent comes from the request,
        else this instance's attempts, else config["sent_text_sha256"][key].
        """
        text_hash = (
            parse.fingerprint(self.share_text(request))
            if request is not None
            else self.attempts.get(idempotency_key)
            or dict(self.config.get("sent_text_sha256") or {}).get(idempotency_key)
        )
        if not text_hash:
            raise ConnectorError(
                "cannot reconcile: the text sent under this key is unknown",
                permanent=True,
                code="reconcile_impossible",
            )
        timeline = self._get(
            "statuses/user_timeline.json",
            {"uid": self.credentials.get("uid", ""), "count": RECONCILE_WINDOW, "trim_user": 1},
        )
        for status in _list_of(timeline, "statuses"):
            posted_at = parse.created_at(status.get("created_at"))
            if (
                posted_at >= since - CLOCK_SKEW
                and parse.fingerprint(str(status.get("text") or "")) == text_hash
            ):
                return parse.remote_ref(
                    status, extra={"text_sha256": text_hash, "idempotency_key": idempotency_key}
                )
        return None

    def fetch_metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        ids = [ref.remote_id for ref in refs]
        found: list[Metrics] = []
        for start in range(0, len(ids), METRICS_BATCH):
            counts = self._get(
                "statuses/count.json", {"ids": ",".join(ids[start : start + METRICS_BATCH])}
            )
            if not isinstance(counts, list):
                raise malformed("Weibo's statuses/count answer is not a list")
            now = clock.now()
            found += [parse.metrics(count, collected_at=now) for count in counts]
        return found

    # ---- interaction -----------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        """Comments on our posts and posts that mention us, newest last, deduplicated."""
        since = _decode_cursor(cursor)
        comments, comments_more = self._stream("comments/to_me.json", "comments", since["comments"])
        mentions, mentions_more = self._stream(
            "statuses/mentions.json", "statuses", since["mentions"]
        )
        items: dict[tuple[str, str], InboxItem] = {}
        for comment in comments:
            item = parse.comment_item(comment)
            items[(item.kind, item.remote_id)] = item
        for status in mentions:
            item = parse.mention_item(status)
            items[(item.kind, item.remote_id)] = item
        newest = {
            "comments": max([since["comments"], *map(_numeric_id, comments)]),
            "mentions": max([since["mentions"], *map(_numeric_id, mentions)]),
        }
        ordered = sorted(items.values(), key=lambda item: (item.created_at, item.remote_id))
        return InboxPage(
            items=ordered, cursor=_encode_cursor(newest), has_more=comments_more or mentions_more
        )

    def reply(self, item: InboxItem, text: str, *, idempotency_key: str) -> RemoteRef:
        """comments/reply to a comment, comments/create on a post that mentions us."""
        token = self._access_token()
        measured = core_text.check("weibo", text)
        if measured.over:
            raise ConnectorError(
                f"the reply is {measured.length} of Weibo's {measured.limit} characters",
                permanent=True,
                code="text_too_long",
            )
        if item.kind == "comment":
            path = "comments/reply.json"
            data = {
                "access_token": token,
                "cid": item.remote_id,
                "id": item.thread_id,
                "comment": text,
            }
        elif item.kind == "mention":
            path = "comments/create.json"
            data = {"access_token": token, "id": item.remote_id, "comment": text}
        else:
            raise self._unsupported(Capability.DMS)
        if self.config.get("rip"):
            data["rip"] = self.config["rip"]
        comment = call("POST", f"{API_BASE}{path}", write=True, data=data, timeout=self.timeout)
        comment_id = parse.object_id(comment)
        status_id = item.thread_id or item.remote_id
        return RemoteRef(
            remote_id=comment_id,
            url=parse.status_url(status_id),
            published_at=parse.created_at(comment.get("created_at")),
            extra={"status_id": status_id, "idempotency_key": idempotency_key},
        )

    # ---- profile ---------------------------------------------------------------------------

    def fetch_profile(self) -> Profile:
        user = self._get("users/show.json", {"uid": self.credentials.get("uid", "")})
        return parse.profile(user)

    # ---- helpers ---------------------------------------------------------------------------

    def _access_token(self) -> str:
        token = str(self.credentials.get("access_token") or "")
        if not token:
            raise AuthExpired("no Weibo access token: connect the account")
        expires_at = _as_datetime(self.credentials.get("expires_at"))
        if expires_at is not None and expires_at <= clock.now():
            raise AuthExpired(f"the Weibo access token expired at {expires_at.isoformat()}")
        return token

    def _get(self, path: str, params: Mapping[str, Any]) -> Any:
        query = {"access_token": self._access_token(), **params}
        return call("GET", f"{API_BASE}{path}", write=False, params=query, timeout=self.timeout)

    def _stream(self, path: str, key: str, since_id: int) -> tuple[list[Any], bool]:
        """Every item newer than since_id, up to INBOX_MAX_PAGES pages (newest first)."""
        found: list[Any] = []
        for page in range(1, INBOX_MAX_PAGES + 1):
            params = {"since_id": since_id, "count": INBOX_PAGE_SIZE, "page": page}
            batch = _list_of(self._get(path, params), key)
            found += batch
            if len(batch) < INBOX_PAGE_SIZE:
                return found, False
        return found, True

    def _on_safe_domain(self, url: str) -> bool:
        safe = str(self.config.get("safe_domain") or "").lower().strip(".")
        if not safe:
            safe = (urlsplit(str(self.config.get("safe_domain_url") or "")).hostname or "").lower()
        host = (urlsplit(url).hostname or "").lower() if url else ""
        return bool(safe and host) and (host == safe or host.endswith(f".{safe}"))

    def _respect_posting_limit(self) -> None:
        """Keep posts POSTS_PER_HOUR apart on average, so Weibo never has to refuse one."""
        per_hour = int(self.config.get("posts_per_hour") or POSTS_PER_HOUR)
        gap = timedelta(seconds=3600 / per_hour)
        if self.last_post_at is None:
            return
        wait = (self.last_post_at + gap - clock.now()).total_seconds()
        if wait > 0:
            raise RateLimited(
                f"Weibo allows {per_hour} posts an hour: wait {wait:.0f} s after the last post",
                retry_after=wait,
            )


def _read_image(media: Sequence[Media]) -> tuple[str, bytes, str]:
    """The one picture statuses/share takes, as an httpx multipart file."""
    if len(media) > 1 or media[0].kind != "image":
        raise ConnectorError(
            "statuses/share takes one picture and no video",
            permanent=True,
            code="media_rejected",
        )
    image = media[0]
    if image.mime_type not in IMAGE_TYPES:
        raise ConnectorError(
            f"Weibo takes JPEG, PNG or GIF pictures, not {image.mime_type}",
            permanent=True,
            code="media_rejected",
        )
    path = Path(image.path)
    if path.is_absolute():
        content = path.read_bytes()
    else:
        from django.core.files.storage import default_storage

        with default_storage.open(image.path, "rb") as stored:
            content = stored.read()
    if len(content) >= IMAGE_MAX_BYTES:
        raise ConnectorError(
            "Weibo takes pictures under 5 MB", permanent=True, code="media_rejected"
        )
    return path.name, content, image.mime_type


def _list_of(body: Any, key: str) -> list[Any]:
    items = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise malformed(f"Weibo's answer has no {key!r} list")
    return items


def _encode_cursor(since: Mapping[str, int]) -> str:
    return f"comments:{since['comments']},mentions:{since['mentions']}"


def _decode_cursor(cursor: str | None) -> dict[str, int]:
    """The since_id of each stream; an empty cursor starts from the beginning."""
    since = {"comments": 0, "mentions": 0}
    for part in (cursor or "").split(","):
        if not part:
            continue
        name, _, value = part.partition(":")
        if name not in since or not value.isdigit():
            raise ConnectorError(
                f"not a Weibo inbox cursor: {cursor!r}", permanent=True, code="bad_cursor"
            )
        since[name] = int(value)
    return since


def _numeric_id(item: Any) -> int:
    remote_id = parse.object_id(item)
    if not remote_id.isdigit():
        raise malformed(f"Weibo sent a non-numeric id: {remote_id!r}")
    return int(remote_id)


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
