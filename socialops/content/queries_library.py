"""Reads of the content library, scoped to a workspace; another workspace's ids are a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.core.clock import now
from socialops.platforms import catalog
from socialops.platforms.catalog import Platform

from .library import search
from .library.fit import EXPIRING_WITHIN, Problem, check_asset_for, rights_state
from .models import Asset, Post

RIGHTS_STATES = ("expired", "expiring", "ok")

__all__ = [
    "RIGHTS_STATES",
    "Fit",
    "Use",
    "asset",
    "fit_of",
    "library",
    "rights_state",
    "tags_in_use",
    "usage",
    "workspace_assets",
]


def workspace_assets(workspace: Workspace, archived: bool | None = False) -> QuerySet[Asset]:
    """The workspace's assets, newest first; archived=None: active and archived."""
    found = Asset.objects.filter(workspace=workspace)
    return found if archived is None else found.filter(archived=archived)


def library(
    workspace: Workspace,
    *,
    q: str = "",
    kind: str | None = None,
    tag: str | None = None,
    rights: str | None = None,
    archived: bool | None = False,
    at: datetime | None = None,
) -> QuerySet[Asset]:
    """The library filtered: every word of q, one kind, one tag, a usage-rights state."""
    found = search.matching(workspace_assets(workspace, archived), q)
    if kind:
        found = found.filter(kind=kind)
    if tag:
        found = with_tag(found, tag)
    if rights:
        found = found.filter(_rights_filter(rights, at or now()))
    return found


def with_tag(assets: QuerySet[Asset], tag: str) -> QuerySet[Asset]:
    """Assets carrying exactly this tag (JSON containment differs by database)."""
    if connection.vendor == "postgresql":
        return assets.filter(tags__contains=[tag])
    return assets.filter(
        pk__in=RawSQL(  # noqa: S611 - the tag is a parameter
            "SELECT content_asset.id FROM content_asset, json_each(content_asset.tags) "
            "WHERE json_each.value = %s",
            (tag,),
        )
    )


def _rights_filter(state: str, at: datetime) -> Q:
    if state == "expired":
        return Q(expires_at__lte=at)
    if state == "expiring":
        return Q(expires_at__gt=at, expires_at__lte=at + EXPIRING_WITHIN)
    return Q(expires_at__isnull=True) | Q(expires_at__gt=at + EXPIRING_WITHIN)


def asset(workspace: Workspace, asset_id: int) -> Asset:
    found = (
        workspace_assets(workspace, archived=None)
        .select_related("created_by")
        .filter(pk=asset_id)
        .first()
    )
    if found is None:
        raise Http404("No such asset.")
    return found


def tags_in_use(workspace: Workspace) -> list[str]:
    """Every tag on the workspace's active assets, sorted."""
    tags: set[str] = set()
    for row in workspace_assets(workspace).values_list("tags", flat=True):
        tags.update(t for t in row or [] if isinstance(t, str))
    return sorted(tags)


@dataclass(frozen=True)
class Use:
    """A post that uses an asset, and how: as media or as the article cover."""

    post: Post
    as_media: bool
    as_cover: bool


def usage(found: Asset) -> list[Use]:
    """Posts of the asset's workspace that use it, newest first (archived posts too)."""
    posts = (
        Post.objects.filter(workspace_id=found.workspace_id)
        .filter(Q(media__asset=found) | Q(article_cover=found))
        .distinct()
        .order_by("-id")
    )
    media = set(found.uses.values_list("post_id", flat=True))
    return [
        Use(post=post, as_media=post.pk in media, as_cover=post.article_cover_id == found.pk)
        for post in posts
    ]


@dataclass(frozen=True)
class Fit:
    platform: Platform
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def fit_of(found: Asset, codes: list[str] | None = None) -> list[Fit]:
    """The asset checked against every platform in use (or the ones named)."""
    platforms = (
        [p for p in (catalog.get(code) for code in codes) if p is not None]
        if codes
        else [p for p in catalog.catalog().platform if not p.is_retired]
    )
    return [Fit(platform=p, problems=check_asset_for(found, p)) for p in platforms]
