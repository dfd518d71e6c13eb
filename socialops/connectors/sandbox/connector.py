"""The sandbox connector: a Weibo-like simulated network that lives in this app's tables.

Unlike real connectors it reads and writes the database, because the platform is the database.
Before every call it advances its world to clock.now(), so reads are current without a worker.
Credentials: {"world": <World pk>, "account_id": <Account pk>, "token": <token>}.
"""

from __future__ import annotations

import base64
import binascii
import shlex
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from socialops.connectors import registry
from socialops.connectors.base import (
    Article,
    AuthExpired,
    AuthKind,
    Author,
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
    PublicPost,
    PublishRequest,
    RateLimited,
    RemoteRef,
)
from socialops.connectors.sandbox import network
from socialops.connectors.sandbox.models import Account, Message, Post, World
from socialops.connectors.sandbox.simulation import advance
from socialops.core import clock

BASE_URL = "https://sandbox.socialops.local"
LONG_TEXT_LIMIT = 2000  # Weibo long text
INBOX_PAGE = 100
SEARCH_LIMIT = 500
STREAM_BATCH = 200


def _permanent(message: str, code: str, platform_code: str = "") -> ConnectorError:
    return ConnectorError(message, permanent=True, code=code, platform_code=platform_code)


@registry.register
class SandboxConnector(Connector):
    code = "sandbox"
    name = "Sandbox"
    auth_kind = AuthKind.NONE
    simulated = True
    text_rules = "weibo"
    capabilities = frozenset(set(Capability) - {Capability.MANUAL_PUBLISH})
    connect_fields = (
        ConnectField(name="display_name", label=_("Display name")),
        ConnectField(
            name="handle",
            label=_("Handle"),
            help=_("Letters, digits and underscores; unique on the simulated network."),
        ),
        ConnectField(
            name="followers",
            label=_("Starting followers"),
            required=False,
            help=_("How many followers the simulated account starts with."),
        ),
    )

    # ---- connecting ----------------------------------------------------------------------

    def connect(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """A simulated account of ours; config may name the world or the workspace."""
        handle = str(fields.get("handle", "")).strip().lstrip("@")
        if not handle or not handle.replace("_", "").isalnum() or len(handle) > 30:
            raise _permanent("The handle must be 1–30 letters, digits or underscores", "bad_input")
        try:
            followers = int(fields.get("followers") or 0)
        except ValueError:
            raise _permanent("Starting followers must be a number", "bad_input") from None
        world = self._world_from_config()
        advance(world, until=clock.now())
        try:
            account = network.register_account(
                world,
                handle=handle,
                display_name=str(fields.get("display_name", "")).strip()[:64],
                followers=min(followers, 10_000_000),
                at=clock.now(),
            )
        except ValueError as error:
            raise _permanent(str(error), "handle_taken") from None
        return {"world": world.pk, "account_id": account.pk, "token": account.token}

    def _world_from_config(self) -> World:
        if "world" in self.config:
            world = World.objects.filter(pk=self.config["world"]).first()
            if world is None:
                raise _permanent("That sandbox world does not exist", "not_found")
            return world
        workspace = None
        if "workspace_id" in self.config:
            from socialops.accounts.models import Workspace

            workspace = Workspace.objects.get(pk=self.config["workspace_id"])
        return network.world_for(workspace=workspace, at=clock.now())

    def inject_faults(self, faults: Mapping[str, Any]) -> None:
        """Make this account's next calls fail as a real platform's might (training, demos)."""
        account = Account.objects.filter(
            pk=int(self.credentials.get("account_id") or 0),
            world_id=int(self.credentials.get("world") or 0),
            token=str(self.credentials.get("token") or "-"),
        ).first()
        if account is None:
            raise AuthExpired("The sandbox account's token is not valid", platform_code="21327")
        seconds = faults.get("rate_limited")
        network.set_faults(
            account,
            auth_expired=bool(faults.get("auth_expired")),
            rate_limited=float(seconds) if seconds else None,
            permanent=str(faults.get("permanent") or ""),
            timeout=bool(faults.get("timeout")),
        )

    # ---- every call starts here ----------------------------------------------------------

    def _account(self, *, write: bool = False) -> Account:
        """The connected account, its world advanced to now, after the injected faults."""
        account = (
            Account.objects.select_related("world")
            .filter(
                pk=int(self.credentials.get("account_id") or 0),
                world_id=int(self.credentials.get("world") or 0),
            )
            .first()
        )
        if account is None or not account.token or account.token != self.credentials.get("token"):
            raise AuthExpired("The sandbox account's token is not valid", platform_code="21327")
        faults = account.faults
        if faults.get("auth_expired"):
            raise AuthExpired("The sandbox token expired (simulated)", platform_code="21327")
        if faults.get("rate_limited") is not None:
            raise RateLimited(
                "Rate limited (simulated)",
                retry_after=float(faults["rate_limited"]),
                platform_code="10023",
            )
        if write and faults.get("permanent"):
            raise _permanent(str(faults["permanent"]), "rejected", platform_code="20019")
        advance(account.world, until=clock.now())
        return account

    def _check_text(self, text: str) -> None:
        try:
            from socialops.core.text import check_weibo
        except ImportError:  # pragma: no cover - core.text ships with the project
            length = len(text)
        else:
            length = check_weibo(text, long_text=True).length
        if length > LONG_TEXT_LIMIT:
            raise _permanent(
                f"The text is {length} characters; the limit is {LONG_TEXT_LIMIT}",
                "text_too_long",
                platform_code="20012",
            )

    # ---- publishing ----------------------------------------------------------------------

    def publish(self, request: PublishRequest, *, idempotency_key: str) -> RemoteRef:
        account = self._account(write=True)
        if not (request.text.strip() or request.media or request.article):
            raise _permanent("Nothing to publish", "empty")
        self._check_text(request.text)
        now = clock.now()
        reply_to = None
        if request.reply_to is not None:
            reply_to = _number(request.reply_to.remote_id)
        try:
            post, created = network.publish(
                account,
                text=request.text,
                link=request.link,
                media=[_media(m) for m in request.media],
                article=_article(request.article) if request.article else None,
                reply_to=reply_to,
                first_comment=request.first_comment,
                idempotency_key=idempotency_key,
                at=now,
            )
        except network.NotFound as error:
            raise _permanent(str(error), "not_found") from None
        except network.HourlyLimitReached as limit:
            raise RateLimited(
                "Posting too often (sandbox limit: 30 per hour)",
                retry_after=max(1.0, (limit.free_at - now).total_seconds()),
                platform_code="20016",
            ) from None
        if created and account.faults.get("timeout"):
            raise OutcomeUnknown("The sandbox timed out after accepting the post (simulated)")
        return _ref(post)

    def find_published(
        self,
        *,
        idempotency_key: str,
        since: datetime,
        request: PublishRequest | None = None,
    ) -> RemoteRef | None:
        """The post sent with ``idempotency_key`` (or, without a key, with the request's text)."""
        account = self._account()
        text = request.text if request is not None and not idempotency_key else None
        post = network.find_post(account, idempotency_key=idempotency_key, since=since, text=text)
        return _ref(post) if post else None

    def delete(self, ref: RemoteRef) -> None:
        account = self._account(write=True)
        try:
            post = network.own_post(account, _number(ref.remote_id))
        except network.NotFound as error:
            raise _permanent(str(error), "not_found") from None
        if post.deleted_at is None:
            post.deleted_at = clock.now()
            post.save(update_fields=["deleted_at"])

    def fetch_metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        """Metrics of our posts among ``refs``; refs to other posts are left out."""
        account = self._account()
        numbers = [_number(ref.remote_id) for ref in refs]
        now = clock.now()
        return [
            Metrics(
                remote_id=str(post.number),
                collected_at=now,
                impressions=post.impressions,
                likes=post.likes,
                reposts=post.reposts,
                comments=post.comments,
                clicks=post.clicks if post.link else None,
                extra={"deleted": post.deleted_at is not None, "simulated": True},
            )
            for post in Post.objects.filter(author=account, number__in=numbers).order_by("number")
        ]

    # ---- interaction ---------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        account = self._account()
        after = _decode(cursor)
        rows = network.inbox(account, after=after, limit=INBOX_PAGE + 1)
        page = rows[:INBOX_PAGE]
        next_cursor = _encode(page[-1].created_at, page[-1].number) if page else (cursor or "")
        return InboxPage(
            items=[_item(m) for m in page], cursor=next_cursor, has_more=len(rows) > INBOX_PAGE
        )

    def reply(self, item: InboxItem, text: str, *, idempotency_key: str) -> RemoteRef:
        account = self._account(write=True)
        if not text.strip():
            raise _permanent("Nothing to reply", "empty")
        self._check_text(text)
        try:
            answer, created = network.reply(
                account,
                to=_number(item.remote_id),
                text=text,
                idempotency_key=idempotency_key,
                at=clock.now(),
            )
        except network.NotFound as error:
            raise _permanent(str(error), "not_found") from None
        if created and account.faults.get("timeout"):
            raise OutcomeUnknown("The sandbox timed out after accepting the reply (simulated)")
        return RemoteRef(
            remote_id=str(answer.number),
            url=f"{BASE_URL}/{account.handle}/{answer.number}",
            published_at=answer.created_at,
            extra={"thread_id": _thread(answer)},
        )

    def follow(self, handle: str) -> None:
        account = self._account(write=True)
        try:
            network.follow(account, handle=handle, at=clock.now())
        except network.NotFound as error:
            raise _permanent(str(error), "not_found") from None

    # ---- profile -------------------------------------------------------------------------

    def fetch_profile(self) -> Profile:
        return _profile(self._account())

    def update_profile(self, changes: Mapping[str, str]) -> Profile:
        """Keys: display_name, bio, avatar_url, banner_url, website, location, contact_<name>,
        verification (a label such as 企业认证; empty removes it), pinned_post_id."""
        account = self._account(write=True)
        try:
            return _profile(network.update_profile(account, changes))
        except (ValueError, network.NotFound) as error:
            raise _permanent(str(error), "bad_input") from None

    # ---- listening -----------------------------------------------------------------------

    def search(self, query: str, *, since: datetime | None = None) -> list[PublicPost]:
        """Public posts containing every term of ``query`` (quotes keep a phrase), oldest first."""
        account = self._account()
        try:
            terms = shlex.split(query)
        except ValueError:
            terms = query.split()
        if not terms:
            return []
        rows = network.public_posts(account.world, since=since, terms=terms, limit=SEARCH_LIMIT)
        return [_public(post) for post in rows]

    def stream(self, cursor: str | None = None) -> Iterator[tuple[PublicPost, str]]:
        """Every public post after ``cursor`` up to now, oldest first (checks run at the call)."""
        account = self._account()
        return _stream(account.world, _decode(cursor))


def _stream(world: World, after: tuple[datetime, int] | None) -> Iterator[tuple[PublicPost, str]]:
    while True:
        rows = network.public_posts(world, after=after, limit=STREAM_BATCH)
        for post in rows:
            after = (post.created_at, post.number)
            yield _public(post), _encode(*after)
        if len(rows) < STREAM_BATCH:
            return


# ---- conversions ---------------------------------------------------------------------------


def _number(remote_id: str) -> int:
    try:
        return int(remote_id)
    except (TypeError, ValueError):
        raise _permanent(f"{remote_id!r} is not a sandbox id", "not_found") from None


def _encode(at: datetime, number: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{number}".encode()).decode()


def _decode(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        at, number = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment, int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _permanent("The cursor is not one this connector gave out", "bad_cursor") from None


def _media(media: Media) -> dict[str, str]:
    return {"kind": media.kind, "path": media.path, "mime_type": media.mime_type, "alt": media.alt}


def _article(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "html": article.html,
        "author": article.author,
        "digest": article.digest,
        "source_url": article.source_url,
        "cover": _media(article.cover) if article.cover else None,
    }


def _ref(post: Post) -> RemoteRef:
    return RemoteRef(
        remote_id=str(post.number),
        url=f"{BASE_URL}/{post.author.handle}/{post.number}",
        published_at=post.created_at,
    )


def _author(account: Account) -> Author:
    return Author(
        remote_id=str(account.number),
        handle=account.handle,
        name=account.display_name,
        avatar_url=account.avatar_url,
        followers=account.followers_count,
        verified=account.verified,
    )


def _thread(message: Message) -> str:
    if message.kind == "dm":
        persona = message.author if message.recipient.kind == "ours" else message.recipient
        return f"dm:{persona.number}"
    return str(message.post.number) if message.post else ""


def _item(message: Message) -> InboxItem:
    author = message.author
    return InboxItem(
        kind=message.kind,
        remote_id=str(message.number),
        author=_author(author),
        text=message.text,
        created_at=message.created_at,
        thread_id=_thread(message),
        parent_id=str(message.parent.number) if message.parent else "",
        url=f"{BASE_URL}/{author.handle}/{message.number}",
        raw={
            "simulated": True,
            "sentiment": message.sentiment,
            "intent": message.intent,
            "lang": author.lang,
            "botness": author.botness,
        },
    )


def _public(post: Post) -> PublicPost:
    author = post.author
    return PublicPost(
        remote_id=str(post.number),
        text=post.text,
        author=_author(author),
        created_at=post.created_at,
        url=f"{BASE_URL}/{author.handle}/{post.number}",
        lang=author.lang,
        reposts=post.reposts,
        likes=post.likes,
        raw={
            "simulated": True,
            "sentiment": post.sentiment,
            "repost_of": str(post.repost_of.number) if post.repost_of else "",
            "botness": author.botness,
        },
    )


def _profile(account: Account) -> Profile:
    return Profile(
        remote_id=str(account.number),
        handle=account.handle,
        display_name=account.display_name,
        bio=account.bio,
        avatar_url=account.avatar_url,
        banner_url=account.banner_url,
        url=f"{BASE_URL}/{account.handle}",
        website=account.website,
        location=account.location,
        verified=account.verified,
        verification_label=account.verification_label,
        followers=account.followers_count,
        following=account.following_count,
        posts=Post.objects.filter(author=account, deleted_at__isnull=True).count(),
        pinned_post_id=str(account.pinned_post_number or ""),
        contacts=dict(account.contacts),
    )
