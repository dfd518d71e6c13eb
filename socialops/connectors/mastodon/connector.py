"""Mastodon: one account on one instance, through Mastodon.py (see client.py for the transport).

Config (stored by the caller, not secret except as noted):
  instance_url   https://host of the instance, no path
  client_id, client_secret, redirect_uri
                 this app's registration on the instance; authorization_url() registers it
                 when missing and registered_app() hands it back for the caller to store
                 (client_secret also travels in the credentials, which are encrypted)
  limits         optional instance_limits() saved at connect time; fetched when absent
Credentials (from exchange_code): access_token, account_id, acct, instance, client_id,
client_secret, scope.

Idempotency: publish() and reply() send the caller's key as Idempotency-Key. Mastodon keeps a
key for one hour: a retry with the same key inside that hour returns the original status instead
of posting again. After the hour the key protects nothing, so reconcile with find_published()
(which reads the account's own recent statuses) before retrying an OutcomeUnknown.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import httpx
from django.core.files.storage import default_storage
from mastodon import Mastodon

from socialops.connectors import registry
from socialops.connectors.base import (
    AuthKind,
    Capability,
    ConnectField,
    Connector,
    ConnectorError,
    InboxItem,
    InboxPage,
    Media,
    Metrics,
    Profile,
    PublicPost,
    PublishRequest,
    RemoteRef,
)
from socialops.core import clock
from socialops.core import text as core_text

from . import client, inbox

APP_NAME = "SocialOps"
SCOPES = ("read", "write", "follow")
PAGE = 40  # the largest page Mastodon serves for statuses, notifications and conversations
RECONCILE_PAGES = 5
CLOCK_SKEW = timedelta(minutes=2)
PROFILE_FIELDS = {"website": "Website", "location": "Location"}
_REMOTE_MENTION = re.compile(r"(?<![\w/])(@[\w.-]+)@[\w.-]+\.\w+")
_SPACES = re.compile(r"\s+")


def instance_base_url(raw: str) -> str:
    """Validate an instance URL: https, a host, nothing after it. Returns https://host[:port]."""
    parts = urlsplit((raw or "").strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ConnectorError(
            "The instance URL must start with https:// and name a host",
            permanent=True,
            code="invalid_config",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ConnectorError(
            "The instance URL must be only https://host, without a path",
            permanent=True,
            code="invalid_config",
        )
    return f"https://{parts.netloc.lower()}"


def _comparable(text: str) -> str:
    """Text as Mastodon renders it back: mentions without domain, whitespace collapsed."""
    text = unicodedata.normalize("NFC", _REMOTE_MENTION.sub(r"\1", text))
    return _SPACES.sub(" ", text).strip()


@registry.register
class MastodonConnector(Connector):
    code = "mastodon"
    name = "Mastodon"
    auth_kind = AuthKind.OAUTH2
    connect_fields = (
        ConnectField("instance_url", "Instance URL", help="https://mastodon.social, no path"),
    )
    capabilities = frozenset(
        {
            Capability.PUBLISH_TEXT,
            Capability.PUBLISH_IMAGE,
            Capability.PUBLISH_LINK,
            Capability.DELETE,
            Capability.COMMENTS,
            Capability.MENTIONS,
            Capability.DMS,
            Capability.REPLY,
            Capability.FOLLOW,
            Capability.SEARCH,
            Capability.METRICS,
            Capability.PROFILE_READ,
            Capability.PROFILE_UPDATE,
        }
    )
    text_rules = "mastodon"

    media_poll_delays: ClassVar[tuple[float, ...]] = (1, 2, 3, 5, 8, 13)

    def __init__(
        self, *, credentials: Mapping[str, Any], config: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(credentials=credentials, config=config)
        self.base_url = instance_base_url(
            self.credentials.get("instance") or self.config.get("instance_url", "")
        )
        self._http: httpx.Client | None = None
        self._api: tuple[Mastodon, client.HttpxAdapter] | None = None
        self._limits: dict[str, Any] | None = self.config.get("limits") or None
        self._new_app: dict[str, str] | None = None

    # ---- plumbing ---------------------------------------------------------------------------

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                timeout=client.TIMEOUT, headers={"User-Agent": client.USER_AGENT}
            )
        return self._http

    def _client(self) -> tuple[Mastodon, client.HttpxAdapter]:
        if self._api is None:
            token = self.credentials.get("access_token")
            self._api = client.make_api(self.base_url, self.http, access_token=token)
        return self._api

    def _call(self, method: str, *args: Any, creates: bool = False, **kwargs: Any) -> Any:
        api, adapter = self._client()
        with client.calling(adapter, creates=creates):
            return getattr(api, method)(*args, **kwargs)

    @property
    def account_id(self) -> str:
        return str(self.credentials.get("account_id", ""))

    # ---- connecting -------------------------------------------------------------------------

    def authorization_url(self, *, state: str, redirect_uri: str) -> str:
        """Where to send the person; registers the app on the instance first if needed."""
        client_id = self.config.get("client_id")
        if not client_id or self.config.get("redirect_uri") != redirect_uri:
            self._new_app = self._register_app(redirect_uri)
            client_id = self._new_app["client_id"]
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(SCOPES),
                "state": state,
            }
        )
        return f"{self.base_url}/oauth/authorize?{query}"

    def registered_app(self) -> dict[str, str] | None:
        """The app registration authorization_url() just made: merge it into the config."""
        return dict(self._new_app) if self._new_app else None

    def _register_app(self, redirect_uri: str) -> dict[str, str]:
        # httpx, not Mastodon.create_app: that reads any answer as success (a 422 becomes a
        # KeyError) and turns every failure into one network error.
        body = self._post_form(
            "/api/v1/apps",
            {
                "client_name": APP_NAME,
                "redirect_uris": redirect_uri,
                "scopes": " ".join(SCOPES),
            },
            required=("client_id", "client_secret"),
        )
        return {
            "client_id": str(body["client_id"]),
            "client_secret": str(body["client_secret"]),
            "redirect_uri": redirect_uri,
        }

    def exchange_code(self, *, code: str, redirect_uri: str) -> dict[str, Any]:
        app = self._new_app or self.config
        if not app.get("client_id") or not app.get("client_secret"):
            raise ConnectorError(
                "No app registered on this instance: start the connection again",
                permanent=True,
                code="invalid_config",
            )
        # httpx, not Mastodon.log_in: log_in reports a 5xx or a timeout as an invalid code.
        token = self._post_form(
            "/oauth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "redirect_uri": redirect_uri,
                "scope": " ".join(SCOPES),
            },
            required=("access_token",),
            oauth=True,
        )
        self.credentials = {"access_token": str(token["access_token"])}
        self._api = None
        me = self._call("account_verify_credentials")
        host = urlsplit(self.base_url).netloc
        return {
            "access_token": str(token["access_token"]),
            "scope": str(token.get("scope", "")),
            "account_id": str(me["id"]),
            "acct": f"{me['username']}@{host}",
            "instance": self.base_url,
            "client_id": str(app["client_id"]),
            "client_secret": str(app["client_secret"]),
        }

    def _post_form(
        self, path: str, data: dict[str, str], *, required: tuple[str, ...], oauth: bool = False
    ) -> dict[str, Any]:
        try:
            response = self.http.post(self.base_url + path, data=data)
        except httpx.TransportError as exc:
            raise client.network_error(exc, creates=False) from exc
        if oauth and response.status_code in (400, 401):
            # invalid_grant / invalid_client: the code or the app is wrong, not the account
            raise ConnectorError(
                client._error_message(response),
                permanent=True,
                code="oauth_rejected",
                platform_code=str(response.status_code),
            )
        body = client.check(response)
        missing = [key for key in required if not body.get(key)]
        if missing:
            raise client.malformed(f"{path} answered without {', '.join(missing)}", creates=False)
        return body

    def instance_limits(self) -> dict[str, Any]:
        """The instance's posting limits from GET /api/v2/instance (cached per connector)."""
        if self._limits is None:
            info = self._call("instance_v2")
            with client.calling(self._client()[1]):
                statuses = info["configuration"]["statuses"]
                media = info["configuration"].get("media_attachments") or {}
                self._limits = {
                    "max_characters": int(statuses["max_characters"]),
                    "characters_reserved_per_url": int(
                        statuses.get("characters_reserved_per_url") or 23
                    ),
                    "max_media_attachments": int(statuses.get("max_media_attachments") or 4),
                    "image_size_limit": int(media.get("image_size_limit") or 0),
                    "supported_mime_types": list(media.get("supported_mime_types") or ()),
                }
        return dict(self._limits)

    # ---- publishing -------------------------------------------------------------------------

    def check_text(self, text: str) -> core_text.TextCheck:
        limits = self.instance_limits()
        url_length = limits["characters_reserved_per_url"]
        if url_length != 23:
            return core_text.check_mastodon(
                text, limit=limits["max_characters"], url_length=url_length
            )
        return core_text.check("mastodon", text, limit=limits["max_characters"])

    def _refuse_long(self, text: str) -> None:
        checked = self.check_text(text)
        if checked.over:
            raise ConnectorError(
                f"{checked.length} characters; this instance allows {checked.limit}",
                permanent=True,
                code="text_too_long",
            )

    def publish(self, request: PublishRequest, *, idempotency_key: str) -> RemoteRef:
        """Post a public status; Idempotency-Key dedupes retries for one hour."""
        if request.article is not None:
            raise self._unsupported(Capability.PUBLISH_ARTICLE)
        if any(media.kind != "image" for media in request.media):
            raise self._unsupported(Capability.PUBLISH_VIDEO)
        body = self._status_text(request)
        self._refuse_long(body)
        limit = self.instance_limits()["max_media_attachments"]
        if len(request.media) > limit:
            raise ConnectorError(
                f"{len(request.media)} images; this instance allows {limit}",
                permanent=True,
                code="too_many_media",
            )
        media_ids = [self._upload(media) for media in request.media]
        status = self._call(
            "status_post",
            body,
            in_reply_to_id=request.reply_to.remote_id if request.reply_to else None,
            media_ids=media_ids or None,
            visibility="public",
            idempotency_key=idempotency_key,
            creates=True,
        )
        return self._ref(status)

    @staticmethod
    def _status_text(request: PublishRequest) -> str:
        if request.link and request.link not in request.text:
            return f"{request.text}\n\n{request.link}".strip()
        return request.text

    def _ref(self, status: Mapping[str, Any]) -> RemoteRef:
        with client.calling(self._client()[1], creates=True):
            return RemoteRef(
                remote_id=str(client.need(status, "id")),
                url=str(status.get("url") or status.get("uri") or ""),
                published_at=inbox._when(client.need(status, "created_at")),
                extra={"visibility": str(status.get("visibility", ""))},
            )

    def _upload(self, media: Media) -> str:
        """POST /api/v2/media with the alt text, then wait until the server has processed it."""
        with default_storage.open(media.path, "rb") as source:
            data = source.read()
        attachment = self._call(
            "media_post",
            io.BytesIO(data),
            mime_type=media.mime_type,
            description=media.alt or None,
        )
        media_id = str(attachment["id"])
        if attachment.get("url"):
            return media_id
        for delay in self.media_poll_delays:
            time.sleep(delay)
            if self._media_ready(media_id):
                return media_id
        raise ConnectorError(
            "The instance is still processing the image", permanent=False, code="media_processing"
        )

    def _media_ready(self, media_id: str) -> bool:
        # httpx, not Mastodon.media(): it cannot tell 206 (still processing) from 200 and fails
        # on the empty 206 body the API documents.
        try:
            response = self.http.get(
                f"{self.base_url}/api/v1/media/{media_id}",
                headers={"Authorization": f"Bearer {self.credentials.get('access_token', '')}"},
            )
        except httpx.TransportError as exc:
            raise client.network_error(exc, creates=False) from exc
        if response.status_code == 206:
            return False
        return bool(client.check(response).get("url"))

    def find_published(
        self,
        *,
        idempotency_key: str,
        since: datetime,
        request: PublishRequest | None = None,
    ) -> RemoteRef | None:
        """The status an unknown-outcome publish made, matched by text among our recent posts.

        The Idempotency-Key cannot be looked up (only re-sent, which would post), so this needs
        the request that was attempted.
        """
        if request is None:
            raise ConnectorError(
                "Mastodon reconciliation needs the attempted request to match its text",
                permanent=True,
                code="reconcile_needs_request",
            )
        wanted = _comparable(self._status_text(request))
        reply_to = request.reply_to.remote_id if request.reply_to else ""
        oldest = since - CLOCK_SKEW
        max_id = None
        for _ in range(RECONCILE_PAGES):
            statuses = self._call(
                "account_statuses",
                self.account_id,
                limit=PAGE,
                max_id=max_id,
                exclude_reblogs=True,
            )
            for status in statuses:
                if inbox._when(status["created_at"]) < oldest:
                    return None
                if (
                    _comparable(inbox.plain_text(status.get("content", ""))) == wanted
                    and str(status.get("in_reply_to_id") or "") == reply_to
                    and len(status.get("media_attachments") or ()) == len(request.media)
                ):
                    return self._ref(status)
            if len(statuses) < PAGE:
                return None
            max_id = statuses[-1]["id"]
        return None

    def delete(self, ref: RemoteRef) -> None:
        try:
            self._call("status_delete", ref.remote_id)
        except ConnectorError as exc:
            if exc.code != "not_found":  # already gone is what we wanted
                raise

    def fetch_metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        found = []
        for ref in refs:
            try:
                status = self._call("status", ref.remote_id)
            except ConnectorError as exc:
                if exc.code != "not_found":
                    raise
                found.append(Metrics(ref.remote_id, clock.now(), extra={"deleted": True}))
                continue
            with client.calling(self._client()[1]):
                found.append(
                    Metrics(
                        remote_id=ref.remote_id,
                        collected_at=clock.now(),
                        likes=int(status["favourites_count"]),
                        reposts=int(status["reblogs_count"]),
                        comments=int(status["replies_count"]),
                    )
                )
        return found

    # ---- interaction ------------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        """Mentions and comments from notifications, DMs from conversations, since the cursor."""
        state = inbox.Cursor.decode(cursor)
        notifications = self._call(
            "notifications", types=["mention"], min_id=state.notification_id or None, limit=PAGE
        )
        conversations = self._call("conversations", limit=PAGE)
        items: dict[str, InboxItem] = {}
        with client.calling(self._client()[1]):
            for notification in notifications:
                if state.notification_id == "" or inbox.newer(
                    str(notification["id"]), state.notification_id
                ):
                    state.notification_id = str(notification["id"])
                status = notification.get("status")
                if not status or status.get("visibility") == "direct":
                    continue  # direct mentions arrive through their conversation
                item = inbox.mention_item(notification, account_id=self.account_id)
                items.setdefault(item.remote_id, item)
            for conversation in conversations:
                last = conversation.get("last_status")
                if not last:
                    continue
                conversation_id, last_id = str(conversation["id"]), str(last["id"])
                seen = state.conversations.get(conversation_id, "")
                state.conversations[conversation_id] = max(seen, last_id, key=inbox._id_key)
                if seen and not inbox.newer(last_id, seen):
                    continue
                if str(last["account"]["id"]) == self.account_id:
                    continue  # our own answer is not an incoming message
                item = inbox.dm_item(conversation)
                items.setdefault(item.remote_id, item)
        ordered = sorted(items.values(), key=lambda item: item.created_at)
        return InboxPage(items=ordered, cursor=state.encode(), has_more=len(notifications) >= PAGE)

    def reply(self, item: InboxItem, text: str, *, idempotency_key: str) -> RemoteRef:
        """Answer in the same visibility, addressed to the author (DMs stay direct)."""
        if item.kind == "dm":
            visibility = "direct"
        else:
            original = item.raw.get("status") or {}
            visibility = original.get("visibility") or "public"
            if visibility == "direct":
                visibility = "public"
        handle = f"@{item.author.handle}"
        body = text if handle.lower() in text.lower() else f"{handle} {text}"
        self._refuse_long(body)
        status = self._call(
            "status_post",
            body,
            in_reply_to_id=item.remote_id,
            visibility=visibility,
            idempotency_key=idempotency_key,
            creates=True,
        )
        return self._ref(status)

    def follow(self, handle: str) -> None:
        acct = handle.strip().lstrip("@")
        try:
            account = self._call("account_lookup", acct)
        except ConnectorError as exc:
            if exc.code != "not_found":
                raise
            # an account the instance has not seen yet: let it resolve it over WebFinger
            found = self._call("search_v2", acct, resolve=True, result_type="accounts", limit=5)
            matches = [a for a in found["accounts"] if str(a["acct"]).lower() == acct.lower()]
            if not matches:
                raise ConnectorError(
                    f"No Mastodon account {handle}", permanent=True, code="not_found"
                ) from exc
            account = matches[0]
        self._call("account_follow", account["id"])

    # ---- profile ----------------------------------------------------------------------------

    def fetch_profile(self) -> Profile:
        account = self._call("account_verify_credentials")
        with client.calling(self._client()[1]):
            return self._profile(account)

    def _profile(self, account: Mapping[str, Any]) -> Profile:
        fields = list(account.get("fields") or ())
        contacts = {str(f["name"]): inbox.plain_text(str(f["value"])) for f in fields}
        lowered = {name.lower(): value for name, value in contacts.items()}
        verified = [f for f in fields if f.get("verified_at")]
        source = account.get("source") or {}
        host = urlsplit(self.base_url).netloc
        acct = str(client.need(account, "acct"))
        return Profile(
            remote_id=str(client.need(account, "id")),
            handle=acct if "@" in acct else f"{acct}@{host}",
            display_name=str(account.get("display_name") or ""),
            bio=str(source.get("note") or inbox.plain_text(str(account.get("note") or ""))),
            avatar_url=str(account.get("avatar") or ""),
            banner_url=str(account.get("header") or ""),
            url=str(account.get("url") or ""),
            website=lowered.get("website", ""),
            location=lowered.get("location", ""),
            verified=bool(verified),
            verification_label=inbox.plain_text(str(verified[0]["value"])) if verified else "",
            followers=account.get("followers_count"),
            following=account.get("following_count"),
            posts=account.get("statuses_count"),
            contacts=contacts,
        )

    def update_profile(self, changes: Mapping[str, str]) -> Profile:
        """Change display_name, bio, avatar/banner (media storage paths), website, location."""
        unknown = set(changes) - {"display_name", "bio", "avatar", "banner", *PROFILE_FIELDS}
        if unknown:
            raise ConnectorError(
                f"Mastodon profiles have no {', '.join(sorted(unknown))}",
                permanent=True,
                code="unsupported_field",
            )
        kwargs: dict[str, Any] = {}
        if "display_name" in changes:
            kwargs["display_name"] = changes["display_name"]
        if "bio" in changes:
            kwargs["note"] = changes["bio"]
        for ours, theirs in (("avatar", "avatar"), ("banner", "header")):
            if changes.get(ours):
                with default_storage.open(changes[ours], "rb") as image:
                    kwargs[theirs] = io.BytesIO(image.read())
                kwargs[f"{theirs}_mime_type"] = _image_type(changes[ours])
        if any(key in changes for key in PROFILE_FIELDS):
            kwargs["fields"] = self._merged_fields(changes)
        account = self._call("account_update_credentials", **kwargs)
        with client.calling(self._client()[1]):
            return self._profile(account)

    def _merged_fields(self, changes: Mapping[str, str]) -> list[tuple[str, str]]:
        """fields_attributes replaces every field: send the current ones with ours changed."""
        current = self._call("account_verify_credentials")
        fields = [
            (str(f["name"]), str(f["value"]))
            for f in (current.get("source") or {}).get("fields") or ()
        ]
        for key, label in PROFILE_FIELDS.items():
            if key not in changes:
                continue
            fields = [(n, v) for n, v in fields if n.lower() != label.lower()]
            if changes[key]:
                fields.append((label, changes[key]))
        return fields[:4]

    # ---- listening --------------------------------------------------------------------------

    def search(self, query: str, *, since: datetime | None = None) -> list[PublicPost]:
        """Statuses matching query (full text needs the instance's search; hashtags always)."""
        found = self._call("search_v2", query, resolve=False, result_type="statuses", limit=PAGE)
        posts = []
        with client.calling(self._client()[1]):
            for status in found["statuses"]:
                created = inbox._when(status["created_at"])
                if since is not None and created < since:
                    continue
                posts.append(
                    PublicPost(
                        remote_id=str(status["id"]),
                        text=inbox.plain_text(status.get("content", "")),
                        author=inbox.author_of(status["account"]),
                        created_at=created,
                        url=str(status.get("url") or status.get("uri") or ""),
                        lang=str(status.get("language") or ""),
                        reposts=status.get("reblogs_count"),
                        likes=status.get("favourites_count"),
                        raw=inbox.json_safe(status),
                    )
                )
        return posts


def _image_type(path: str) -> str:
    lowered = path.lower()
    if lowered.endswith(".png"):
        return "image/png"
    if lowered.endswith(".gif"):
        return "image/gif"
    if lowered.endswith(".webp"):
        return "image/webp"
    return "image/jpeg"
