"""Reads for tracking: a post's performance and an account's content report.

Definitions used everywhere (UI, API, best-time suggestions):
- a publication's numbers are those of its latest MetricSnapshot (by collected_at);
- engagements = likes + reposts + comments (clicks are left out: few platforms report them, and
  tracked-link clicks are counted separately, people only);
- engagement rate = engagements / impressions, summed over the publications that report
  impressions (None when none do);
- days and hours are in the workspace's time zone; weekday 0 is Monday (Python's convention).

For the calendar's best-time suggestions:
``engagement_by_hour_of_week(channel, since) -> {(weekday, hour): (posts, mean_engagement)}``
covers the account's publications published at or after ``since`` that have numbers; a slot with
no such publication is absent (the caller falls back to the catalog's prior there).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.channels.models import Channel
from socialops.content.models import Post

from .models import MetricSnapshot, Publication

MAX_REPORT_DAYS = 366


def engagements_of(snapshot: MetricSnapshot | None) -> int:
    if snapshot is None:
        return 0
    return (snapshot.likes or 0) + (snapshot.reposts or 0) + (snapshot.comments or 0)


def rate(engagements: int, impressions: int) -> float | None:
    return engagements / impressions if impressions else None


def latest_snapshots(publication_ids: Iterable[int]) -> dict[int, MetricSnapshot]:
    latest: dict[int, MetricSnapshot] = {}
    for snapshot in MetricSnapshot.objects.filter(
        publication_id__in=list(publication_ids)
    ).order_by("publication_id", "collected_at", "id"):
        latest[snapshot.publication_id] = snapshot
    return latest


# ---- a post ------------------------------------------------------------------------------


@dataclass
class PublicationPerformance:
    publication: Publication
    snapshots: list[MetricSnapshot]
    link_clicks: int

    @property
    def latest(self) -> MetricSnapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    @property
    def engagements(self) -> int:
        return engagements_of(self.latest)

    @property
    def engagement_rate(self) -> float | None:
        latest = self.latest
        return rate(self.engagements, latest.impressions or 0) if latest else None

    def chart(self) -> dict[str, Any]:
        """Series for a line chart: ISO times and the counts at each snapshot."""
        return {
            "times": [s.collected_at.isoformat() for s in self.snapshots],
            "steps": [s.step for s in self.snapshots],
            "series": {
                "impressions": [s.impressions for s in self.snapshots],
                "engagements": [engagements_of(s) for s in self.snapshots],
                "likes": [s.likes for s in self.snapshots],
                "reposts": [s.reposts for s in self.snapshots],
                "comments": [s.comments for s in self.snapshots],
            },
        }


def post_performance(post: Post) -> list[PublicationPerformance]:
    """Each live publication of the post with its snapshots and tracked-link clicks."""
    from socialops.campaigns.queries import post_link_clicks

    publications = list(
        Publication.objects.filter(post=post)
        .exclude(state=Publication.State.CANCELLED)
        .select_related("channel")
        .order_by("channel__platform", "channel_id")
    )
    snapshots: dict[int, list[MetricSnapshot]] = defaultdict(list)
    for snapshot in MetricSnapshot.objects.filter(publication__in=publications).order_by(
        "collected_at", "id"
    ):
        snapshots[snapshot.publication_id].append(snapshot)
    clicks = post_link_clicks([post.pk])
    unassigned = clicks.get((post.pk, None), 0)
    return [
        PublicationPerformance(
            publication=p,
            snapshots=snapshots[p.pk],
            link_clicks=clicks.get((post.pk, p.channel_id), 0)
            + (unassigned if len(publications) == 1 else 0),
        )
        for p in publications
    ]


# ---- an account over a period ------------------------------------------------------------


@dataclass
class Group:
    key: str
    label: str
    posts: int = 0
    impressions: int = 0
    engagements: int = 0
    rated_engagements: int = 0  # engagements of the publications that report impressions
    colour: str = ""

    @property
    def engagement_rate(self) -> float | None:
        return rate(self.rated_engagements, self.impressions)

    @property
    def mean_engagement(self) -> float:
        return self.engagements / self.posts if self.posts else 0.0

    def add(self, snapshot: MetricSnapshot) -> None:
        engaged = engagements_of(snapshot)
        self.posts += 1
        self.engagements += engaged
        if snapshot.impressions is not None:
            self.impressions += snapshot.impressions
            self.rated_engagements += engaged


@dataclass
class ReportRow:
    publication: Publication
    local_time: datetime
    snapshot: MetricSnapshot

    @property
    def engagements(self) -> int:
        return engagements_of(self.snapshot)

    @property
    def engagement_rate(self) -> float | None:
        return rate(self.engagements, self.snapshot.impressions or 0)


@dataclass
class ContentReport:
    channel: Channel | None  # None: every account of the workspace
    start: date
    end: date
    time_zone: str
    total: Group
    published: int  # publications in the period, with numbers or not
    by_pillar: list[Group] = field(default_factory=list)
    by_format: list[Group] = field(default_factory=list)
    by_hour: dict[tuple[int, int], Group] = field(default_factory=dict)
    rows: list[ReportRow] = field(default_factory=list)

    def heatmap(self) -> list[list[float | int]]:
        """[hour, weekday, mean engagement, posts] per slot with posts, for an ECharts heatmap."""
        return [
            [hour, weekday, round(group.mean_engagement, 2), group.posts]
            for (weekday, hour), group in sorted(self.by_hour.items())
        ]


def period_bounds(start: date, end: date, time_zone: str) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the zone, as aware datetimes."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return (
        datetime.combine(start, time(), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=zone),
    )


def _published(
    accounts: dict[str, Any], since: datetime, until: datetime | None = None
) -> list[Any]:
    rows = Publication.objects.filter(
        **accounts,
        state=Publication.State.PUBLISHED,
        published_at__gte=since,
        published_at__isnull=False,
    )
    if until is not None:
        rows = rows.filter(published_at__lt=until)
    return list(rows.select_related("post", "post__pillar").order_by("published_at", "id"))


def content_report(
    workspace: Workspace, channel: Channel | None, *, start: date, end: date
) -> ContentReport:
    """Posts published from start to end (local days, inclusive): one account's, or all (None)."""
    time_zone = workspace.time_zone
    zone = zoneinfo.ZoneInfo(time_zone)
    since, until = period_bounds(start, end, time_zone)
    accounts: dict[str, Any] = (
        {"channel": channel} if channel is not None else {"workspace": workspace}
    )
    publications = _published(accounts, since, until)
    latest = latest_snapshots(p.pk for p in publications)
    report = ContentReport(
        channel=channel,
        start=start,
        end=end,
        time_zone=time_zone,
        total=Group("all", _("All posts")),
        published=len(publications),
    )
    pillars: dict[str, Group] = {}
    formats: dict[str, Group] = {}
    for publication in publications:
        snapshot = latest.get(publication.pk)
        if snapshot is None:
            continue
        post = publication.post
        local = publication.published_at.astimezone(zone)
        report.rows.append(ReportRow(publication, local, snapshot))
        report.total.add(snapshot)
        pillar = post.pillar
        key = str(pillar.pk) if pillar else "none"
        if key not in pillars:
            pillars[key] = Group(
                key,
                pillar.name if pillar else _("No pillar"),
                colour=pillar.colour if pillar else "#adb5bd",
            )
        pillars[key].add(snapshot)
        if post.format not in formats:
            formats[post.format] = Group(post.format, str(post.get_format_display()))
        formats[post.format].add(snapshot)
        slot = (local.weekday(), local.hour)
        report.by_hour.setdefault(slot, Group(f"{slot[0]}-{slot[1]}", "")).add(snapshot)
    report.by_pillar = sorted(pillars.values(), key=lambda g: (-g.posts, g.label))
    report.by_format = sorted(formats.values(), key=lambda g: (-g.posts, g.label))
    return report


def engagement_by_hour_of_week(
    channel: Channel, since: datetime
) -> dict[tuple[int, int], tuple[int, float]]:
    """(weekday, hour) in the workspace's zone -> (posts with numbers, mean engagements)."""
    zone = zoneinfo.ZoneInfo(channel.workspace.time_zone)
    publications = _published({"channel": channel}, since)
    latest = latest_snapshots(p.pk for p in publications)
    slots: dict[tuple[int, int], Group] = {}
    for publication in publications:
        snapshot = latest.get(publication.pk)
        if snapshot is None:
            continue
        local = publication.published_at.astimezone(zone)
        slots.setdefault((local.weekday(), local.hour), Group("", "")).add(snapshot)
    return {slot: (group.posts, group.mean_engagement) for slot, group in sorted(slots.items())}
