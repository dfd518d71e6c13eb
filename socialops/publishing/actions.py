"""Writes to publications made on behalf of posts: plan, move, cancel, and the post's state.

The engine (claiming, calling connectors, reconciling) lives in engine.py; these run inside the
content actions' transactions.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count

from socialops.connectors.base import Article, Media, PublishRequest
from socialops.content.models import Asset, Post, Variant
from socialops.core import audit
from socialops.core.clock import now

from .models import Publication
from .requests import freeze

if TYPE_CHECKING:
    from socialops.accounts.models import User

PENDING = (Publication.State.SCHEDULED,)
LIVE_STATES = [s for s in Publication.State.values if s != Publication.State.CANCELLED]


def new_key() -> str:
    return secrets.token_hex(16)


def request_of(variant: Variant) -> PublishRequest:
    """What the variant sends: its text, the post's media and link, the article form."""
    post = variant.post
    media: tuple[Media, ...] = ()
    if variant.include_media:
        media = tuple(
            _media_of(row.asset) for row in post.media.select_related("asset") if row.asset.file
        )
    article = None
    if post.format == Post.Format.ARTICLE:
        article = Article(
            title=post.article_title,
            html=post.article_html,
            author=post.article_author,
            digest=post.article_digest,
            cover=_media_of(post.article_cover) if post.article_cover is not None else None,
            source_url=post.article_source_url,
        )
    return PublishRequest(
        text=variant.text,
        media=media,
        link=post.link,
        article=article,
        first_comment=variant.first_comment,
    )


def _media_of(asset: Asset) -> Media:
    return Media(
        kind="video" if asset.kind == Asset.Kind.VIDEO else "image",
        path=asset.file.name,
        mime_type=asset.mime_type,
        alt=asset.title,
    )


@transaction.atomic
def plan(post: Post, *, at: datetime) -> list[Publication]:
    """A publication per variant due at ``at``; live ones are moved, not duplicated."""
    planned = []
    for variant in post.variants.select_related("channel", "post"):
        live = Publication.objects.filter(variant=variant).exclude(
            state=Publication.State.CANCELLED
        )
        existing = live.first()
        if existing is not None:
            if existing.state == Publication.State.SCHEDULED:
                existing.due_at = existing.not_before = at
                existing.request = freeze(request_of(variant))
                existing.post_version = post.version
                existing.updated_at = now()
                existing.save(
                    update_fields=["due_at", "not_before", "request", "post_version", "updated_at"]
                )
            planned.append(existing)
            continue
        planned.append(
            Publication.objects.create(
                workspace_id=post.workspace_id,
                post=post,
                variant=variant,
                channel=variant.channel,
                due_at=at,
                not_before=at,
                post_version=post.version,
                idempotency_key=new_key(),
                request=freeze(request_of(variant)),
            )
        )
    return planned


@transaction.atomic
def cancel_pending(post: Post) -> int:
    """Cancel what has not started; rows already publishing or done stay as they are."""
    return Publication.objects.filter(post=post, state__in=PENDING).update(
        state=Publication.State.CANCELLED, updated_at=now()
    )


@transaction.atomic
def cancel_failed(post: Post) -> int:
    """Retire failed rows when their post is edited to try again; their history stays."""
    return Publication.objects.filter(post=post, state=Publication.State.FAILED).update(
        state=Publication.State.CANCELLED, updated_at=now()
    )


def refresh_post_state(post_id: int, *, actor: User | None = None, via: str = "worker") -> str:
    """Derive a scheduled post's state from its publications; audit a change. Returns the state."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post_id)
        if post.state not in FOLLOWS_PUBLICATIONS:
            return str(post.state)
        counts = dict(
            Publication.objects.filter(post=post)
            .exclude(state=Publication.State.CANCELLED)
            .values_list("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        state = derive_post_state(counts)
        if state is None or state == post.state:
            return str(post.state)
        before = {"state": post.state}
        post.state = state
        fields = ["state", "updated_at"]
        post.updated_at = now()
        if state == Post.State.PUBLISHED and post.published_at is None:
            post.published_at = now()
            fields.append("published_at")
        post.save(update_fields=fields)
        audit.record(
            action=f"post.{state}",
            workspace=post.workspace,
            actor=actor,
            via=via,
            target=post,
            before=before,
            after={"state": state},
        )
        return str(state)


FOLLOWS_PUBLICATIONS = {
    Post.State.SCHEDULED,
    Post.State.PUBLISHING,
    Post.State.PUBLISHED,
    Post.State.FAILED,
    Post.State.UNCONFIRMED,
}


def derive_post_state(counts: dict[str, int]) -> str | None:
    """Worst first: publishing, unconfirmed, failed; then scheduled; published when all are."""
    if not counts:
        return None
    states = Publication.State
    if counts.get(states.PUBLISHING):
        return Post.State.PUBLISHING
    if counts.get(states.UNCONFIRMED):
        return Post.State.UNCONFIRMED
    if counts.get(states.FAILED):
        return Post.State.FAILED
    if counts.get(states.SCHEDULED) or counts.get(states.MANUAL):
        return Post.State.SCHEDULED
    return Post.State.PUBLISHED
