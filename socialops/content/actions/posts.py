"""Writing posts: create, edit (an edit after approval goes back to review), duplicate, archive."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.campaigns.models import Topic
from socialops.channels.models import Channel
from socialops.content.adapt import adapt_text
from socialops.content.models import Asset, ContentPillar, Post, PostMedia, Variant
from socialops.content.richtext import clean_article_html
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

from .review import approval_stages, notify_approvers, return_to_review

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "POST_FIELDS",
    "VariantSpec",
    "archive_post",
    "create_post",
    "duplicate_post",
    "update_post",
]

# What is sent to the platforms: changing any of it makes a new version.
CONTENT_FIELDS = [
    "body",
    "format",
    "paid",
    "link",
    "first_comment",
    "article_title",
    "article_author",
    "article_digest",
    "article_html",
    "article_cover",
    "article_source_url",
]
POST_FIELDS = ["title", "state", "pillar", "scheduled_at", "version", *CONTENT_FIELDS]
EDITABLE_STATES = {
    Post.State.IDEA,
    Post.State.DRAFT,
    Post.State.IN_REVIEW,
    Post.State.CHANGES_REQUESTED,
    Post.State.APPROVED,
    Post.State.SCHEDULED,
    Post.State.FAILED,
}
_LIMITS = {"title": 200, "article_title": 64, "article_author": 16, "article_digest": 120}


class VariantSpec(dict[str, Any]):
    """{"channel_id": int, "text"?: str, "first_comment"?: str, "include_media"?: bool}."""


def _channels(access: Access, ids: Sequence[int]) -> list[Channel]:
    wanted = list(dict.fromkeys(ids))
    found = {
        c.pk: c
        for c in Channel.objects.filter(workspace=access.workspace, pk__in=wanted).exclude(
            status=Channel.Status.DISCONNECTED
        )
    }
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise ValidationError(
            {
                "channels": _("Not an account of this workspace: %(ids)s.")
                % {"ids": ", ".join(missing)}
            }
        )
    return [found[i] for i in wanted]


def _pillar(access: Access, pillar_id: int | None) -> ContentPillar | None:
    if pillar_id is None:
        return None
    pillar = ContentPillar.objects.filter(workspace=access.workspace, pk=pillar_id).first()
    if pillar is None or pillar.archived:
        raise ValidationError({"pillar_id": _("Not an active pillar of this workspace.")})
    return pillar


def _topics(access: Access, ids: Sequence[int]) -> list[Topic]:
    wanted = list(dict.fromkeys(ids))
    found = {t.pk: t for t in Topic.objects.filter(workspace=access.workspace, pk__in=wanted)}
    if len(found) != len(wanted):
        raise ValidationError({"topic_ids": _("Not a topic of this workspace.")})
    return [found[i] for i in wanted]


def _assets(access: Access, ids: Sequence[int], field: str = "media_ids") -> list[Asset]:
    wanted = list(dict.fromkeys(ids))
    found = {
        a.pk: a
        for a in Asset.objects.filter(workspace=access.workspace, pk__in=wanted, archived=False)
    }
    if len(found) != len(wanted):
        raise ValidationError({field: _("Not an asset in this workspace's library.")})
    expired = [
        a.title for a in found.values() if a.expires_at is not None and a.expires_at <= now()
    ]
    if expired:
        raise ValidationError(
            {field: _("Usage rights have expired: %(titles)s.") % {"titles": ", ".join(expired)}}
        )
    return [found[i] for i in wanted]


def _clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        value = cleaned.get(name)
        if isinstance(value, str):
            cleaned[name] = value = value.strip()
            if len(value) > limit:
                errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    if isinstance(cleaned.get("article_html"), str):  # the API gets the composer's cleaning too
        cleaned["article_html"] = clean_article_html(cleaned["article_html"])
    if "format" in cleaned and cleaned["format"] not in Post.Format.values:
        errors["format"] = _("Not a post format.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _sync_variants(
    post: Post, channels: list[Channel], specs: Mapping[int, Mapping[str, Any]]
) -> bool:
    """Make the post's variants match ``channels``; True if anything sent changed."""
    topics = list(post.topics.all())
    changed = False
    existing = {v.channel_id: v for v in post.variants.all()}
    for channel_id, variant in existing.items():
        if channel_id not in {c.pk for c in channels}:
            variant.delete()
            changed = True
    for channel in channels:
        spec = specs.get(channel.pk, {})
        variant = existing.get(channel.pk) or Variant(post=post, channel=channel)
        before = (variant.text, variant.first_comment, variant.include_media)
        if "text" in spec and spec["text"] is not None:
            variant.text = spec["text"]
            variant.customised = True
        elif spec.get("reset") or not variant.customised:
            variant.text = adapt_text(
                post.body, platform=channel.platform, connector=channel.connector, topics=topics
            )
            variant.customised = False
        if "first_comment" in spec and spec["first_comment"] is not None:
            variant.first_comment = spec["first_comment"]
        elif variant.pk is None:
            variant.first_comment = post.first_comment
        if "include_media" in spec and spec["include_media"] is not None:
            variant.include_media = bool(spec["include_media"])
        if variant.pk is None or before != (
            variant.text,
            variant.first_comment,
            variant.include_media,
        ):
            variant.updated_at = now()
            variant.save()
            changed = True
    return changed


def _set_media(post: Post, assets: list[Asset]) -> bool:
    current = list(post.media.values_list("asset_id", flat=True))
    if current == [a.pk for a in assets]:
        return False
    post.media.all().delete()
    PostMedia.objects.bulk_create(
        PostMedia(post=post, asset=asset, position=i) for i, asset in enumerate(assets)
    )
    return True


def _variant_snapshot(post: Post) -> list[dict[str, Any]]:
    return [
        {"channel": v.channel_id, "text": v.text, "first_comment": v.first_comment}
        for v in post.variants.order_by("channel_id")
    ]


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise ValidationError({"scheduled_at": _("Give a time with its time zone.")})
    return at


@transaction.atomic
def create_post(
    *,
    access: Access,
    channel_ids: Sequence[int] = (),
    body: str = "",
    title: str = "",
    state: str = Post.State.DRAFT,
    pillar_id: int | None = None,
    topic_ids: Sequence[int] = (),
    media_ids: Sequence[int] = (),
    variants: Sequence[Mapping[str, Any]] = (),
    scheduled_at: datetime | None = None,
    request: HttpRequest | None = None,
    via: str | None = None,
    **fields: Any,
) -> Post:
    """A new idea or draft with a variant for each chosen account."""
    access.require(Perm.CONTENT_EDIT, request)
    if state not in (Post.State.IDEA, Post.State.DRAFT):
        raise ValidationError({"state": _("A new post is an idea or a draft.")})
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    cleaned = _clean_fields({"title": title, **fields})
    if "article_cover" in cleaned:
        cleaned["article_cover"] = _cover(access, cleaned["article_cover"])
    post = Post(
        workspace=access.workspace,
        body=body,
        state=state,
        pillar=_pillar(access, pillar_id),
        scheduled_at=_aware(scheduled_at),
        created_by=access.user,
        **cleaned,
    )
    post.full_clean(exclude=["workspace", "created_by", "pillar", "article_cover"])
    post.save()
    post.topics.set(_topics(access, topic_ids))
    _set_media(post, _assets(access, media_ids))
    specs = {int(v["channel_id"]): v for v in variants}
    channels = _channels(access, [*channel_ids, *specs])
    _sync_variants(post, channels, specs)
    audit.record(
        action="post.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        via=via,
        target=post,
        after={**snapshot(post, POST_FIELDS), "variants": _variant_snapshot(post)},
    )
    return post


def _cover(access: Access, asset_id: int | None) -> Asset | None:
    if asset_id is None:
        return None
    (asset,) = _assets(access, [int(asset_id)], field="article_cover")
    if asset.kind != Asset.Kind.IMAGE:
        raise ValidationError({"article_cover": _("The cover must be an image.")})
    return asset


@transaction.atomic
def update_post(
    *,
    access: Access,
    post: Post,
    changes: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Post:
    """Apply ``changes``; an edit of what is sent after review began goes back to review.

    changes may hold the post's fields, "pillar_id", "topic_ids", "media_ids", "channel_ids" and
    "variants" (a list of VariantSpec; accounts not listed keep their variant).
    """
    access.require(Perm.CONTENT_EDIT, request)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.state not in EDITABLE_STATES:
        raise ValidationError(
            {
                "state": _("A post that is %(state)s can no longer be edited.")
                % {"state": post.get_state_display()}
            }
        )
    before = {**snapshot(post, POST_FIELDS), "variants": _variant_snapshot(post)}
    plain = {k: v for k, v in changes.items() if k in ["title", *CONTENT_FIELDS]}
    unknown = (
        set(changes)
        - set(plain)
        - {
            "pillar_id",
            "topic_ids",
            "media_ids",
            "channel_ids",
            "variants",
            "scheduled_at",
        }
    )
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    cleaned = _clean_fields(plain)
    if "article_cover" in cleaned:
        cleaned["article_cover"] = _cover(access, cleaned["article_cover"])
    content_changed = False
    for name, value in cleaned.items():
        if getattr(post, name) != value:
            setattr(post, name, value)
            content_changed = content_changed or name in CONTENT_FIELDS
    if "pillar_id" in changes:
        post.pillar = _pillar(access, changes["pillar_id"])
    if "scheduled_at" in changes:
        post.scheduled_at = _aware(changes["scheduled_at"])
    post.full_clean(exclude=["workspace", "created_by", "pillar", "article_cover"])
    if "topic_ids" in changes:
        topics = _topics(access, changes["topic_ids"])
        if {t.pk for t in topics} != set(post.topics.values_list("pk", flat=True)):
            post.topics.set(topics)
            content_changed = True
    if "media_ids" in changes:
        content_changed = _set_media(post, _assets(access, changes["media_ids"])) or content_changed
    specs = {int(v["channel_id"]): v for v in changes.get("variants") or ()}
    if "channel_ids" in changes:
        channel_ids = [
            *changes["channel_ids"],
            *[i for i in specs if i not in changes["channel_ids"]],
        ]
    else:
        channel_ids = [*post.variants.values_list("channel_id", flat=True), *specs]
    if _sync_variants(post, _channels(access, channel_ids), specs) or content_changed:
        post.version += 1
        content_changed = True
    post.updated_at = now()
    post.save()
    action = "post.updated"
    if content_changed and post.state in (
        Post.State.IN_REVIEW,
        Post.State.APPROVED,
        Post.State.SCHEDULED,
        Post.State.FAILED,
    ):
        action = return_to_review(post)
    elif "scheduled_at" in changes and post.state == Post.State.SCHEDULED:
        _replan(post)
        action = "post.rescheduled"
    after = {**snapshot(post, POST_FIELDS), "variants": _variant_snapshot(post)}
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=post,
        before=before,
        after=after,
    )
    if action == "post.returned_to_review" and approval_stages(post.workspace):
        notify_approvers(post, actor=access.user, edited=True)
    return post


def _replan(post: Post) -> None:
    from socialops.publishing import actions as publishing

    if post.scheduled_at is None:
        raise ValidationError({"scheduled_at": _("A scheduled post needs a time.")})
    publishing.plan(post, at=post.scheduled_at)


@transaction.atomic
def duplicate_post(*, access: Access, post: Post, request: HttpRequest | None = None) -> Post:
    """A new draft with the same content, pillar, topics, media and accounts, unscheduled."""
    access.require(Perm.CONTENT_EDIT, request)
    copy = Post.objects.get(pk=post.pk)
    copy.pk = None
    copy.state = Post.State.DRAFT
    copy.title = (_("Copy of %(title)s") % {"title": post.title})[:200] if post.title else ""
    copy.scheduled_at = copy.submitted_at = copy.approved_at = copy.published_at = None
    copy.version = 1
    copy.duplicated_from = post
    copy.created_by = access.user
    copy.created_at = copy.updated_at = now()
    copy.archived = False
    copy.save()
    copy.topics.set(post.topics.all())
    PostMedia.objects.bulk_create(
        PostMedia(post=copy, asset_id=m.asset_id, position=m.position) for m in post.media.all()
    )
    Variant.objects.bulk_create(
        Variant(
            post=copy,
            channel_id=v.channel_id,
            text=v.text,
            customised=v.customised,
            first_comment=v.first_comment,
            include_media=v.include_media,
        )
        for v in post.variants.all()
    )
    audit.record(
        action="post.duplicated",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=copy,
        after={**snapshot(copy, POST_FIELDS), "from": post.pk},
    )
    return copy


@transaction.atomic
def archive_post(*, access: Access, post: Post, request: HttpRequest | None = None) -> Post:
    """Hide a post from lists; anything not yet published is cancelled first."""
    access.require(Perm.CONTENT_EDIT, request)
    from socialops.publishing import actions as publishing

    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.state in (Post.State.PUBLISHING, Post.State.UNCONFIRMED):
        raise ValidationError({"state": _("Wait until publishing has finished before archiving.")})
    before = snapshot(post, ["state", "archived"])
    publishing.cancel_pending(post)
    if post.state in (Post.State.SCHEDULED,):
        post.state = Post.State.APPROVED
    post.archived = True
    post.updated_at = now()
    post.save(update_fields=["archived", "state", "updated_at"])
    audit.record(
        action="post.archived",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=post,
        before=before,
        after=snapshot(post, ["state", "archived"]),
    )
    return post
