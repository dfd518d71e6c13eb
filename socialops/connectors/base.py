"""The connector interface every platform implements, and the types that cross it.

A connector talks to one platform for one connected account. It never touches the database:
callers (channels, publishing, inbox, listening) persist what it returns and decide what a
ConnectorError means for their rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from django.utils.functional import Promise

# A label shown in the UI: a plain string or a lazily translated one (gettext_lazy).
Label = str | Promise


class Capability(StrEnum):
    PUBLISH_TEXT = "publish_text"
    PUBLISH_IMAGE = "publish_image"
    PUBLISH_VIDEO = "publish_video"
    PUBLISH_ARTICLE = "publish_article"
    PUBLISH_LINK = "publish_link"
    DELETE = "delete"
    COMMENTS = "comments"
    MENTIONS = "mentions"
    DMS = "dms"
    REPLY = "reply"
    FOLLOW = "follow"
    SEARCH = "search"
    STREAM = "stream"
    METRICS = "metrics"
    PROFILE_READ = "profile_read"
    PROFILE_UPDATE = "profile_update"
    MANUAL_PUBLISH = "manual_publish"  # publishing is a task for a person


class AuthKind(StrEnum):
    OAUTH2 = "oauth2"  # redirect to the platform, come back with a code
    FORM = "form"  # app id + secret, handle + app password, …
    NONE = "none"  # sandbox, manual


# ---- errors -------------------------------------------------------------------------------


class ConnectorError(Exception):
    """A platform call failed. permanent: retrying the same call cannot help."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        code: str = "",
        platform_code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.code = code  # our short name, e.g. "rate_limited", "content_rejected"
        self.platform_code = platform_code  # the platform's own error code, for the audit log


class AuthExpired(ConnectorError):
    """The account's authorisation is gone: flag it "reconnect needed", do not retry."""

    def __init__(self, message: str, *, platform_code: str = "") -> None:
        super().__init__(message, permanent=True, code="auth_expired", platform_code=platform_code)


class RateLimited(ConnectorError):
    """Too many calls; try again after retry_after seconds (when the platform says)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, platform_code: str = ""
    ) -> None:
        super().__init__(
            message,
            permanent=False,
            retry_after=retry_after,
            code="rate_limited",
            platform_code=platform_code,
        )


class OutcomeUnknown(ConnectorError):
    """The call may or may not have taken effect (timeout, dropped connection): reconcile first."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=False, code="outcome_unknown")


class Unsupported(ConnectorError):
    """The connector lacks this capability."""

    def __init__(self, connector: str, capability: Capability) -> None:
        super().__init__(
            f"{connector} cannot {capability.value}", permanent=True, code="unsupported"
        )


# ---- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectField:
    """One input the connect form asks for (FORM auth) or the account config needs."""

    name: str
    label: Label
    secret: bool = False
    required: bool = True
    help: Label = ""


@dataclass(frozen=True)
class Media:
    kind: str  # "image" | "video"
    path: str  # a file the caller has in media storage
    mime_type: str
    alt: str = ""


@dataclass(frozen=True)
class Article:
    """A long-form article (WeChat Official Account 图文)."""

    title: str
    html: str
    author: str = ""
    digest: str = ""
    cover: Media | None = None
    source_url: str = ""


@dataclass(frozen=True)
class RemoteRef:
    """Where a thing we published or answered lives on the platform."""

    remote_id: str
    url: str = ""
    published_at: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. Bluesky cid, WeChat publish_id


@dataclass(frozen=True)
class PublishRequest:
    """One variant of a post, already adapted to this platform's rules."""

    text: str
    media: Sequence[Media] = ()
    link: str = ""
    article: Article | None = None
    reply_to: RemoteRef | None = None
    first_comment: str = ""


@dataclass(frozen=True)
class Author:
    remote_id: str
    handle: str
    name: str = ""
    avatar_url: str = ""
    followers: int | None = None
    verified: bool = False


@dataclass(frozen=True)
class InboxItem:
    """A comment on our post, a mention of us, or a direct message to us."""

    kind: str  # "comment" | "mention" | "dm"
    remote_id: str
    author: Author
    text: str
    created_at: datetime
    thread_id: str = ""  # the post a comment belongs to, or the DM conversation
    parent_id: str = ""  # the message this one answers
    url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboxPage:
    items: Sequence[InboxItem]
    cursor: str  # pass back to fetch_inbox for the next page; stored per account
    has_more: bool = False


@dataclass(frozen=True)
class Metrics:
    remote_id: str
    collected_at: datetime
    impressions: int | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    clicks: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """The account's public face (门面) as the platform shows it."""

    remote_id: str
    handle: str
    display_name: str = ""
    bio: str = ""
    avatar_url: str = ""
    banner_url: str = ""
    url: str = ""
    website: str = ""
    location: str = ""
    verified: bool = False
    verification_label: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    pinned_post_id: str = ""
    contacts: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # platform specifics, e.g. verified_type


@dataclass(frozen=True)
class PublicPost:
    """A public post seen through search or a stream, for listening."""

    remote_id: str
    text: str
    author: Author
    created_at: datetime
    url: str = ""
    lang: str = ""
    reposts: int | None = None
    likes: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


# ---- the interface --------------------------------------------------------------------------


class Connector:
    """Base class: every method a platform lacks raises Unsupported."""

    code: ClassVar[str]
    name: ClassVar[str]
    auth_kind: ClassVar[AuthKind] = AuthKind.NONE
    connect_fields: ClassVar[tuple[ConnectField, ...]] = ()
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    text_rules: ClassVar[str] = ""  # the core.text platform code its posts are checked with
    simulated: ClassVar[bool] = False

    def __init__(
        self, *, credentials: Mapping[str, Any], config: Mapping[str, Any] | None = None
    ) -> None:
        self.credentials = dict(credentials)
        self.config = dict(config or {})

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def _unsupported(self, capability: Capability) -> Unsupported:
        return Unsupported(self.code, capability)

    # connecting
    def authorization_url(self, *, state: str, redirect_uri: str) -> str:
        """OAUTH2: where to send the person to grant access."""
        raise ConnectorError(f"{self.code} does not use OAuth", permanent=True)

    def exchange_code(self, *, code: str, redirect_uri: str) -> dict[str, Any]:
        """OAUTH2: trade the returned code for credentials to store (encrypted)."""
        raise ConnectorError(f"{self.code} does not use OAuth", permanent=True)

    def connect(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """FORM / NONE: check the given fields against the platform; credentials to store."""
        raise ConnectorError(f"{self.code} does not connect with a form", permanent=True)

    def open_push_endpoint(self, *, key: str, workspace_id: int) -> str:
        """Platforms that push events (WeChat callbacks): set up the endpoint, return its URL.

        key is unguessable and stable for the account; "" means the platform pushes nothing.
        """
        return ""

    def close_push_endpoint(self, *, key: str) -> None:
        """Stop accepting pushes for this account (on disconnect)."""

    def inject_faults(self, faults: Mapping[str, Any]) -> None:
        """Simulated connectors only: make later calls fail, for training and demos.

        faults: auth_expired (bool), rate_limited (seconds), permanent (message), timeout (bool);
        empty clears them.
        """
        raise ConnectorError(f"{self.code} is a real platform: nothing to simulate", permanent=True)

    def refreshed_credentials(self) -> dict[str, Any] | None:
        """New credentials if the connector renewed them during calls (token refresh)."""
        return None

    # publishing
    def publish(self, request: PublishRequest, *, idempotency_key: str) -> RemoteRef:
        raise self._unsupported(Capability.PUBLISH_TEXT)

    def find_published(
        self,
        *,
        idempotency_key: str,
        since: datetime,
        request: PublishRequest | None = None,
    ) -> RemoteRef | None:
        """Reconcile an attempt whose outcome is unknown: the post if it exists, else None.

        request is what was sent; platforms without idempotency keys match on its text.
        """
        raise self._unsupported(Capability.PUBLISH_TEXT)

    def delete(self, ref: RemoteRef) -> None:
        raise self._unsupported(Capability.DELETE)

    def fetch_metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        raise self._unsupported(Capability.METRICS)

    # interaction
    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        raise self._unsupported(Capability.COMMENTS)

    def reply(self, item: InboxItem, text: str, *, idempotency_key: str) -> RemoteRef:
        raise self._unsupported(Capability.REPLY)

    def follow(self, handle: str) -> None:
        raise self._unsupported(Capability.FOLLOW)

    # profile
    def fetch_profile(self) -> Profile:
        raise self._unsupported(Capability.PROFILE_READ)

    def update_profile(self, changes: Mapping[str, str]) -> Profile:
        raise self._unsupported(Capability.PROFILE_UPDATE)

    # listening
    def search(self, query: str, *, since: datetime | None = None) -> list[PublicPost]:
        raise self._unsupported(Capability.SEARCH)

    def stream(self, cursor: str | None = None) -> Iterator[tuple[PublicPost, str]]:
        """Public posts with the cursor to resume after each."""
        raise self._unsupported(Capability.STREAM)
