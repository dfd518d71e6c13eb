"""Tracking pages: the per-account content report, and the post page's metrics forms."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels.models import Channel
from socialops.content.models import Post
from socialops.core.errors import ApiError

from . import metrics, reports
from .api_metrics import period
from .models import Publication

MAX_UPLOAD = 5 * 1024 * 1024


def _weekdays() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _channels(access: Access) -> list[Channel]:
    return list(
        Channel.objects.filter(workspace=access.workspace).exclude(
            status=Channel.Status.DISCONNECTED
        )
    )


@workspace_view(Perm.ANALYTICS_VIEW)
def content_report(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    channels = _channels(access)
    wanted = request.GET.get("channel", "")
    channel = next((c for c in channels if str(c.pk) == wanted), None)  # None: every account
    try:
        start, end = period(
            _date(request.GET.get("from")), _date(request.GET.get("to")), access.workspace.time_zone
        )
    except ApiError as error:
        messages.error(request, error.message)
        start, end = period(None, None, access.workspace.time_zone)
    context: dict[str, Any] = {"channels": channels, "channel": channel, "start": start, "end": end}
    if channels:
        report = reports.content_report(access.workspace, channel, start=start, end=end)
        cells = report.heatmap()
        context["report"] = report
        context["heatmap"] = {
            "weekdays": _weekdays(),
            "cells": cells,
            "max": max((cell[2] for cell in cells), default=0),
            "labels": {"mean": _("Mean engagements"), "posts": _("Posts")},
        }
        context["manual"] = channel is not None and channel.connector == "manual"
    return render(request, "publishing/report.html", context)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def metrics_import(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    wanted = request.POST.get("channel", "")
    channel = Channel.objects.filter(
        workspace=access.workspace, pk=int(wanted) if wanted.isdigit() else 0
    ).first()
    back = reverse("content_report", args=[access.workspace.slug])
    if channel is None:
        messages.error(request, _("Choose an account."))
        return redirect(back)
    back += "?" + urlencode({"channel": channel.pk})
    upload = request.FILES.get("csv")
    if upload is None or (upload.size or 0) > MAX_UPLOAD:
        messages.error(request, _("Choose a CSV file of at most 5 MB."))
        return redirect(back)
    try:
        result = metrics.import_metrics_csv(
            access=access, channel=channel, data=upload.read(), request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if result.problems:
        lines = "; ".join(
            _("line %(line)s: %(message)s") % {"line": p.line, "message": p.message}
            for p in result.problems[:10]
        )
        messages.error(request, _("Nothing was imported: %(lines)s") % {"lines": lines})
    else:
        messages.success(request, _("Imported the numbers of %(n)d posts.") % {"n": result.stored})
    return redirect(back)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def post_metrics_refresh(
    request: HttpRequest, access: Access, post_id: int, section: str
) -> HttpResponse:
    post = get_object_or_404(Post, workspace=access.workspace, pk=post_id)
    result = metrics.refresh_post_metrics(access=access, post=post, request=request)
    for problem in result.problems:
        messages.warning(request, problem["message"])
    if result.stored:
        messages.success(request, _("Metrics refreshed."))
    elif not result.problems:
        messages.info(request, _("Nothing is published yet."))
    return redirect("content_post", access.workspace.slug, post.pk)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def publication_metrics(
    request: HttpRequest, access: Access, publication_id: int, section: str
) -> HttpResponse:
    publication = get_object_or_404(Publication, workspace=access.workspace, pk=publication_id)
    counts: dict[str, Any] = {}
    problems = []
    for name in metrics.COUNTS:
        raw = request.POST.get(name, "").strip().replace(",", "")
        if raw and not raw.isdigit():
            problems.append(name)
        counts[name] = int(raw) if raw.isdigit() else None
    try:
        if problems:
            raise ValidationError(_("Give whole numbers, 0 or more."))
        metrics.enter_metrics(
            access=access, publication=publication, counts=counts, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Numbers saved."))
    return redirect("content_post", access.workspace.slug, publication.post_id)
