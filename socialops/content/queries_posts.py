"""Reads of posts, scoped to a workspace; another workspace's post is a 404, and logged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.core import audit
from socialops.core import text as core_text
from socialops.platforms import catalog

from .models import Post, ReviewComment, Variant
from .rules import Finding

if TYPE_CHECKING:
    from django.http import HttpRequest

GENERIC_LIMIT = 1_000_000  # a platform without a known limit: counted, never "over"


@dataclass(frozen=True)
class PostFilter:
    states: Sequence[str] = ()
    pillar_id: int | None = None
    channel_id: int | None = None
    scheduled_from: datetime | None = None
    scheduled_to: datetime | None = None
    text: str = ""
    include_archived: bool = False


def workspace_posts(workspace: Workspace, flt: PostFilter | None = None) -> QuerySet[Post]:
    """The workspace's posts matching ``flt``, newest first, with what lists show prefetched."""
    flt = flt or PostFilter()
    found = Post.objects.filter(workspace=workspace)
    if not flt.include_archived:
        found = found.filter(archived=False)
    if flt.states:
        found = found.filter(state__in=list(flt.states))
    if flt.pillar_id is not None:
        found = found.filter(pillar_id=flt.pillar_id)
    if flt.channel_id is not None:
        found = found.filter(
            pk__in=Variant.objects.filter(channel_id=flt.channel_id).values("post_id")
        )
    if flt.scheduled_from is not None:
        found = found.filter(scheduled_at__gte=flt.scheduled_from)
    if flt.scheduled_to is not None:
        found = found.filter(scheduled_at__lt=flt.scheduled_to)
    if flt.text:
        found = found.filter(Q(title__icontains=flt.text) | Q(body__icontains=flt.text))
    return found.prefetch_related(
        "topics", Prefetch("variants", queryset=Variant.objects.only("id", "post_id", "channel_id"))
    )


def post(workspace: Workspace, post_id: int, request: HttpRequest | None = None) -> Post:
    """A post of the workspace; one elsewhere is a 404 and an access.outsider row there."""
    found = Post.objects.filter(workspace=workspace, pk=post_id).first()
    if found is None:
        elsewhere = Post.objects.filter(pk=post_id).select_related("workspace").first()
        if elsewhere is not None:
            user = getattr(request, "user", None)
            audit.record(
                action="access.outsider",
                workspace=elsewhere.workspace,
                actor=user if user is not None and user.is_authenticated else None,
                request=request,
                target=elsewhere,
                after={"path": request.path if request else "", "from_workspace": workspace.slug},
            )
        raise Http404("No such post.")
    return found


def measure(platform: str, text: str) -> core_text.TextCheck:
    """The text counted in the platform's own unit (core.text), as the rules engine counts it."""
    entry = catalog.get(platform)
    rules = entry.text.rules if entry is not None and entry.text.rules != "generic" else platform
    try:
        return core_text.check(rules, text)
    except ValueError:
        limit = entry.text.limits.get("post") if entry is not None else None
        return core_text.check_generic(platform, text, limit=limit or GENERIC_LIMIT)


@dataclass
class VariantView:
    """One variant with its count in the platform's unit and the rules' findings."""

    variant: Variant
    check: core_text.TextCheck
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@dataclass
class Thread:
    comment: ReviewComment
    replies: list[ReviewComment] = field(default_factory=list)


def variant_views(post: Post) -> list[VariantView]:
    from .actions.review import lint_post

    findings = lint_post(post)
    return [
        VariantView(
            variant=variant,
            check=measure(variant.channel.platform, variant.text),
            findings=findings.get(variant.channel_id, []),
        )
        for variant in post.variants.select_related("channel").order_by("id")
    ]


def comments(post: Post) -> QuerySet[ReviewComment]:
    """The post's thread roots, oldest first; replies prefetched in order."""
    return (
        ReviewComment.objects.filter(post=post, parent__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ReviewComment.objects.select_related("author").order_by("id"),
            )
        )
    )


def threads(post: Post) -> list[Thread]:
    return [Thread(comment=c, replies=list(c.replies.all())) for c in comments(post)]


def publication_summary(post: Post) -> dict[str, Any]:
    """How the post's publications stand: counts by state and one line per account."""
    rows = list(post.publications.select_related("channel").order_by("channel_id", "-id"))
    latest: dict[int, Any] = {}
    for row in rows:
        latest.setdefault(row.channel_id, row)
    live = list(latest.values())
    return {
        "total": len(live),
        "by_state": dict(Counter(p.state for p in live)),
        "items": live,
    }
