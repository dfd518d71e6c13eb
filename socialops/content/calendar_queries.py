"""Reads for the calendar and the pillar mix: posts in a period, per workspace or account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from socialops.accounts.models import Workspace
from socialops.channels.models import Channel
from socialops.content.models import ContentPillar, Post, Variant
from socialops.content.pillars import PillarMix, mix

PLANNED_STATES = (
    Post.State.IDEA,
    Post.State.DRAFT,
    Post.State.IN_REVIEW,
    Post.State.CHANGES_REQUESTED,
)
SCHEDULABLE_STATES = (Post.State.APPROVED, Post.State.SCHEDULED)
MOVABLE_STATES = (*PLANNED_STATES, *SCHEDULABLE_STATES)
UNSCHEDULED_STATES = (*PLANNED_STATES, Post.State.APPROVED)
MIX_PLANNED_STATES = SCHEDULABLE_STATES


@dataclass(frozen=True)
class Entry:
    """A post on the calendar at one instant: its planned time, or when it went out."""

    post: Post
    at: datetime  # UTC
    published: bool
    channels: list[Channel]

    @property
    def movable(self) -> bool:
        return self.post.state in MOVABLE_STATES


def _posts(workspace: Workspace, channel_id: int | None) -> QuerySet[Post]:
    posts = (
        Post.objects.filter(workspace=workspace, archived=False)
        .select_related("pillar")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.select_related("channel").order_by("id"),
            )
        )
    )
    if channel_id is not None:
        posts = posts.filter(variants__channel_id=channel_id).distinct()
    return posts


def entries(
    workspace: Workspace, start: datetime, end: datetime, *, channel_id: int | None = None
) -> list[Entry]:
    """Posts with a time in [start, end): published ones at published_at, others when planned."""
    in_period = Q(state=Post.State.PUBLISHED, published_at__gte=start, published_at__lt=end) | (
        ~Q(state=Post.State.PUBLISHED) & Q(scheduled_at__gte=start, scheduled_at__lt=end)
    )
    found = []
    for post in _posts(workspace, channel_id).filter(in_period):
        published = post.state == Post.State.PUBLISHED
        at = post.published_at if published else post.scheduled_at
        assert at is not None  # noqa: S101 - the filter asks for it
        found.append(Entry(post, at, published, [v.channel for v in post.variants.all()]))
    return sorted(found, key=lambda e: (e.at, e.post.pk))


def unscheduled(
    workspace: Workspace, *, channel_id: int | None = None, limit: int = 50
) -> list[Post]:
    """Ideas, drafts and approved posts without a time, newest first."""
    return list(
        _posts(workspace, channel_id)
        .filter(scheduled_at__isnull=True, state__in=UNSCHEDULED_STATES)
        .order_by("-updated_at", "-id")[:limit]
    )


def movable_post(workspace: Workspace, post_id: int) -> Post | None:
    return Post.objects.filter(workspace=workspace, pk=post_id, archived=False).first()


# The pillar mix ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MixCounts:
    rows: list[PillarMix]
    tagged: int
    untagged: int


@dataclass(frozen=True)
class MixReport:
    pillars: dict[int, ContentPillar]
    planned: MixCounts
    published: MixCounts
    channel: Channel | None = None
    accounts: list[MixReport] = field(default_factory=list)

    @property
    def drifting(self) -> list[PillarMix]:
        return [row for row in self.planned.rows + self.published.rows if row.drift]


def _counts(posts: QuerySet[Post], targets: dict[int, int]) -> MixCounts:
    by_pillar = dict(
        posts.filter(pillar__isnull=False)
        .values_list("pillar_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("pillar_id", "n")
    )
    untagged = posts.filter(pillar__isnull=True).values("id").distinct().count()
    return MixCounts(mix(targets, by_pillar), sum(by_pillar.values()), untagged)


def _report(
    workspace: Workspace,
    start: datetime,
    end: datetime,
    pillars: dict[int, ContentPillar],
    channel: Channel | None,
) -> MixReport:
    targets = {pid: p.target_share for pid, p in pillars.items() if not p.archived}
    posts = Post.objects.filter(workspace=workspace, archived=False)
    if channel is not None:
        posts = posts.filter(variants__channel=channel)
    planned = posts.filter(
        state__in=MIX_PLANNED_STATES, scheduled_at__gte=start, scheduled_at__lt=end
    )
    published = posts.filter(
        state=Post.State.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    return MixReport(pillars, _counts(planned, targets), _counts(published, targets), channel)


def mix_report(
    workspace: Workspace,
    start: datetime,
    end: datetime,
    *,
    channel: Channel | None = None,
    per_account: bool = True,
) -> MixReport:
    """Planned and published shares per pillar against targets, overall and per account."""
    pillars = {p.pk: p for p in ContentPillar.objects.filter(workspace=workspace)}
    report = _report(workspace, start, end, pillars, channel)
    if channel is not None or not per_account:
        return report
    accounts = [
        _report(workspace, start, end, pillars, c)
        for c in Channel.objects.filter(workspace=workspace)
        .exclude(status=Channel.Status.DISCONNECTED)
        .order_by("id")
    ]
    return MixReport(pillars, report.planned, report.published, None, accounts)
