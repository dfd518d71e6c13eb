"""Set-up the publishing tests share: sandbox and manual accounts, posts due at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from socialops.accounts.models import User, Workspace
from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.connectors.sandbox.models import Account
from socialops.connectors.sandbox.models import Post as SandboxPost
from socialops.content import actions as content
from socialops.content.models import Post, Variant
from socialops.core.clock import now
from socialops.publishing.actions import new_key, request_of
from socialops.publishing.models import Publication
from socialops.publishing.requests import freeze


def sandbox_channel(team: Any, handle: str = "acme_news") -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": f"Acme {handle}", "handle": handle},
        platform="weibo",
    )


def manual_channel(team: Any, platform: str = "xiaohongshu", handle: str = "acme") -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="manual",
        fields={"platform": platform, "handle": handle},
        platform=platform,
    )


def scheduled_post(
    team: Any, channels: Sequence[Channel], *, at: datetime, body: str = "新品上市"
) -> Post:
    """Written by carol, approved by bob: scheduled for ``at`` through the content actions."""
    carol, bob = team.access("carol"), team.access("bob")
    post = content.create_post(
        access=carol, channel_ids=[c.pk for c in channels], body=body, scheduled_at=at
    )
    content.submit_post(access=carol, post=post)
    return content.approve_post(access=bob, post=post)


def publication_of(post: Post) -> Publication:
    return Publication.objects.exclude(state=Publication.State.CANCELLED).get(post=post)


def make_publication(
    workspace: Workspace,
    channel: Channel,
    *,
    author: User | None = None,
    state: str = Publication.State.SCHEDULED,
    at: datetime | None = None,
    body: str = "手工发布的一条",
    **fields: Any,
) -> Publication:
    """A post, its variant and its publication written straight to the tables (fast)."""
    at = at or now()
    post = Post.objects.create(
        workspace=workspace,
        body=body,
        state=Post.State.SCHEDULED if state == Publication.State.MANUAL else state,
        scheduled_at=at,
        created_by=author,
    )
    variant = Variant.objects.create(post=post, channel=channel, text=body)
    return Publication.objects.create(
        workspace=workspace,
        post=post,
        variant=variant,
        channel=channel,
        state=state,
        due_at=at,
        not_before=at,
        idempotency_key=new_key(),
        request=freeze(request_of(variant)),
        **fields,
    )


def sandbox_posts(channel: Channel) -> list[SandboxPost]:
    """What the simulated network holds from this account (our posts, not the audience's)."""
    from socialops.channels.actions import credentials_of

    account = Account.objects.get(pk=credentials_of(channel)["account_id"])
    return list(SandboxPost.objects.filter(author=account, repost_of__isnull=True))
