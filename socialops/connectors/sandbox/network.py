"""The simulated platform's side of each call: what the network stores when we act on it.

The connector turns these rows into the interface's value types; the simulation engine adds
what the audience does in between.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min, Q

from socialops.connectors.sandbox import content
from socialops.connectors.sandbox.models import (
    Account,
    AccountKind,
    Follow,
    Message,
    MessageKind,
    Post,
    World,
)
from socialops.connectors.sandbox.simulation import create_world

GLOBAL_SEED = 20240601
HOURLY_POST_LIMIT = 30  # like Weibo, a per-account posting limit
PROFILE_FIELDS = ("display_name", "bio", "avatar_url", "banner_url", "website", "location")
CONTACT_PREFIX = "contact_"
FAULTS = ("auth_expired", "rate_limited", "permanent", "timeout")


class NotFound(LookupError):
    pass


def world_for(*, workspace: Any = None, seed: int | None = None, at: datetime) -> World:
    """The workspace's world (or the global one), created on first use."""
    world = World.objects.filter(workspace=workspace).first()
    if world is None:
        default = GLOBAL_SEED if workspace is None else GLOBAL_SEED + workspace.pk
        world = create_world(workspace=workspace, seed=seed or default, start=at)
    return world


def _numbers(world: World, count: int = 1) -> int:
    """Reserve ``count`` world-local numbers; the first one.

    One UPDATE … RETURNING: the row is locked only while the statement runs (outside a
    transaction), so accounts publishing at once do not queue behind each other's inserts.
    """
    table = connection.ops.quote_name(World._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_number = next_number + %s WHERE id = %s "  # noqa: S608
            "RETURNING next_number",
            [count, world.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"world {world.pk} does not exist")
    return int(row[0]) - count


@transaction.atomic
def register_account(
    world: World, *, handle: str, display_name: str, followers: int, at: datetime
) -> Account:
    """A new account of ours, or a fresh token for one we had (reconnecting clears auth expiry)."""
    handle = handle.strip().lstrip("@")
    existing = Account.objects.filter(world=world, handle=handle).first()
    if existing is not None:
        if existing.kind != AccountKind.OURS:
            raise ValueError(f"@{handle} belongs to someone else on this network")
        existing.token = secrets.token_hex(16)
        existing.faults = {k: v for k, v in existing.faults.items() if k != "auth_expired"}
        existing.save(update_fields=["token", "faults"])
        return existing
    return Account.objects.create(
        world=world,
        number=_numbers(world),
        kind=AccountKind.OURS,
        handle=handle,
        display_name=display_name or handle,
        followers_count=max(0, followers),
        token=secrets.token_hex(16),
        created_at=at,
    )


def set_faults(
    account: Account,
    *,
    auth_expired: bool = False,
    rate_limited: float | None = None,
    permanent: str = "",
    timeout: bool = False,
) -> None:
    """Failure injection for training and tests; call with no options to clear every fault."""
    faults: dict[str, Any] = {}
    if auth_expired:
        faults["auth_expired"] = True
    if rate_limited is not None:
        faults["rate_limited"] = rate_limited
    if permanent:
        faults["permanent"] = permanent
    if timeout:
        faults["timeout"] = True
    account.faults = faults
    account.save(update_fields=["faults"])


class HourlyLimitReached(Exception):
    """The account posted HOURLY_POST_LIMIT times in the last hour; free again at ``free_at``."""

    def __init__(self, free_at: datetime) -> None:
        super().__init__(f"hourly limit reached until {free_at.isoformat()}")
        self.free_at = free_at


def _prior(account: Account, *, idempotency_key: str, at: datetime) -> tuple[int | None, int, Any]:
    """One query: the post already sent with this key, and the posts of the last hour."""
    window = Q(created_at__gt=at - timedelta(hours=1), repost_of__isnull=True)
    rows = Post.objects.filter(author=account)
    if idempotency_key:
        same_key = Q(idempotency_key=idempotency_key)
        found = rows.filter(window | same_key).aggregate(
            existing=Max("id", filter=same_key),
            count=Count("id", filter=window),
            first=Min("created_at", filter=window),
        )
    else:
        found = rows.filter(window).aggregate(count=Count("id"), first=Min("created_at"))
    return found.get("existing"), found["count"], found["first"]


def publish(
    account: Account,
    *,
    text: str,
    link: str = "",
    media: Sequence[Mapping[str, str]] = (),
    article: Mapping[str, Any] | None = None,
    reply_to: int | None = None,
    first_comment: str = "",
    idempotency_key: str,
    at: datetime,
) -> tuple[Post, bool]:
    """Our post, and whether it is new (False: the idempotency key had been used).

    A post sent again with its key comes back as it was, even past the hourly limit, as
    platforms with idempotency keys answer. What is written commits here, whatever the caller
    does next: a platform keeps a post it accepted even when the answer is lost.
    """
    existing, count, first = _prior(account, idempotency_key=idempotency_key, at=at)
    if existing is not None:
        return Post.objects.get(pk=existing), False
    if count >= HOURLY_POST_LIMIT and first is not None:
        raise HourlyLimitReached(first + timedelta(hours=1))
    world = account.world
    parent = None
    if reply_to is not None:
        parent = Post.objects.filter(world=world, number=reply_to).first()
        if parent is None:
            raise NotFound(f"post {reply_to} does not exist")
    whole = " ".join([text, (article or {}).get("title", ""), (article or {}).get("html", "")])
    post = Post(
        world=world,
        number=_numbers(world, 2 if first_comment else 1),
        author=account,
        text=text,
        link=link,
        media=list(media),
        article=dict(article) if article else None,
        topic=content.topic_of(whole),
        reply_to=parent,
        idempotency_key=idempotency_key,
        created_at=at,
    )
    try:
        # One statement needs no transaction of its own; inside a caller's, a savepoint keeps
        # a lost race from spoiling it.
        guard = first_comment or connection.in_atomic_block
        with transaction.atomic() if guard else nullcontext():
            post.save()
            if first_comment:
                Message.objects.create(
                    world=world,
                    number=post.number + 1,
                    kind=MessageKind.COMMENT,
                    author=account,
                    recipient=account,
                    post=post,
                    text=first_comment,
                    created_at=at,
                )
    except IntegrityError:  # the same key won a race
        return Post.objects.get(author=account, idempotency_key=idempotency_key), False
    return post, True


def find_post(
    account: Account, *, idempotency_key: str, since: datetime, text: str | None = None
) -> Post | None:
    """Our post sent with this key since ``since``; by its text when there was no key."""
    rows = Post.objects.filter(author=account, created_at__gte=since, repost_of__isnull=True)
    if text is not None:
        return rows.filter(text=text).order_by("-created_at", "-number").first()
    if not idempotency_key:
        return None
    return rows.filter(idempotency_key=idempotency_key).first()


def own_post(account: Account, number: int) -> Post:
    post = Post.objects.filter(author=account, number=number).first()
    if post is None:
        raise NotFound(f"post {number} is not one of @{account.handle}'s")
    return post


@transaction.atomic
def reply(
    account: Account, *, to: int, text: str, idempotency_key: str, at: datetime
) -> tuple[Message, bool]:
    """Our answer in the thread of message ``to``; the persona may come back to it later."""
    if idempotency_key:
        existing = Message.objects.filter(author=account, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    parent = (
        Message.objects.filter(world=account.world, number=to, recipient=account)
        .select_related("author")
        .first()
    )
    if parent is None:
        raise NotFound(f"message {to} was not addressed to @{account.handle}")
    kind = MessageKind.DM if parent.kind == MessageKind.DM else MessageKind.COMMENT
    answer = Message.objects.create(
        world=account.world,
        number=_numbers(account.world, 2),
        kind=kind,
        author=account,
        recipient=parent.author,
        post=parent.post,
        parent=parent,
        text=text,
        idempotency_key=idempotency_key,
        created_at=at,
    )
    rng = random.Random(f"{account.world.seed}:follow-up:{answer.number}")  # noqa: S311
    negative = parent.sentiment == "negative"
    if rng.random() < (0.7 if negative else 0.4):
        persona = parent.author
        lines = content.FOLLOW_UPS[persona.lang]["negative" if negative else "other"]
        Message.objects.create(
            world=account.world,
            number=answer.number + 1,
            kind=kind,
            author=persona,
            recipient=account,
            post=parent.post,
            parent=answer,
            text=rng.choice(lines),
            sentiment="negative" if negative else "positive",
            intent="complaint" if negative else "",
            created_at=at + timedelta(seconds=rng.randint(180, 5400)),
        )
    return answer, True


@transaction.atomic
def follow(account: Account, *, handle: str, at: datetime) -> None:
    target = Account.objects.filter(world=account.world, handle=handle.lstrip("@")).first()
    if target is None or target.pk == account.pk:
        raise NotFound(f"no account @{handle} to follow")
    _, created = Follow.objects.get_or_create(
        follower=account, followee=target, defaults={"world": account.world, "created_at": at}
    )
    if created:
        Account.objects.filter(pk=account.pk).update(following_count=F("following_count") + 1)
        Account.objects.filter(pk=target.pk).update(followers_count=F("followers_count") + 1)
        account.following_count += 1


def _after(rows: Any, at: datetime, number: int) -> Any:
    """Rows after the cursor (at, number); the plain ``created_at >= at`` lets an index on
    (…, created_at, number) start at the cursor instead of scanning up to it."""
    return rows.filter(created_at__gte=at).filter(
        Q(created_at__gt=at) | Q(created_at=at, number__gt=number)
    )


def inbox(account: Account, *, after: tuple[datetime, int] | None, limit: int) -> list[Message]:
    """Messages to ``account`` the world has reached, oldest first, after the cursor."""
    rows = Message.objects.filter(
        recipient=account, created_at__lte=account.world.simulated_until
    ).exclude(author=account)
    if after is not None:
        at, number = after
        rows = _after(rows, at, number)
    rows = rows.select_related("author", "recipient", "post", "parent")
    return list(rows.order_by("created_at", "number")[:limit])


def public_posts(
    world: World,
    *,
    after: tuple[datetime, int] | None = None,
    since: datetime | None = None,
    terms: Sequence[str] = (),
    limit: int,
) -> list[Post]:
    """Public posts the world has reached, oldest first; every term must appear."""
    rows = Post.objects.filter(
        world=world, deleted_at__isnull=True, created_at__lte=world.simulated_until
    )
    if after is not None:
        at, number = after
        rows = _after(rows, at, number)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    for term in terms:
        rows = rows.filter(text__icontains=term)
    return list(rows.select_related("author", "repost_of").order_by("created_at", "number")[:limit])


@transaction.atomic
def update_profile(account: Account, changes: Mapping[str, str]) -> Account:
    """Apply profile changes; ``verification`` asks for 企业认证, granted at once here."""
    contacts = dict(account.contacts)
    fields: set[str] = set()
    for key, value in changes.items():
        if key in PROFILE_FIELDS:
            setattr(account, key, value)
            fields.add(key)
        elif key.startswith(CONTACT_PREFIX):
            name = key.removeprefix(CONTACT_PREFIX)
            if value:
                contacts[name] = value
            else:
                contacts.pop(name, None)
            fields.add("contacts")
        elif key == "verification":
            account.verified = bool(value)
            account.verification_label = value
            fields |= {"verified", "verification_label"}
        elif key == "pinned_post_id":
            account.pinned_post_number = own_post(account, int(value)).number if value else None
            fields.add("pinned_post_number")
        else:
            raise ValueError(f"unknown profile field {key!r}")
    account.contacts = contacts
    account.save(update_fields=sorted(fields))
    return account
