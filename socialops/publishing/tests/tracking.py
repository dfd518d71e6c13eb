"""Set-up the tracking tests share: posts published on the sandbox or by hand, snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialops.channels.actions import connect_channel, connector_for
from socialops.channels.models import Channel
from socialops.content.models import ContentPillar, Post, Variant
from socialops.core.clock import now
from socialops.publishing.actions import new_key, request_of
from socialops.publishing.models import MetricSnapshot, Publication
from socialops.publishing.requests import freeze
from socialops.publishing.schedule import metrics_due


def sandbox_account(team: Any, handle: str = "acme_track", followers: int = 20000) -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 跟踪", "handle": handle, "followers": str(followers)},
        platform="weibo",
    )


def manual_account(team: Any, platform: str = "xiaohongshu") -> Channel:
    return connect_channel(
        access=team.access("alice"),
        connector="manual",
        fields={"platform": platform, "handle": "acme_hand"},
        platform=platform,
    )


def published(
    channel: Channel,
    *,
    body: str = "新品上市，快来看看",
    at: datetime | None = None,
    on_platform: bool = True,
    url: str = "",
    pillar: ContentPillar | None = None,
    format: str = Post.Format.TEXT,
    link: str = "",
) -> Publication:
    """A post published on ``channel`` at ``at`` (now), its metrics schedule started.

    on_platform: really publish it through the connector (the sandbox), so it has numbers.
    """
    at = at or now()
    post = Post.objects.create(
        workspace=channel.workspace,
        body=body,
        state=Post.State.PUBLISHED,
        pillar=pillar,
        format=format,
        link=link,
        scheduled_at=at,
        published_at=at,
    )
    variant = Variant.objects.create(post=post, channel=channel, text=body)
    request = request_of(variant)
    remote_id, remote_url = url, url
    key = new_key()
    if on_platform:
        with connector_for(channel) as connector:
            ref = connector.publish(request, idempotency_key=key)
        remote_id, remote_url = ref.remote_id, ref.url
    return Publication.objects.create(
        workspace=channel.workspace,
        post=post,
        variant=variant,
        channel=channel,
        state=Publication.State.PUBLISHED,
        due_at=at,
        not_before=at,
        idempotency_key=key,
        request=freeze(request),
        remote_id=remote_id,
        url=remote_url,
        published_at=at,
        metrics_step=0,
        metrics_due_at=metrics_due(at, 0),
    )


def snapshot(publication: Publication, at: datetime, **counts: int | None) -> MetricSnapshot:
    return MetricSnapshot.objects.create(
        publication=publication, step="24h", collected_at=at, **counts
    )
