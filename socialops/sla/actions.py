"""Every write to SLA calendars and policies: one transaction, one audit row each."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

from .calendar import parse_ranges, ranges_from_json, ranges_to_json
from .models import NAME_LENGTH, Calendar, CalendarDay, Policy

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User, Workspace

CALENDAR_FIELDS = ["name", "time_zone", "always_open", "hours"]
POLICY_FIELDS = [
    "name",
    "position",
    "enabled",
    "kinds",
    "priorities",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "calendar",
    "warn_percent",
]
KINDS = ("comment", "mention", "dm")
PRIORITIES = (0, 1, 2, 3)
MAX_TARGET_MINUTES = 60 * 24 * 90  # 90 days
MAX_DAYS = 400


# ---- calendars -------------------------------------------------------------------------------


def _calendar_snapshot(calendar: Calendar) -> dict[str, Any]:
    return {
        **snapshot(calendar, CALENDAR_FIELDS),
        "days": [
            {"date": day.date.isoformat(), "kind": day.kind, "name": day.name, "hours": day.hours}
            for day in CalendarDay.objects.filter(calendar=calendar).order_by("date")
        ],
    }


def _clean_hours(value: Any, fields: dict[str, str]) -> dict[str, list[list[str]]]:
    """{weekday: ranges} with weekday 0 (Monday) … 6; ranges as [["09:00", "12:00"]] or text."""
    cleaned: dict[str, list[list[str]]] = {}
    if not isinstance(value, dict):
        fields["hours"] = _("Give the open hours per weekday (0 is Monday).")
        return cleaned
    for key, ranges in value.items():
        if str(key) not in {str(day) for day in range(7)}:
            fields["hours"] = _("Weekdays are 0 (Monday) to 6 (Sunday).")
            continue
        try:
            parsed = (
                parse_ranges(ranges) if isinstance(ranges, str) else ranges_from_json(ranges or [])
            )
        except (ValueError, TypeError):
            fields[f"hours.{key}"] = _(
                "Give ranges like 09:00-12:00, 13:30-18:00 that do not overlap."
            )
            continue
        if parsed:
            cleaned[str(key)] = ranges_to_json(parsed)
    return dict(sorted(cleaned.items()))


def _clean_days(value: Any, fields: dict[str, str]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    if not isinstance(value, list) or len(value) > MAX_DAYS:
        fields["days"] = _("At most %(n)d dates.") % {"n": MAX_DAYS}
        return cleaned
    seen: set[date] = set()
    for index, item in enumerate(value):
        where = f"days.{index}"
        if not isinstance(item, dict):
            fields[where] = _("Give a date, a kind and a name.")
            continue
        raw_date = item.get("date")
        try:
            day = raw_date if isinstance(raw_date, date) else date.fromisoformat(str(raw_date))
        except ValueError:
            fields[where] = _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw_date}
            continue
        kind = item.get("kind") or CalendarDay.Kind.HOLIDAY
        if kind not in CalendarDay.Kind.values:
            fields[where] = _("The kind is holiday or workday.")
            continue
        if day in seen:
            fields[where] = _("%(day)s is given twice.") % {"day": day.isoformat()}
            continue
        seen.add(day)
        name = " ".join(str(item.get("name") or "").split())
        if len(name) > NAME_LENGTH:
            fields[where] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
            continue
        hours = item.get("hours") or []
        try:
            parsed = parse_ranges(hours) if isinstance(hours, str) else ranges_from_json(hours)
        except (ValueError, TypeError):
            fields[where] = _("Give ranges like 09:00-12:00, 13:30-18:00 that do not overlap.")
            continue
        if parsed and kind == CalendarDay.Kind.HOLIDAY:
            fields[where] = _("A holiday is closed all day: give hours only to working days.")
            continue
        cleaned.append({"date": day, "kind": kind, "name": name, "hours": ranges_to_json(parsed)})
    return sorted(cleaned, key=lambda entry: entry["date"])


def _clean_calendar(
    access: Access, calendar: Calendar | None, values: dict[str, Any]
) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        fields["name"] = _("Give the calendar a name.")
    elif len(name) > NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    else:
        others = Calendar.objects.filter(workspace=access.workspace, name=name)
        if (others.exclude(pk=calendar.pk) if calendar else others).exists():
            fields["name"] = _("This workspace already has a calendar with this name.")
    time_zone = str(values.get("time_zone") or "").strip()
    if time_zone and time_zone not in zoneinfo.available_timezones():
        fields["time_zone"] = _("%(value)s is not a known time zone.") % {"value": time_zone}
    always_open = bool(values.get("always_open"))
    hours = _clean_hours(values.get("hours") or {}, fields)
    days = _clean_days(values.get("days") or [], fields)
    if not always_open and not hours and "hours" not in fields:
        fields["hours"] = _("Give the open hours of at least one weekday, or choose 24/7.")
    if fields:
        raise ValidationError(fields)
    return {
        "name": name,
        "time_zone": time_zone,
        "always_open": always_open,
        "hours": hours,
        "days": days,
    }


def _save_days(calendar: Calendar, days: list[dict[str, Any]]) -> None:
    CalendarDay.objects.filter(calendar=calendar).delete()
    CalendarDay.objects.bulk_create(CalendarDay(calendar=calendar, **day) for day in days)


@transaction.atomic
def create_calendar(
    *, access: Access, request: HttpRequest | None = None, **values: Any
) -> Calendar:
    """values: name, time_zone ("" = the workspace's), always_open, hours, days."""
    access.require(Perm.INBOX_MANAGE, request)
    cleaned = _clean_calendar(access, None, values)
    days = cleaned.pop("days")
    calendar = Calendar.objects.create(workspace=access.workspace, **cleaned)
    _save_days(calendar, days)
    audit.record(
        action="sla.calendar_created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=calendar,
        after=_calendar_snapshot(calendar),
    )
    return calendar


@transaction.atomic
def update_calendar(
    *, access: Access, calendar: Calendar, request: HttpRequest | None = None, **changes: Any
) -> Calendar:
    """Change any of name, time_zone, always_open, hours and days (days replace the list)."""
    access.require(Perm.INBOX_MANAGE, request)
    unknown = set(changes) - {*CALENDAR_FIELDS, "days"}
    if unknown:
        raise TypeError(f"update_calendar() got unexpected fields {sorted(unknown)}")
    locked = Calendar.objects.select_for_update().get(pk=calendar.pk, workspace=access.workspace)
    before = _calendar_snapshot(locked)
    merged = {**before, **changes}
    cleaned = _clean_calendar(access, locked, merged)
    days = cleaned.pop("days")
    for key, value in cleaned.items():
        setattr(locked, key, value)
    locked.updated_at = now()
    locked.save()
    _save_days(locked, days)
    after = _calendar_snapshot(locked)
    if after != before:
        audit.record(
            action="sla.calendar_updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


@transaction.atomic
def delete_calendar(
    *, access: Access, calendar: Calendar, request: HttpRequest | None = None
) -> None:
    """Refused while a policy uses it; clocks already running on it go on as 24/7."""
    access.require(Perm.INBOX_MANAGE, request)
    locked = Calendar.objects.select_for_update().get(pk=calendar.pk, workspace=access.workspace)
    users = list(Policy.objects.filter(calendar=locked).values_list("name", flat=True))
    if users:
        raise ValidationError(
            {"calendar": _("Policies use this calendar: %(names)s.") % {"names": "、".join(users)}}
        )
    before = _calendar_snapshot(locked)
    audit.record(
        action="sla.calendar_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
    )
    locked.delete()


# ---- policies --------------------------------------------------------------------------------


def _policy_snapshot(policy: Policy) -> dict[str, Any]:
    return snapshot(policy, POLICY_FIELDS)


def _clean_minutes(value: Any, name: str, fields: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_TARGET_MINUTES
    ):
        fields[name] = _("Give whole minutes from 1 to %(n)d, or nothing.") % {
            "n": MAX_TARGET_MINUTES
        }
        return None
    return value


def _clean_policy(access: Access, values: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        fields["name"] = _("Give the policy a name.")
    elif len(name) > NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    kinds = values.get("kinds") or []
    if not isinstance(kinds, list) or any(kind not in KINDS for kind in kinds):
        fields["kinds"] = _("Kinds are comment, mention and dm.")
        kinds = []
    priorities = values.get("priorities") or []
    if not isinstance(priorities, list) or any(
        isinstance(p, bool) or p not in PRIORITIES for p in priorities
    ):
        fields["priorities"] = _("Priorities are 0 (low) to 3 (urgent).")
        priorities = []
    minutes = {
        key: _clean_minutes(values.get(key), key, fields)
        for key in ("first_response_minutes", "next_response_minutes", "resolution_minutes")
    }
    if not fields and all(value is None for value in minutes.values()):
        fields["first_response_minutes"] = _("Give at least one target.")
    calendar = values.get("calendar")
    calendar_id = values.get(
        "calendar_id", calendar.pk if isinstance(calendar, Calendar) else calendar
    )
    found = None
    if calendar_id is not None:
        found = Calendar.objects.filter(workspace=access.workspace, pk=calendar_id).first()
        if found is None:
            fields["calendar_id"] = _("No such calendar in this workspace.")
    warn = values.get("warn_percent", 80)
    if isinstance(warn, bool) or not isinstance(warn, int) or not 0 <= warn <= 99:
        fields["warn_percent"] = _("Give a percentage from 0 (no warning) to 99.")
    position = values.get("position", 0)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 1000:
        fields["position"] = _("Give a position from 0 to 1000.")
    if fields:
        raise ValidationError(fields)
    return {
        "name": name,
        "kinds": sorted(set(kinds), key=KINDS.index),
        "priorities": sorted(set(priorities)),
        "calendar": found,
        "warn_percent": warn,
        "position": position,
        "enabled": bool(values.get("enabled", True)),
        **minutes,
    }


def _next_position(workspace: Workspace) -> int:
    top = Policy.objects.filter(workspace=workspace).aggregate(top=Max("position"))["top"]
    return 0 if top is None else min(top + 10, 1000)


@transaction.atomic
def create_policy(*, access: Access, request: HttpRequest | None = None, **values: Any) -> Policy:
    """values: name, kinds, priorities, the three *_minutes, calendar_id, warn_percent,
    position (default: after the others), enabled."""
    access.require(Perm.INBOX_MANAGE, request)
    if values.get("position") is None:
        values["position"] = _next_position(access.workspace)
    cleaned = _clean_policy(access, values)
    policy = Policy.objects.create(workspace=access.workspace, **cleaned)
    audit.record(
        action="sla.policy_created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=policy,
        after=_policy_snapshot(policy),
    )
    return policy


@transaction.atomic
def update_policy(
    *, access: Access, policy: Policy, request: HttpRequest | None = None, **changes: Any
) -> Policy:
    """Change any field; running clocks keep the targets they started with."""
    access.require(Perm.INBOX_MANAGE, request)
    allowed = {*POLICY_FIELDS, "calendar_id"} - {"calendar"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"update_policy() got unexpected fields {sorted(unknown)}")
    if "position" in changes and changes["position"] is None:
        del changes["position"]  # left empty on the form: keep it
    locked = Policy.objects.select_for_update().get(pk=policy.pk, workspace=access.workspace)
    before = _policy_snapshot(locked)
    current = {key: getattr(locked, key) for key in POLICY_FIELDS if key != "calendar"}
    current["calendar_id"] = locked.calendar_id
    cleaned = _clean_policy(access, {**current, **changes})
    for key, value in cleaned.items():
        setattr(locked, key, value)
    after = _policy_snapshot(locked)
    if after != before:
        locked.updated_at = now()
        locked.save()
        audit.record(
            action="sla.policy_updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


@transaction.atomic
def delete_policy(*, access: Access, policy: Policy, request: HttpRequest | None = None) -> None:
    """Running clocks keep their targets; new conversations match the remaining policies."""
    access.require(Perm.INBOX_MANAGE, request)
    locked = Policy.objects.select_for_update().get(pk=policy.pk, workspace=access.workspace)
    audit.record(
        action="sla.policy_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=_policy_snapshot(locked),
    )
    locked.delete()


# ---- defaults --------------------------------------------------------------------------------

WORKING_HOURS = {str(day): [["09:00", "12:00"], ["13:30", "18:00"]] for day in range(5)}


@transaction.atomic
def ensure_default_policies(
    workspace: Workspace, *, actor: User | None = None, request: HttpRequest | None = None
) -> list[Policy]:
    """A sensible first set for a workspace that has no policy yet; else changes nothing.

    A "working hours" calendar (Monday to Friday, 09:00–12:00 and 13:30–18:00 in the workspace's
    zone) and four policies: urgent (any kind, 24/7: 15 min first and next response), direct
    messages (30 min / 1 h / 1 day), mentions and comments (2 h / 4 h) in working hours.
    """
    existing = list(Policy.objects.filter(workspace=workspace).order_by("position", "id"))
    if existing:
        return existing
    calendar = Calendar.objects.filter(workspace=workspace).order_by("id").first()
    if calendar is None:
        calendar = Calendar.objects.create(
            workspace=workspace, name=_("Working hours"), hours=WORKING_HOURS
        )
    specs: list[dict[str, Any]] = [
        {
            "name": _("Urgent"),
            "priorities": [3],
            "first_response_minutes": 15,
            "next_response_minutes": 15,
            "resolution_minutes": 240,
            "calendar": None,
        },
        {
            "name": _("Direct messages"),
            "kinds": ["dm"],
            "first_response_minutes": 30,
            "next_response_minutes": 60,
            "resolution_minutes": 60 * 8,
        },
        {
            "name": _("Mentions"),
            "kinds": ["mention"],
            "first_response_minutes": 120,
            "next_response_minutes": 240,
        },
        {
            "name": _("Comments"),
            "kinds": ["comment"],
            "first_response_minutes": 120,
            "next_response_minutes": 240,
        },
    ]
    made = []
    for index, spec in enumerate(specs):
        values = {"calendar": calendar, **spec, "position": index * 10}
        made.append(Policy.objects.create(workspace=workspace, **values))
    audit.record(
        action="sla.defaults_created",
        workspace=workspace,
        actor=actor,
        request=request,
        after={"policies": [p.name for p in made], "calendar": calendar.name},
    )
    return made
