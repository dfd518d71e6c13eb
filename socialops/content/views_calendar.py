"""Pages for planning: the calendar (month and week), posting slots and queues, the pillar mix.

Every day and hour shown is local to the workspace's time zone; the database keeps UTC.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access, AccessDenied
from socialops.accounts.roles import Perm
from socialops.channels import queries as channel_queries
from socialops.channels.models import Channel
from socialops.content import actions, besttime, calendar_queries, queues
from socialops.content.calendar import (
    MONTH,
    VIEWS,
    WEEK,
    at_local,
    local_midnight,
    move_to_day,
    parse_day,
    period,
)
from socialops.content.models import Post, PostingSlot
from socialops.content.pillars import PillarMix
from socialops.core.clock import now

DEFAULT_TIME = time(9, 0)  # a post dropped on a day without a time of its own
STATE_STYLES: dict[str, str] = {
    Post.State.IDEA: "idea",
    Post.State.DRAFT: "draft",
    Post.State.IN_REVIEW: "review",
    Post.State.CHANGES_REQUESTED: "changes",
    Post.State.APPROVED: "approved",
    Post.State.SCHEDULED: "scheduled",
    Post.State.PUBLISHING: "publishing",
    Post.State.PUBLISHED: "published",
    Post.State.FAILED: "failed",
    Post.State.UNCONFIRMED: "unconfirmed",
}
PLATFORM_ICONS = {
    "weibo": "bi-sina-weibo",
    "wechat": "bi-wechat",
    "mastodon": "bi-mastodon",
    "bluesky": "bi-bluesky",
    "x": "bi-twitter-x",
    "douyin": "bi-tiktok",
}


def _zone(access: Access) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(access.workspace.time_zone)


def _channels(access: Access) -> list[Channel]:
    return list(channel_queries.workspace_channels(access.workspace).order_by("id"))


def _chosen_channel(access: Access, value: str | None, channels: list[Channel]) -> Channel | None:
    if value and value.isdigit():
        return next((c for c in channels if c.pk == int(value)), None)
    return None


def _icon(channel: Channel) -> str:
    return PLATFORM_ICONS.get(channel.platform, "bi-person-circle")


class _Permissions:
    def __init__(self, access: Access) -> None:
        self.edit = access.can(Perm.CONTENT_EDIT)
        self.schedule = access.can(actions.scheduling_perm(access))

    def may_move(self, post: Post) -> bool:
        if post.state in calendar_queries.SCHEDULABLE_STATES:
            return self.schedule
        return post.state in calendar_queries.PLANNED_STATES and self.edit


def _chip(
    post: Post,
    *,
    slug: str,
    zone: zoneinfo.ZoneInfo,
    at: datetime | None,
    published: bool,
    may: _Permissions,
) -> dict[str, Any]:
    local = at.astimezone(zone) if at is not None else None
    channels = [v.channel for v in post.variants.all()]
    return {
        "id": post.pk,
        "title": str(post),
        "state": post.state,
        "state_label": post.get_state_display(),
        "style": STATE_STYLES.get(post.state, "draft"),
        "pillar": post.pillar,
        "local": local,
        "time": local.strftime("%H:%M") if local else "",
        "published": published,
        "channels": [{"icon": _icon(c), "name": str(c)} for c in channels],
        "movable": may.may_move(post),
        "url": reverse("content_post", kwargs={"slug": slug, "post_id": post.pk}),
    }


def _query(**params: Any) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


@workspace_view(Perm.CONTENT_VIEW)
def calendar_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    zone = _zone(access)
    today = now().astimezone(zone).date()
    view = request.GET.get("view") or MONTH
    if view not in VIEWS:
        view = MONTH
    anchor = parse_day(request.GET.get("date"), today)
    if not date(2000, 1, 1) <= anchor <= date(2100, 12, 31):
        anchor = today
    channels = _channels(access)
    channel = _chosen_channel(access, request.GET.get("channel"), channels)
    shown = period(view, anchor, zone)
    slug = access.workspace.slug
    may = _Permissions(access)
    channel_id = channel.pk if channel else None
    by_day: dict[date, list[dict[str, Any]]] = {day: [] for day in shown.days}
    by_hour: dict[tuple[date, int], list[dict[str, Any]]] = {}
    for entry in calendar_queries.entries(
        access.workspace, shown.start_utc, shown.end_utc, channel_id=channel_id
    ):
        chip = _chip(
            entry.post, slug=slug, zone=zone, at=entry.at, published=entry.published, may=may
        )
        by_day.setdefault(chip["local"].date(), []).append(chip)
        by_hour.setdefault((chip["local"].date(), chip["local"].hour), []).append(chip)
    unscheduled = [
        _chip(post, slug=slug, zone=zone, at=None, published=False, may=may)
        for post in calendar_queries.unscheduled(access.workspace, channel_id=channel_id)
    ]
    weeks = [
        [
            {
                "day": day,
                "chips": by_day.get(day, []),
                "in_month": view == WEEK or shown.in_month(day),
                "today": day == today,
                "past": day < today,
            }
            for day in week
        ]
        for week in shown.weeks
    ]
    hours = [
        {
            "hour": hour,
            "cells": [
                {"day": day, "chips": by_hour.get((day, hour), []), "today": day == today}
                for day in shown.days
            ],
        }
        for hour in range(24)
    ]
    base = {"view": view, "channel": channel_id}
    context = {
        "view": view,
        "period": shown,
        "today": today,
        "weeks": weeks,
        "hours": hours,
        "days": shown.days,
        "last_day": shown.end - timedelta(days=1),
        "weekdays": [WEEKDAYS[i] for i in range(7)],
        "unscheduled": unscheduled,
        "channels": channels,
        "channel": channel,
        "zone": zone.key,
        "may": may,
        "prev_url": _query(**base, date=shown.previous.isoformat()),
        "next_url": _query(**base, date=shown.next.isoformat()),
        "today_url": _query(**base),
        "month_url": _query(view=MONTH, channel=channel_id, date=anchor.isoformat()),
        "week_url": _query(view=WEEK, channel=channel_id, date=anchor.isoformat()),
        "here": _query(**base, date=anchor.isoformat()),
        "best": besttime.best_times(channel, zone) if channel is not None else None,
        "slots": queues.upcoming(channel, zone) if channel is not None else [],
    }
    return render(request, "content/calendar.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _calendar_url(access: Access, request: HttpRequest) -> str:
    """Back to the calendar view the form came from (only our own parameters are kept)."""
    params = {
        key: request.POST.get(key, "")
        for key in ("view", "date", "channel")
        if request.POST.get(key, "").replace("-", "").isalnum()
    }
    return reverse("content_calendar", args=[access.workspace.slug]) + _query(**params)


def _target_time(request: HttpRequest, post: Post, zone: zoneinfo.ZoneInfo) -> datetime:
    """Where a move puts the post: a day (keeping the time of day), a day and hour, or both."""
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError as exc:
        raise ValidationError({"day": _("Choose a day.")}) from exc
    raw_time = request.POST.get("time", "")
    raw_hour = request.POST.get("hour", "")
    if raw_time:
        try:
            wall = time.fromisoformat(raw_time)
        except ValueError as exc:
            raise ValidationError({"time": _("Give a time as HH:MM.")}) from exc
        return at_local(day, wall.replace(second=0, microsecond=0), zone)
    current = post.scheduled_at.astimezone(zone) if post.scheduled_at else None
    if raw_hour:
        if not raw_hour.isdigit() or not 0 <= int(raw_hour) <= 23:
            raise ValidationError({"hour": _("Give an hour from 0 to 23.")})
        return at_local(day, time(int(raw_hour), current.minute if current else 0), zone)
    if post.scheduled_at is not None:
        return move_to_day(post.scheduled_at, day, zone)
    return at_local(day, DEFAULT_TIME, zone)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def calendar_move(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    """Drag and drop (JSON) or the "move to" form: a new day, hour or time for a post."""
    post = calendar_queries.movable_post(access.workspace, post_id)
    if post is None:
        if _wants_json(request):
            return JsonResponse({"error": {"message": _("No such post.")}}, status=404)
        raise Http404(_("No such post."))
    zone = _zone(access)
    try:
        at = _target_time(request, post, zone)
        post = actions.move_post(access=access, post=post, at=at, request=request)
    except AccessDenied as exc:
        if not _wants_json(request):
            raise
        exc.record(request)
        message = _("Your role may not move this post.")
        return JsonResponse({"error": {"message": message}}, status=403)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": {"message": _error_text(exc)}}, status=422)
        messages.error(request, _error_text(exc))
        return redirect(_calendar_url(access, request))
    local = at.astimezone(zone)
    message = _("Moved to %(when)s.") % {"when": local.strftime("%Y-%m-%d %H:%M")}
    if _wants_json(request):
        return JsonResponse(
            {
                "post_id": post.pk,
                "state": post.state,
                "at": at.isoformat(),
                "local": local.isoformat(),
                "message": message,
            }
        )
    messages.success(request, message)
    return redirect(_calendar_url(access, request))


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def post_queue(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    """Put an approved post at its accounts' next free posting slot."""
    post = get_object_or_404(Post, workspace=access.workspace, pk=post_id, archived=False)
    raw = request.POST.get("channel_id", "")
    try:
        post = actions.queue_post(
            access=access,
            post=post,
            channel_id=int(raw) if raw.isdigit() else None,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        assert post.scheduled_at is not None  # noqa: S101
        when = post.scheduled_at.astimezone(_zone(access)).strftime("%Y-%m-%d %H:%M")
        messages.success(request, _("Queued for %(when)s.") % {"when": when})
    return redirect(_calendar_url(access, request))


# Posting slots -------------------------------------------------------------------------------


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Day"), choices=[(i, WEEKDAYS[i]) for i in range(7)], coerce=int
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


def _slots_context(access: Access, request: HttpRequest, form: SlotForm | None = None) -> Any:
    zone = _zone(access)
    channels = _channels(access)
    rows = []
    for channel in channels:
        rows.append(
            {
                "channel": channel,
                "icon": _icon(channel),
                "slots": [
                    {"pk": slot.pk, "day": WEEKDAYS[slot.weekday], "time": slot.time}
                    for slot in queues.slots_of(channel)
                ],
                "upcoming": queues.upcoming(channel, zone, count=4),
            }
        )
    return {
        "rows": rows,
        "form": form or SlotForm(initial={"weekday": 0, "time": "20:00"}),
        "zone": zone.key,
        "focus": request.GET.get("channel", ""),
    }


@workspace_view(Perm.CONTENT_VIEW)
def slots_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "content/calendar_slots.html", _slots_context(access, request))


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def slot_create(
    request: HttpRequest, access: Access, section: str, channel_id: int
) -> HttpResponse:
    channel = channel_queries.channel(access.workspace, channel_id, request)
    form = SlotForm(request.POST)
    if form.is_valid():
        try:
            actions.add_slot(
                access=access,
                channel=channel,
                weekday=form.cleaned_data["weekday"],
                at=form.cleaned_data["time"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Slot added."))
    else:
        messages.error(request, _("Choose a day and a time."))
    return redirect(reverse("content_slots", args=[access.workspace.slug]) + f"#slots-{channel.pk}")


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def slot_delete(request: HttpRequest, access: Access, section: str, slot_id: int) -> HttpResponse:
    slot = get_object_or_404(PostingSlot, pk=slot_id, channel__workspace=access.workspace)
    channel_id = slot.channel_id
    actions.delete_slot(access=access, slot=slot, request=request)
    messages.success(request, _("Slot removed."))
    return redirect(reverse("content_slots", args=[access.workspace.slug]) + f"#slots-{channel_id}")


# The pillar mix ------------------------------------------------------------------------------

MIX_DAYS = 30  # the default window: 30 days back (published) and 30 ahead (planned)


def mix_window(
    raw_from: str | None, raw_to: str | None, zone: zoneinfo.ZoneInfo
) -> tuple[date, date]:
    """Local days [from, to] of the mix, both included; 30 days either side of today."""
    today = now().astimezone(zone).date()
    first = parse_day(raw_from, today - timedelta(days=MIX_DAYS))
    last = parse_day(raw_to, today + timedelta(days=MIX_DAYS))
    if last < first:
        first, last = last, first
    return first, last


def _columns(report: calendar_queries.MixReport) -> list[int]:
    """Pillar ids in the order mix() gives them, planned and published together."""
    ids = [row.pillar_id for row in report.planned.rows]
    return ids + [row.pillar_id for row in report.published.rows if row.pillar_id not in ids]


def _by_pillar(rows: list[PillarMix]) -> dict[int, PillarMix]:
    return {row.pillar_id: row for row in rows}


def _mix_chart(report: calendar_queries.MixReport, columns: list[int]) -> dict[str, Any]:
    pillars = report.pillars
    planned, published = _by_pillar(report.planned.rows), _by_pillar(report.published.rows)

    def share(rows: dict[int, PillarMix], pid: int) -> float:
        row = rows.get(pid)
        return row.actual or 0.0 if row is not None else 0.0

    return {
        "pillars": [pillars[i].name if i in pillars else "?" for i in columns],
        "target": [pillars[i].target_share if i in pillars else 0 for i in columns],
        "planned": [share(planned, i) for i in columns],
        "published": [share(published, i) for i in columns],
        "labels": {
            "target": _("Target"),
            "planned": _("Planned"),
            "published": _("Published"),
        },
    }


def _named(report: calendar_queries.MixReport, rows: list[PillarMix]) -> list[dict[str, Any]]:
    return [{"pillar": report.pillars.get(row.pillar_id), "row": row} for row in rows]


@workspace_view(Perm.CONTENT_VIEW)
def mix_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    zone = _zone(access)
    first, last = mix_window(request.GET.get("from"), request.GET.get("to"), zone)
    channels = _channels(access)
    channel = _chosen_channel(access, request.GET.get("channel"), channels)
    report = calendar_queries.mix_report(
        access.workspace,
        local_midnight(first, zone),
        local_midnight(last + timedelta(days=1), zone),
        channel=channel,
    )
    columns = _columns(report)
    context = {
        "report": report,
        "pillars": report.pillars,
        "planned": _named(report, report.planned.rows),
        "published": _named(report, report.published.rows),
        "drifting": _named(report, report.drifting),
        "columns": [report.pillars.get(pid) for pid in columns],
        "accounts": [
            {
                "channel": account.channel,
                "planned": account.planned.tagged,
                "published": account.published.tagged,
                "cells": [
                    {
                        "planned": _by_pillar(account.planned.rows).get(pid),
                        "published": _by_pillar(account.published.rows).get(pid),
                    }
                    for pid in columns
                ],
            }
            for account in report.accounts
        ],
        "chart": _mix_chart(report, columns),
        "channels": channels,
        "channel": channel,
        "first": first,
        "last": last,
        "zone": zone.key,
    }
    if request.headers.get("HX-Request"):  # the summary on the pillars page
        return render(request, "content/mix_summary.html", context)
    return render(request, "content/mix.html", context)
