"""Set-up the inbox tests share: sandbox accounts and their audience, inbox rows written fast.

Two ways to fill an inbox:
- through the simulated network (``sandbox_channel`` + ``audience_writes`` + ``sync``): what a
  real sync does, classification and threading included;
- straight to the tables (``conversation`` + ``inbound`` / ``reply``): fast, for list, thread,
  SLA and contact tests that do not care how the rows arrived.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F

from socialops.accounts.models import User
from socialops.channels.actions import connect_channel, credentials_of
from socialops.channels.models import Channel
from socialops.connectors.base import Author, InboxItem
from socialops.connectors.sandbox import network
from socialops.connectors.sandbox.models import Account, AccountKind, MessageKind
from socialops.connectors.sandbox.models import Message as SandboxMessage
from socialops.connectors.sandbox.models import Post as SandboxPost
from socialops.core.clock import now
from socialops.inbox.models import Conversation, Kind, Message

_ids = itertools.count(1)


# ---- the simulated network ------------------------------------------------------------------


def sandbox_channel(team: Any, handle: str = "acme_help", *, platform: str = "weibo") -> Channel:
    """A sandbox account of alice's workspace (connected by alice)."""
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": f"Acme {handle}", "handle": handle},
        platform=platform,
    )


def sandbox_account(channel: Channel) -> Account:
    """Our account on the simulated network."""
    return Account.objects.select_related("world").get(pk=credentials_of(channel)["account_id"])


def persona(channel: Channel, index: int = 0) -> Account:
    """A member of the simulated audience of the account's world (the same one for an index)."""
    world = sandbox_account(channel).world
    return Account.objects.filter(world=world, kind=AccountKind.PERSONA).order_by("number")[index]


def our_post(channel: Channel, text: str = "新品发布 #示例品牌#") -> SandboxPost:
    """A post of ours on the network (not through publishing)."""
    post, _created = network.publish(
        sandbox_account(channel), text=text, idempotency_key="", at=_visible_time(channel)
    )
    return post


def audience_writes(
    channel: Channel,
    text: str,
    *,
    kind: str = MessageKind.DM,
    author: Account | None = None,
    post: SandboxPost | None = None,
    parent: SandboxMessage | None = None,
    at: datetime | None = None,
) -> SandboxMessage:
    """A comment, mention or DM from the audience to our account, visible to the next sync.

    ``at`` defaults to the world's simulated time, so it is there without advancing the world.
    """
    ours = sandbox_account(channel)
    world = ours.world
    author = author or persona(channel)
    if kind == MessageKind.MENTION and post is None:
        post = SandboxPost.objects.create(
            world=world,
            number=network._numbers(world),
            author=author,
            text=text,
            created_at=at or _visible_time(channel),
        )
    return SandboxMessage.objects.create(
        world=world,
        number=network._numbers(world),
        kind=kind,
        author=author,
        recipient=ours,
        post=post,
        parent=parent,
        text=text,
        created_at=at or _visible_time(channel),
    )


def quiet_until(channel: Channel, at: datetime) -> None:
    """Move the account's world to ``at`` with no audience activity in between (the clock must
    be at or past ``at``), so later messages can be written at later times."""
    from socialops.connectors.sandbox.models import World

    World.objects.filter(pk=sandbox_account(channel).world_id).update(simulated_until=at)


def _visible_time(channel: Channel) -> datetime:
    return sandbox_account(channel).world.simulated_until


def sync(channel: Channel, **options: Any) -> Any:
    """One sync of the account, as the periodic task runs it."""
    from socialops.inbox.ingest import sync_channel

    return sync_channel(channel, **options)


def sandbox_replies(channel: Channel) -> list[SandboxMessage]:
    """What our account answered on the network."""
    return list(SandboxMessage.objects.filter(author=sandbox_account(channel)).order_by("number"))


# ---- connector values ---------------------------------------------------------------------


def item(
    kind: str = "dm",
    *,
    remote_id: str = "",
    author: str = "u1",
    handle: str = "",
    text: str = "你好",
    thread_id: str = "",
    parent_id: str = "",
    at: datetime | None = None,
    **raw: Any,
) -> InboxItem:
    """An InboxItem as a connector would return it (remote ids unique unless given)."""
    return InboxItem(
        kind=kind,
        remote_id=remote_id or f"r{next(_ids)}",
        author=Author(remote_id=author, handle=handle or f"h_{author}", name=f"Name {author}"),
        text=text,
        created_at=at or now(),
        thread_id=thread_id,
        parent_id=parent_id,
        raw=raw,
    )


# ---- inbox rows straight to the tables ----------------------------------------------------


def conversation(
    channel: Channel,
    *,
    kind: str = Kind.DM,
    author: str = "u1",
    thread_key: str = "",
    **fields: Any,
) -> Conversation:
    """An empty conversation of the account (add messages with ``inbound`` / ``reply``)."""
    return Conversation.objects.create(
        workspace_id=channel.workspace_id,
        channel=channel,
        kind=kind,
        thread_key=thread_key or f"{kind}:{author}:{next(_ids)}",
        author_remote_id=author,
        author_handle=fields.pop("author_handle", f"h_{author}"),
        **fields,
    )


def inbound(
    conv: Conversation,
    text: str = "请问什么时候发货?",
    *,
    at: datetime | None = None,
    remote_id: str = "",
    **fields: Any,
) -> Message:
    """A customer's message in the conversation; its counters follow."""
    at = at or now()
    message = Message.objects.create(
        workspace_id=conv.workspace_id,
        conversation=conv,
        channel_id=conv.channel_id,
        direction=Message.Direction.INBOUND,
        remote_id=remote_id or f"in{next(_ids)}",
        author_remote_id=conv.author_remote_id,
        author_handle=conv.author_handle,
        text=text,
        created_at=at,
        **fields,
    )
    Conversation.objects.filter(pk=conv.pk).update(
        message_count=conv.message_count + 1,
        last_message_at=at,
        last_inbound_at=at,
        unanswered=True,
        preview=text[:200],
    )
    conv.refresh_from_db()
    return message


def reply(
    conv: Conversation,
    text: str = "您好，已为您查询。",
    *,
    by: User | None = None,
    state: str = Message.SendState.SENDING,
    at: datetime | None = None,
    key: str = "",
) -> Message:
    """Our reply as the inbox's reply action leaves it: SENDING, waiting for sending.deliver.

    The row counts in the thread from its creation (message_count); being answered (unanswered,
    first response, last_outbound_at) waits for SENT.
    """
    Conversation.objects.filter(pk=conv.pk).update(message_count=F("message_count") + 1)
    conv.refresh_from_db()
    return Message.objects.create(
        workspace_id=conv.workspace_id,
        conversation=conv,
        channel_id=conv.channel_id,
        direction=Message.Direction.OUTBOUND,
        text=text,
        created_at=at or now(),
        sent_by=by,
        send_state=state,
        idempotency_key=key or f"reply-{next(_ids)}",
    )


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
