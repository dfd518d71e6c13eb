"""SLA pages in the Interaction (互动) section: the report, policies and business hours."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core.errors import ApiError

from . import actions, queries, reports
from .api import period
from .calendar import format_ranges, ranges_from_json
from .forms import KIND_CHOICES, PRIORITY_CHOICES, WEEKDAYS, CalendarForm, PolicyForm
from .forms import add_action_errors as add_errors


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _duration(seconds: float | None) -> str:
    """1 h 05 min, 12 min, 40 s — for the report's tables."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return _("%(n)d s") % {"n": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


def _rows(groups: list[reports.Group]) -> list[dict[str, Any]]:
    return [
        {
            "group": found,
            "median": _duration(found.median_seconds),
            "p90": _duration(found.p90_seconds),
        }
        for found in groups
    ]


@workspace_view(Perm.INBOX_VIEW)
def report_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    time_zone = access.workspace.time_zone
    try:
        start, end = period(_date(request.GET.get("from")), _date(request.GET.get("to")), time_zone)
    except ApiError as error:
        messages.error(request, error.message)
        start, end = period(None, None, time_zone)
    report = reports.sla_report(access.workspace, start=start, end=end)
    chart = {
        "days": [d.day.isoformat() for d in report.daily],
        "hit_rate": [
            None if d.hit_rate is None else round(d.hit_rate * 100, 1) for d in report.daily
        ],
        "hit": [d.hit for d in report.daily],
        "missed": [d.missed for d in report.daily],
        "agents": [g.label for g in report.by_agent],
        "agent_median_minutes": [
            None if g.median_seconds is None else round(g.median_seconds / 60, 1)
            for g in report.by_agent
        ],
        "agent_p90_minutes": [
            None if g.p90_seconds is None else round(g.p90_seconds / 60, 1) for g in report.by_agent
        ],
        "labels": {
            "hit_rate": _("Hit rate (%)"),
            "hit": _("Hit"),
            "missed": _("Missed"),
            "median": _("Median first response (min)"),
            "p90": _("P90 first response (min)"),
        },
    }
    context = {
        "report": report,
        "start": start,
        "end": end,
        "total_median": _duration(report.total.median_seconds),
        "total_p90": _duration(report.total.p90_seconds),
        "by_metric": _rows(report.by_metric),
        "by_agent": _rows(report.by_agent),
        "by_channel": _rows(report.by_channel),
        "by_kind": _rows(report.by_kind),
        "chart": chart,
        "has_policies": queries.workspace_policies(access.workspace).exists(),
    }
    return render(request, "sla/report.html", context)


# ---- policies --------------------------------------------------------------------------------


def _policies_context(access: Access, form: PolicyForm | None = None) -> dict[str, Any]:
    calendars = queries.workspace_calendars(access.workspace)
    kinds, priorities = dict(KIND_CHOICES), dict(PRIORITY_CHOICES)
    rows = [
        {
            "policy": found,
            "kinds": [str(kinds.get(k, k)) for k in found.kinds],
            "priorities": [str(priorities.get(str(p), p)) for p in found.priorities],
        }
        for found in queries.workspace_policies(access.workspace).order_by("position", "id")
    ]
    return {"rows": rows, "form": form or PolicyForm(calendars=calendars)}


@workspace_view(Perm.INBOX_VIEW)
def policies_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "sla/policies.html", _policies_context(access))


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def policy_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = PolicyForm(request.POST, calendars=queries.workspace_calendars(access.workspace))
    if form.is_valid():
        try:
            actions.create_policy(access=access, request=request, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Policy added."))
            return redirect("sla_policies", access.workspace.slug)
    return render(request, "sla/policies.html", _policies_context(access, form), status=422)


@workspace_view(Perm.INBOX_MANAGE)
def policy_edit(request: HttpRequest, access: Access, section: str, policy_id: int) -> HttpResponse:
    found = queries.policy(access.workspace, policy_id)
    calendars = queries.workspace_calendars(access.workspace)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST, calendars=calendars)
        if form.is_valid():
            try:
                actions.update_policy(access=access, policy=found, request=request, **form.values())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Policy saved."))
                return redirect("sla_policies", access.workspace.slug)
        status = 422
    else:
        form = PolicyForm(initial=PolicyForm.initial_of(found), calendars=calendars)
    return render(request, "sla/policy_edit.html", {"policy": found, "form": form}, status=status)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def policy_delete(
    request: HttpRequest, access: Access, section: str, policy_id: int
) -> HttpResponse:
    found = queries.policy(access.workspace, policy_id)
    actions.delete_policy(access=access, policy=found, request=request)
    messages.success(request, _("Policy deleted."))
    return redirect("sla_policies", access.workspace.slug)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def policy_defaults(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    had = queries.workspace_policies(access.workspace).exists()
    actions.ensure_default_policies(access.workspace, actor=access.user, request=request)
    if had:
        messages.info(request, _("This workspace has policies already; nothing was added."))
    else:
        messages.success(request, _("The default policies were added."))
    return redirect("sla_policies", access.workspace.slug)


# ---- calendars -------------------------------------------------------------------------------


def _calendar_rows(access: Access) -> list[dict[str, Any]]:
    rows = []
    for found in queries.workspace_calendars(access.workspace):
        hours = found.hours if isinstance(found.hours, dict) else {}
        rows.append(
            {
                "calendar": found,
                "hours": [
                    (label, format_ranges(ranges_from_json(hours.get(str(day)))))
                    for day, label in enumerate(WEEKDAYS)
                ],
                "days": list(found.days.all()),
            }
        )
    return rows


def _calendars_context(access: Access, form: CalendarForm | None = None) -> dict[str, Any]:
    blank = CalendarForm(initial={f"hours_{day}": "09:00-12:00, 13:30-18:00" for day in range(5)})
    return {
        "rows": _calendar_rows(access),
        "form": form or blank,
        "workspace_time_zone": access.workspace.time_zone,
    }


@workspace_view(Perm.INBOX_VIEW)
def calendars_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "sla/calendars.html", _calendars_context(access))


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def calendar_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = CalendarForm(request.POST)
    if form.is_valid():
        try:
            actions.create_calendar(access=access, request=request, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Calendar added."))
            return redirect("sla_calendars", access.workspace.slug)
    return render(request, "sla/calendars.html", _calendars_context(access, form), status=422)


@workspace_view(Perm.INBOX_MANAGE)
def calendar_edit(
    request: HttpRequest, access: Access, section: str, calendar_id: int
) -> HttpResponse:
    found = queries.calendar(access.workspace, calendar_id)
    status = 200
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid():
            try:
                actions.update_calendar(
                    access=access, calendar=found, request=request, **form.values()
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Calendar saved."))
                return redirect("sla_calendars", access.workspace.slug)
        status = 422
    else:
        form = CalendarForm(initial=CalendarForm.initial_of(found))
    context = {
        "calendar": found,
        "form": form,
        "workspace_time_zone": access.workspace.time_zone,
    }
    return render(request, "sla/calendar_edit.html", context, status=status)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def calendar_delete(
    request: HttpRequest, access: Access, section: str, calendar_id: int
) -> HttpResponse:
    found = queries.calendar(access.workspace, calendar_id)
    try:
        actions.delete_calendar(access=access, calendar=found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Calendar deleted."))
    return redirect("sla_calendars", access.workspace.slug)
