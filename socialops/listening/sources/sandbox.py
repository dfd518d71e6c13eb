"""The sandbox network's public posts, through the channel's connector (``stream``).

The sandbox stream hands every public post the simulated world has reached after the cursor and
ends: a polled source. With no cursor yet it starts ``backfill_hours`` (config, default 24)
before now rather than at the world's beginning.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from socialops.channels.models import Channel
from socialops.connectors.base import PublicPost
from socialops.core.clock import now
from socialops.listening.incoming import IncomingPost
from socialops.listening.models import Source, SourceKind

from . import Item, Reader, SourceError, backfill_hours, register

DEFAULT_BACKFILL_HOURS = 24.0


def incoming(post: PublicPost, platform: str) -> IncomingPost:
    """A connector's PublicPost as the pipeline's IncomingPost."""
    author = post.author
    return IncomingPost(
        platform=platform,
        remote_id=post.remote_id,
        text=post.text,
        posted_at=post.created_at,
        url=post.url,
        author_remote_id=author.remote_id,
        author_handle=author.handle,
        author_name=author.name,
        author_followers=author.followers,
        author_verified=author.verified,
        lang=post.lang,
        reposts=post.reposts,
        likes=post.likes,
        raw=dict(post.raw),
    )


def start_cursor(hours: float) -> str:
    """A sandbox cursor just before ``hours`` ago (the connector's own encoding)."""
    at = now() - timedelta(hours=hours)
    return base64.urlsafe_b64encode(f"{at.isoformat()}|0".encode()).decode()


@register
class SandboxReader(Reader):
    kind = SourceKind.SANDBOX

    @classmethod
    def check(cls, config: Mapping[str, Any], channel: Channel | None) -> dict[str, Any]:
        if channel is None or channel.connector != "sandbox":
            raise SourceError(_("A sandbox source needs a sandbox channel"), field="channel")
        return {"backfill_hours": backfill_hours(config, DEFAULT_BACKFILL_HOURS)}

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        from socialops.channels.actions import connector_for

        channel = source.channel
        if channel is None or channel.connector != "sandbox":
            raise SourceError(_("A sandbox source needs a sandbox channel"), field="channel")
        if not cursor:
            cursor = start_cursor(backfill_hours(source.config or {}, DEFAULT_BACKFILL_HOURS))
        with connector_for(channel) as connector:
            for post, after in connector.stream(cursor):
                yield incoming(post, "sandbox"), after
                if self.budget.over():
                    return
