"""Bluesky: one account on its PDS, through the atproto SDK's XRPC client.

Credentials (from connect): session (the SDK's session string: handle, did, access and refresh
JWTs), did, handle, service (the PDS URL the account logs in at; https://bsky.social unless
the person gave another).

Idempotency: a post's record key is a TID derived from the idempotency key (rkeys.py), and
createRecord refuses a key that exists, so a retry cannot post twice; find_published() reads
the record at that key.

Reads of app.bsky.* (timelines, counts, notifications, profile views) are served by an AppView
the PDS proxies to. A PDS without one (a self-hosted test network) answers them with an error:
the profile falls back to the profile record; metrics and the inbox say they are unavailable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from atproto_client import Client
from atproto_client.client.session import SessionEvent
from atproto_client.exceptions import RequestErrorBase
from atproto_client.models.dot_dict import DotDict
from atproto_client.request import Request
from django.core.files.storage import default_storage

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
    Profile,
    PublishRequest,
    RemoteRef,
)
from socialops.core import clock
from socialops.core import text as core_text

from . import errors, inbox
from .rkeys import TID_PATTERN, rkey_for

DEFAULT_SERVICE = "https://bsky.social"
POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"
MAX_BLOB_BYTES = 1_000_000  # app.bsky.embed.images: image maxSize
MAX_IMAGES = 4
TIMEOUT = 20.0
METRICS_BATCH = 25  # app.bsky.feed.getPosts: uris maxLength


def service_url(raw: str) -> str:
    """Validate a PDS URL: http(s), a host, nothing after it."""
    parts = urlsplit((raw or DEFAULT_SERVICE).strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConnectorError(
            "The service URL must start with https:// and name a host",
            permanent=True,
            code="invalid_config",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConnectorError(
            "The service URL must be only https://host, without a path",
            permanent=True,
            code="invalid_config",
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def post_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


@registry.register
class BlueskyConnector(Connector):
    code = "bluesky"
    name = "Bluesky"
    auth_kind = AuthKind.FORM
    connect_fields = (
        ConnectField("handle", "Handle", help="e.g. acme.bsky.social"),
        ConnectField(
            "app_password",
            "App password",
            secret=True,
            help="Settings → Privacy and security → App passwords",
        ),
        ConnectField(
            "service",
            "Service URL",
            required=False,
            help="Your PDS; leave empty for https://bsky.social",
        ),
    )
    capabilities = frozenset(
        {
            Capability.PUBLISH_TEXT,
            Capability.PUBLISH_IMAGE,
            Capability.PUBLISH_LINK,
            Capability.DELETE,
            Capability.COMMENTS,
            Capability.MENTIONS,
            Capability.REPLY,
            Capability.METRICS,
            Capability.PROFILE_READ,
            Capability.PROFILE_UPDATE,
        }
    )
    text_rules = "bluesky"

    def __init__(
        self, *, credentials: Mapping[str, Any], config: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(credentials=credentials, config=config)
        self.service = service_url(
            self.credentials.get("service") or self.config.get("service") or ""
        )
        self._client: Client | None = None
        self._refreshed = False

    # ---- plumbing ---------------------------------------------------------------------------

    def _new_client(self) -> Client:
        client = Client(self.service, request=Request(timeout=TIMEOUT))
        client.on_session_change(self._session_changed)
        return client

    @property
    def client(self) -> Client:
        if self._client is None:
            session = self.credentials.get("session")
            if not session:
                raise AuthExpired("The Bluesky account has no session; reconnect it")
            client = self._new_client()
            with errors.calling():
                client.login(session_string=session, fetch_bsky_profile=False)
            self._client = client
        return self._client

    def _session_changed(self, event: SessionEvent, session: Any) -> None:
        if event is SessionEvent.REFRESH:
            self._refreshed = True

    @property
    def did(self) -> str:
        return str(self.credentials.get("did") or self.client.me or "")

    def _query(self, nsid: str, **params: Any) -> dict[str, Any]:
        with errors.calling():
            response = self.client.invoke_query(nsid, params=DotDict(params))
        return response.content if isinstance(response.content, dict) else {}

    def _procedure(self, nsid: str, data: Mapping[str, Any], *, creates: bool = False) -> Any:
        with errors.calling(creates=creates):
            response = self.client.invoke_procedure(
                nsid, data=DotDict(dict(data)), input_encoding="application/json"
            )
        return response.content if isinstance(response.content, dict) else {}

    def _get_record(self, collection: str, rkey: str, repo: str = "") -> dict[str, Any] | None:
        try:
            with errors.calling():
                response = self.client.invoke_query(
                    "com.atproto.repo.getRecord",
                    params=DotDict(
                        {"repo": repo or self.did, "collection": collection, "rkey": rkey}
                    ),
                )
        except ConnectorError as exc:
            if exc.platform_code == "RecordNotFound":
                return None
            raise
        return response.content if isinstance(response.content, dict) else None

    def _ref(self, record: Mapping[str, Any]) -> RemoteRef:
        uri = str(record["uri"])
        value = record.get("value") or {}
        return RemoteRef(
            remote_id=uri,
            url=post_url(str(self.credentials.get("handle") or self.did), uri),
            published_at=_parse_time(value.get("createdAt")),
            extra={"cid": record.get("cid", ""), "rkey": uri.rsplit("/", 1)[-1]},
        )

    def refreshed_credentials(self) -> dict[str, Any] | None:
        if not self._refreshed or self._client is None:
            return None
        return {**self.credentials, "session": self._client.export_session_string()}

    # ---- connecting -------------------------------------------------------------------------

    def connect(self, fields: Mapping[str, str]) -> dict[str, Any]:
        handle = (fields.get("handle") or "").strip().lstrip("@")
        password = (fields.get("app_password") or "").strip()
        if not handle or not password:
            raise ConnectorError(
                "Enter the handle and an app password", permanent=True, code="invalid_config"
            )
        self.service = service_url(fields.get("service") or self.service)
        client = self._new_client()
        try:
            with errors.calling():
                client.login(handle, password, fetch_bsky_profile=False)
        except ConnectorError as exc:
            if exc.platform_code in ("AuthenticationRequired", "AuthFactorTokenRequired") or (
                isinstance(exc.__cause__, RequestErrorBase)
                and exc.__cause__.response is not None
                and exc.__cause__.response.status_code == 401
            ):
                raise AuthExpired(
                    "Bluesky did not accept this handle and app password",
                    platform_code=exc.platform_code,
                ) from exc
            raise
        session = client._session  # noqa: SLF001 - the SDK exposes it only here
        assert session is not None  # noqa: S101 - login either set it or raised
        self._client = client
        self.credentials = {
            "session": client.export_session_string(),
            "did": session.did,
            "handle": session.handle,
            "service": self.service,
        }
        return dict(self.credentials)

    # ---- publishing -------------------------------------------------------------------------

    def publish(self, request: PublishRequest, *, idempotency_key: str) -> RemoteRef:
        rkey = rkey_for(idempotency_key)
        existing = self._get_record(POST, rkey)
        if existing is not None:
            return self._ref(existing)
        record = self._post_record(request)
        try:
            created = self._procedure(
                "com.atproto.repo.createRecord",
                {"repo": self.did, "collection": POST, "rkey": rkey, "record": record},
                creates=True,
            )
        except ConnectorError as exc:
            # Another attempt won the race for this key: its post is ours.
            existing = self._get_record(POST, rkey) if exc.permanent else None
            if existing is None:
                raise
            return self._ref(existing)
        return self._ref({**created, "value": record})

    def _post_record(self, request: PublishRequest) -> dict[str, Any]:
        text = request.text
        if request.link and request.link not in text:
            text = f"{text}\n{request.link}" if text else request.link
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": _iso(clock.now()),
        }
        facets = self._facets(text)
        if facets:
            record["facets"] = facets
        images = [item for item in request.media if item.kind == "image"]
        if len(images) != len(request.media):
            raise ConnectorError(
                "Bluesky posts carry images only here", permanent=True, code="unsupported_media"
            )
        if len(images) > MAX_IMAGES:
            raise ConnectorError(
                f"Bluesky allows at most {MAX_IMAGES} images per post",
                permanent=True,
                code="too_many_media",
            )
        if images:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [{"image": self._upload(item), "alt": item.alt} for item in images],
            }
        if request.reply_to is not None:
            record["reply"] = self._reply_refs(request.reply_to.remote_id)
        return record

    def _facets(self, text: str) -> list[dict[str, Any]]:
        facets = []
        for facet in core_text.check_bluesky(text).facets:
            if facet.kind == "mention":
                did = self._resolve(facet.value)
                if did is None:
                    continue  # the official client leaves an unknown handle as plain text
                facets.append(facet.to_lexicon(did=did))
            else:
                facets.append(facet.to_lexicon())
        return facets

    def _resolve(self, handle: str) -> str | None:
        try:
            answer = self._query("com.atproto.identity.resolveHandle", handle=handle)
        except ConnectorError as exc:
            if exc.permanent and not isinstance(exc, AuthExpired):
                return None
            raise
        return str(answer.get("did") or "") or None

    def _upload(self, media: Media) -> dict[str, Any]:
        return self.upload_blob(media.path, media.mime_type)

    def upload_blob(self, path: str, mime_type: str) -> dict[str, Any]:
        """Send a file from media storage; the blob object to put in a record."""
        with default_storage.open(path, "rb") as handle:
            data = handle.read(MAX_BLOB_BYTES + 1)
        if len(data) > MAX_BLOB_BYTES:
            raise ConnectorError(
                f"{path} is over Bluesky's limit of {MAX_BLOB_BYTES:,} bytes per image",
                permanent=True,
                code="media_too_large",
            )
        with errors.calling():
            response = self.client.invoke_procedure(
                "com.atproto.repo.uploadBlob",
                content=data,
                headers={"Content-Type": mime_type},
            )
        return dict(response.content["blob"])

    def _reply_refs(self, parent_uri: str) -> dict[str, Any]:
        repo, collection, rkey = _split_uri(parent_uri)
        parent = self._get_record(collection, rkey, repo=repo)
        if parent is None:
            raise ConnectorError("The post to answer is gone", permanent=True, code="not_found")
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = (parent.get("value") or {}).get("reply", {}).get("root") or parent_ref
        return {"root": root, "parent": parent_ref}

    def find_published(
        self,
        *,
        idempotency_key: str,
        since: datetime,
        request: PublishRequest | None = None,
    ) -> RemoteRef | None:
        record = self._get_record(POST, rkey_for(idempotency_key))
        return None if record is None else self._ref(record)

    def delete(self, ref: RemoteRef) -> None:
        repo, collection, rkey = _split_uri(ref.remote_id)
        self._procedure(
            "com.atproto.repo.deleteRecord",
            {"repo": repo, "collection": collection, "rkey": rkey},
        )

    def fetch_metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        now = clock.now()
        found: list[Metrics] = []
        for start in range(0, len(refs), METRICS_BATCH):
            uris = [ref.remote_id for ref in refs[start : start + METRICS_BATCH]]
            answer = self._appview_query("app.bsky.feed.getPosts", "metrics", uris=uris)
            for post in answer.get("posts") or ():
                found.append(
                    Metrics(
                        remote_id=str(post["uri"]),
                        collected_at=now,
                        likes=post.get("likeCount"),
                        reposts=post.get("repostCount"),
                        comments=post.get("replyCount"),
                        extra={"quotes": post.get("quoteCount")},
                    )
                )
        return found

    def _appview_query(self, nsid: str, what: str, **params: Any) -> dict[str, Any]:
        """An app.bsky.* read, which the PDS proxies to its AppView."""
        try:
            return self._query(nsid, **params)
        except ConnectorError as exc:
            if isinstance(exc, AuthExpired):
                raise
            no_appview = errors.is_not_served(exc.__cause__) or exc.platform_code in (
                errors.NO_APPVIEW_ERRORS
            )
            if no_appview or exc.platform_code == "UpstreamFailure":
                raise ConnectorError(
                    f"{self.service} cannot reach a Bluesky AppView: {what} are unavailable",
                    permanent=no_appview,
                    code="appview_unavailable",
                    platform_code=exc.platform_code,
                ) from exc
            raise

    # ---- interaction ------------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        """Mentions, replies and quotes newer than cursor (the newest indexedAt seen before)."""
        items: list[InboxItem] = []
        newest = cursor or ""
        page_cursor: str | None = None
        for _ in range(inbox.MAX_PAGES):
            params: dict[str, Any] = {"limit": inbox.PAGE}
            if page_cursor:
                params["cursor"] = page_cursor
            answer = self._appview_query(
                "app.bsky.notification.listNotifications", "notifications", **params
            )
            page, reached_old = inbox.parse_page(answer, after=cursor or "")
            items.extend(page)
            newest = max([newest, *(n.get("indexedAt", "") for n in answer["notifications"])])
            page_cursor = answer.get("cursor")
            if reached_old or not page_cursor or not answer.get("notifications"):
                return InboxPage(items=sorted(items, key=lambda i: i.created_at), cursor=newest)
        return InboxPage(
            items=sorted(items, key=lambda i: i.created_at), cursor=newest, has_more=True
        )

    def reply(self, item: InboxItem, text: str, *, idempotency_key: str) -> RemoteRef:
        parent = RemoteRef(remote_id=item.remote_id, extra={"cid": item.raw.get("cid", "")})
        return self.publish(
            PublishRequest(text=text, reply_to=parent), idempotency_key=idempotency_key
        )

    # ---- profile ----------------------------------------------------------------------------

    def fetch_profile(self) -> Profile:
        try:
            view = self._appview_query("app.bsky.actor.getProfile", "profile views", actor=self.did)
        except ConnectorError as exc:
            if exc.code != "appview_unavailable":
                raise
            return self._profile_from_record()
        return Profile(
            remote_id=str(view["did"]),
            handle=str(view["handle"]),
            display_name=view.get("displayName") or "",
            bio=view.get("description") or "",
            avatar_url=view.get("avatar") or "",
            banner_url=view.get("banner") or "",
            url=f"https://bsky.app/profile/{view['handle']}",
            followers=view.get("followersCount"),
            following=view.get("followsCount"),
            posts=view.get("postsCount"),
            pinned_post_id=(view.get("pinnedPost") or {}).get("uri", ""),
            verified=(view.get("verification") or {}).get("verifiedStatus") == "valid",
        )

    def _profile_from_record(self) -> Profile:
        record = self._get_record(PROFILE, "self") or {}
        value = record.get("value") or {}
        handle = str(self.credentials.get("handle") or "")
        return Profile(
            remote_id=self.did,
            handle=handle,
            display_name=value.get("displayName") or "",
            bio=value.get("description") or "",
            avatar_url=self._blob_url(value.get("avatar")),
            banner_url=self._blob_url(value.get("banner")),
            url=f"https://bsky.app/profile/{handle}",
            pinned_post_id=(value.get("pinnedPost") or {}).get("uri", ""),
            extra={"source": "record"},
        )

    def _blob_url(self, blob: Mapping[str, Any] | None) -> str:
        if not blob:
            return ""
        cid = (blob.get("ref") or {}).get("$link", "")
        query = urlencode({"did": self.did, "cid": cid})
        return f"{self.service}/xrpc/com.atproto.sync.getBlob?{query}"

    def update_profile(self, changes: Mapping[str, str]) -> Profile:
        """Change display_name, bio, avatar/banner (media storage paths); keep everything else."""
        unknown = set(changes) - {"display_name", "bio", "avatar", "banner"}
        if unknown:
            raise ConnectorError(
                f"Bluesky profiles have no {', '.join(sorted(unknown))}",
                permanent=True,
                code="unsupported_field",
            )
        current = self._get_record(PROFILE, "self")
        value: dict[str, Any] = dict((current or {}).get("value") or {"$type": PROFILE})
        value["$type"] = PROFILE
        for ours, theirs in (("display_name", "displayName"), ("bio", "description")):
            if ours in changes:
                value[theirs] = changes[ours]
        for ours in ("avatar", "banner"):
            if changes.get(ours):
                value[ours] = self.upload_blob(changes[ours], _image_type(changes[ours]))
        data: dict[str, Any] = {
            "repo": self.did,
            "collection": PROFILE,
            "rkey": "self",
            "record": value,
        }
        if current is not None:
            data["swapRecord"] = current["cid"]  # fail rather than lose a concurrent change
        self._procedure("com.atproto.repo.putRecord", data)
        return self.fetch_profile()


def _split_uri(uri: str) -> tuple[str, str, str]:
    """at://did/collection/rkey → (did, collection, rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or not uri.startswith("at://"):
        raise ConnectorError(f"{uri!r} is no at:// record URI", permanent=True, code="invalid")
    return parts[0], parts[1], parts[2]


def _image_type(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "webp": "image/webp", "gif": "image/gif"}.get(suffix, "image/jpeg")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


__all__ = ["TID_PATTERN", "BlueskyConnector", "rkey_for", "service_url"]
