"""API routes of response-time targets: the report, policies, calendars, a conversation's clocks."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.clock import EARLIEST_DAY, LATEST_DAY, now
from socialops.core.errors import ApiError
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

from . import actions, queries, reports
from .models import Calendar, Clock, Policy
from .schemas import (
    CalendarIn,
    CalendarPatchIn,
    ClockOut,
    IsoDate,
    PolicyIn,
    PolicyOut,
    PolicyPatchIn,
    SlaCalendarOut,
    SlaReportOut,
    policy_changes,
)

router = Router(tags=["sla"])
FROM_QUERY = Query(None, alias="from", description="First day (local); default 29 days before.")
TO_QUERY = Query(None, alias="to", description="Last day (local), included; default today.")
CONVERSATION_QUERY = Query(..., ge=1, le=2**63 - 1, description="The conversation.")


def period(start: date | None, end: date | None, time_zone: str) -> tuple[date, date]:
    """The period asked for, defaulting to the last 30 local days; refused if inverted or long."""
    today = now().astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    for name, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
            message = _("Give a date between 1970 and 2999.")
            raise ApiError(422, "invalid", message, {name: message})
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        message = _("The period ends before it starts.")
        raise ApiError(422, "invalid", message, {"from": message})
    if (end - start).days >= reports.MAX_REPORT_DAYS:
        message = _("At most %(n)d days.") % {"n": reports.MAX_REPORT_DAYS}
        raise ApiError(422, "invalid", message, {"to": message})
    return start, end


def report_json(report: reports.SlaReport) -> dict[str, Any]:
    def group(found: reports.Group) -> dict[str, Any]:
        return {
            "key": found.key,
            "label": found.label,
            "hit": found.hit,
            "missed": found.missed,
            "total": found.total,
            "hit_rate": found.hit_rate,
            "answered": found.answered,
            "median_seconds": found.median_seconds,
            "p90_seconds": found.p90_seconds,
        }

    return {
        "start": report.start,
        "end": report.end,
        "time_zone": report.time_zone,
        "total": group(report.total),
        "by_metric": [group(g) for g in report.by_metric],
        "by_agent": [group(g) for g in report.by_agent],
        "by_channel": [group(g) for g in report.by_channel],
        "by_kind": [group(g) for g in report.by_kind],
        "daily": [
            {"day": d.day, "hit": d.hit, "missed": d.missed, "hit_rate": d.hit_rate}
            for d in report.daily
        ],
    }


@router.get("/sla/report", response={200: SlaReportOut, **errors(403)})
def sla_report(
    request: HttpRequest, start: IsoDate | None = FROM_QUERY, end: IsoDate | None = TO_QUERY
) -> dict[str, Any]:
    """Hit rate and first-response times (business time) by metric, agent, account and kind."""
    access = access_of(request, Perm.INBOX_VIEW)
    start, end = period(start, end, access.workspace.time_zone)
    return report_json(reports.sla_report(access.workspace, start=start, end=end))


@router.get("/sla/clocks", response={200: list[ClockOut], **errors(403, 404)})
def conversation_clocks(
    request: HttpRequest, conversation_id: int = CONVERSATION_QUERY
) -> QuerySet[Clock]:
    """Every SLA clock of one conversation, oldest first."""
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.conversation_clocks(access.workspace, conversation_id)


# ---- policies --------------------------------------------------------------------------------


@router.get("/sla/policies", response={200: list[PolicyOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def policies(request: HttpRequest) -> QuerySet[Policy]:
    """Policies; they are tried by position (then id), and the first enabled match wins."""
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.workspace_policies(access.workspace)


@router.post("/sla/policies", response={201: PolicyOut, **errors(403, 409)})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[Policy]:
    access = access_of(request, Perm.INBOX_MANAGE)
    created = actions.create_policy(access=access, request=request, **payload.model_dump())
    return Status(201, created)


@router.post("/sla/policies/defaults", response={200: list[PolicyOut], **errors(403, 409)})
def default_policies(request: HttpRequest) -> list[Policy]:
    """Add the default policies and working-hours calendar if the workspace has no policy."""
    access = access_of(request, Perm.INBOX_MANAGE)
    return actions.ensure_default_policies(access.workspace, actor=access.user, request=request)


@router.get("/sla/policies/{policy_id}", response={200: PolicyOut, **errors(403, 404)})
def policy(request: HttpRequest, policy_id: int) -> Policy:
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.policy(access.workspace, policy_id)


@router.patch("/sla/policies/{policy_id}", response={200: PolicyOut, **errors(403, 404)})
def update_policy(request: HttpRequest, policy_id: int, payload: PolicyPatchIn) -> Policy:
    """Change a policy; running clocks keep the targets they started with."""
    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.policy(access.workspace, policy_id)
    return actions.update_policy(
        access=access, policy=found, request=request, **policy_changes(payload)
    )


@router.delete("/sla/policies/{policy_id}", response={204: None, **errors(403, 404)})
def delete_policy(request: HttpRequest, policy_id: int) -> Status[None]:
    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.policy(access.workspace, policy_id)
    actions.delete_policy(access=access, policy=found, request=request)
    return Status(204, None)


# ---- calendars -------------------------------------------------------------------------------


@router.get("/sla/calendars", response={200: list[SlaCalendarOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def calendars(request: HttpRequest) -> QuerySet[Calendar]:
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.workspace_calendars(access.workspace)


@router.post("/sla/calendars", response={201: SlaCalendarOut, **errors(403, 409)})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status[Calendar]:
    """Business hours with holidays and makeup working days (调休)."""
    access = access_of(request, Perm.INBOX_MANAGE)
    created = actions.create_calendar(access=access, request=request, **payload.model_dump())
    return Status(201, queries.calendar(access.workspace, created.pk))


@router.get("/sla/calendars/{calendar_id}", response={200: SlaCalendarOut, **errors(403, 404)})
def calendar(request: HttpRequest, calendar_id: int) -> Calendar:
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.calendar(access.workspace, calendar_id)


@router.patch("/sla/calendars/{calendar_id}", response={200: SlaCalendarOut, **errors(403, 404)})
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarPatchIn) -> Calendar:
    """Change a calendar; ``days``, when given, replaces the list of holidays and makeup days."""
    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.calendar(access.workspace, calendar_id)
    changes = {key: getattr(payload, key) for key in payload.model_fields_set}
    changes = {key: value for key, value in changes.items() if value is not None}
    if "days" in changes:
        changes["days"] = [day.model_dump() for day in payload.days or []]
    actions.update_calendar(access=access, calendar=found, request=request, **changes)
    return queries.calendar(access.workspace, calendar_id)


@router.delete("/sla/calendars/{calendar_id}", response={204: None, **errors(403, 404, 409)})
def delete_calendar(request: HttpRequest, calendar_id: int) -> Status[None]:
    """Refused (409) while a policy uses the calendar."""
    from django.core.exceptions import ValidationError

    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.calendar(access.workspace, calendar_id)
    try:
        actions.delete_calendar(access=access, calendar=found, request=request)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise ApiError(409, "conflict", message, {"calendar_id": message}) from exc
    return Status(204, None)
