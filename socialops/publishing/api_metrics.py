"""API routes for tracking: a post's metrics, refreshing and entering them, the content report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.channels.models import Channel
from socialops.content.models import Post
from socialops.core.clock import EARLIEST_DAY, LATEST_DAY, now
from socialops.core.errors import ApiError
from socialops.core.schemas import QueryInt, errors

from . import metrics, reports
from .models import MetricSnapshot, Publication
from .schemas_metrics import (
    CsvIn,
    ImportOut,
    IsoDate,
    MetricsIn,
    PublicationMetricsOut,
    RefreshOut,
    ReportOut,
    SnapshotOut,
)

router = Router(tags=["tracking"])
ROW_ID = {"ge": 1, "le": 2**63 - 1}
CHANNEL_QUERY = Query(None, **ROW_ID, description="The account; default every account.")
FROM_QUERY = Query(None, alias="from", description="First day (local); default 29 days before.")
TO_QUERY = Query(None, alias="to", description="Last day (local), included; default today.")


def _post(request: HttpRequest, post_id: int, perm: Perm) -> Post:
    access = access_of(request, perm)
    post = Post.objects.filter(workspace=access.workspace, pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


@router.get(
    "/posts/{post_id}/metrics", response={200: list[PublicationMetricsOut], **errors(403, 404)}
)
def post_metrics(request: HttpRequest, post_id: int) -> list[dict[str, Any]]:
    """Per publication (account) of the post: every snapshot, the latest, link clicks."""
    post = _post(request, post_id, Perm.CONTENT_VIEW)
    return [
        {
            "publication_id": row.publication.pk,
            "channel_id": row.publication.channel_id,
            "platform": row.publication.channel.platform,
            "state": row.publication.state,
            "url": row.publication.url,
            "published_at": row.publication.published_at,
            "next_collection_at": row.publication.metrics_due_at,
            "engagements": row.engagements,
            "engagement_rate": row.engagement_rate,
            "link_clicks": row.link_clicks,
            "latest": row.latest,
            "snapshots": row.snapshots,
        }
        for row in reports.post_performance(post)
    ]


@router.post(
    "/posts/{post_id}/metrics/refresh", response={200: RefreshOut, **errors(403, 404, 409)}
)
def refresh_post_metrics(request: HttpRequest, post_id: int) -> metrics.RefreshResult:
    """Read the post's numbers from each platform now (outside the 1 h … 7 d schedule)."""
    post = _post(request, post_id, Perm.CONTENT_EDIT)
    return metrics.refresh_post_metrics(access=access_of(request), post=post, request=request)


@router.post(
    "/publications/{publication_id}/metrics",
    response={201: SnapshotOut, **errors(403, 404, 409)},
)
def enter_metrics(
    request: HttpRequest, publication_id: int, payload: MetricsIn
) -> Status[MetricSnapshot]:
    """Numbers read off the platform by a person (manual platforms); stored as step "manual"."""
    access = access_of(request, Perm.CONTENT_EDIT)
    publication = Publication.objects.filter(workspace=access.workspace, pk=publication_id).first()
    if publication is None:
        raise Http404("No such publication.")
    counts = payload.model_dump(exclude={"collected_at"})
    snapshot = metrics.enter_metrics(
        access=access,
        publication=publication,
        counts=counts,
        collected_at=payload.collected_at,
        request=request,
    )
    return Status(201, snapshot)


@router.post(
    "/channels/{channel_id}/metrics/import",
    response={200: ImportOut, **errors(403, 404, 409)},
)
def import_metrics(request: HttpRequest, channel_id: int, payload: CsvIn) -> dict[str, int]:
    """A manual account's numbers from CSV, all rows or none; problems come back per line."""
    access = access_of(request, Perm.CONTENT_EDIT)
    channel = Channel.objects.filter(workspace=access.workspace, pk=channel_id).first()
    if channel is None:
        raise Http404("No such account.")
    result = metrics.import_metrics_csv(
        access=access, channel=channel, data=payload.csv.encode(), request=request
    )
    if result.problems:
        fields = {
            f"line {p.line}" + (f".{p.column}" if p.column else ""): p.message
            for p in result.problems
        }
        raise ApiError(422, "invalid", _("Nothing was imported: fix these lines."), fields)
    return {"stored": result.stored}


@router.get("/reports/content", response={200: ReportOut, **errors(403, 404)})
def content_report(
    request: HttpRequest,
    channel_id: QueryInt | None = CHANNEL_QUERY,
    start: IsoDate | None = FROM_QUERY,
    end: IsoDate | None = TO_QUERY,
) -> dict[str, Any]:
    """Published posts in a period: totals, by pillar, by format, by hour of week."""
    access = access_of(request, Perm.ANALYTICS_VIEW)
    channel = None
    if channel_id is not None:
        channel = Channel.objects.filter(workspace=access.workspace, pk=channel_id).first()
        if channel is None:
            raise Http404("No such account.")
    start, end = period(start, end, access.workspace.time_zone)
    return report_json(reports.content_report(access.workspace, channel, start=start, end=end))


def period(start: date | None, end: date | None, time_zone: str) -> tuple[date, date]:
    """The period asked for, defaulting to the last 30 local days; refused if inverted or long."""
    import zoneinfo

    today = now().astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    for name, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
            message = _("Give a date between 1970 and 2999.")
            raise ApiError(422, "invalid", message, {name: message})
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        raise ApiError(422, "invalid", _("The period ends before it starts."), {"from": "after to"})
    if (end - start).days >= reports.MAX_REPORT_DAYS:
        message = _("At most %(n)d days.") % {"n": reports.MAX_REPORT_DAYS}
        raise ApiError(422, "invalid", message, {"to": message})
    return start, end


def _group(group: reports.Group) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "posts": group.posts,
        "impressions": group.impressions,
        "engagements": group.engagements,
        "engagement_rate": group.engagement_rate,
        "mean_engagement": group.mean_engagement,
    }


def report_json(report: reports.ContentReport) -> dict[str, Any]:
    return {
        "channel_id": report.channel.pk if report.channel else None,
        "start": report.start,
        "end": report.end,
        "time_zone": report.time_zone,
        "published": report.published,
        "total": _group(report.total),
        "by_pillar": [_group(g) for g in report.by_pillar],
        "by_format": [_group(g) for g in report.by_format],
        "by_hour": [
            {"weekday": w, "hour": h, "posts": g.posts, "mean_engagement": g.mean_engagement}
            for (w, h), g in sorted(report.by_hour.items())
        ],
        "posts": [
            {
                "publication_id": row.publication.pk,
                "post_id": row.publication.post_id,
                "title": str(row.publication.post.title or row.publication.post.body[:40]),
                "published_at": row.publication.published_at,
                "impressions": row.snapshot.impressions,
                "engagements": row.engagements,
                "engagement_rate": row.engagement_rate,
            }
            for row in report.rows
        ],
    }
