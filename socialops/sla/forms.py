"""Forms of the SLA pages: policies, and calendars with hours as text and dates one per line."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_TARGET_MINUTES
from .calendar import format_ranges, parse_ranges, ranges_from_json
from .models import NAME_LENGTH, Calendar, CalendarDay, Policy

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
KIND_CHOICES = [("comment", _("Comment")), ("mention", _("Mention")), ("dm", _("Direct message"))]
PRIORITY_CHOICES = [("0", _("Low")), ("1", _("Normal")), ("2", _("High")), ("3", _("Urgent"))]
_TRAILING_RANGES = re.compile(
    r"(\d{1,2}:\d{2}\s*[-–~至到]\s*\d{1,2}:\d{2}"
    r"(?:\s*[,，;；]?\s*\d{1,2}:\d{2}\s*[-–~至到]\s*\d{1,2}:\d{2})*)\s*$"
)


def _minutes_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=MAX_TARGET_MINUTES,
        help_text=_("Business minutes; empty: no target."),
    )


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any kind."),
    )
    priorities = forms.MultipleChoiceField(
        label=_("Priorities"),
        choices=PRIORITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any priority."),
    )
    first_response_minutes = _minutes_field(_("First response"))
    next_response_minutes = _minutes_field(_("Next response"))
    resolution_minutes = _minutes_field(_("Resolution"))
    calendar = forms.ModelChoiceField(
        label=_("Business hours"),
        queryset=Calendar.objects.none(),
        required=False,
        empty_label=_("24/7"),
    )
    warn_percent = forms.IntegerField(
        label=_("Warn at (percent of the target)"),
        min_value=0,
        max_value=99,
        initial=80,
        help_text=_("0: no warning."),
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Lower is tried first; the first matching policy wins."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, calendars: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if calendars is not None:
            self.fields["calendar"].queryset = calendars  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        calendar = data.get("calendar")
        return {
            "name": data["name"],
            "kinds": list(data.get("kinds") or []),
            "priorities": [int(p) for p in data.get("priorities") or []],
            "first_response_minutes": data.get("first_response_minutes"),
            "next_response_minutes": data.get("next_response_minutes"),
            "resolution_minutes": data.get("resolution_minutes"),
            "calendar_id": calendar.pk if calendar else None,
            "warn_percent": data["warn_percent"],
            "position": data.get("position"),
            "enabled": bool(data.get("enabled")),
        }

    @staticmethod
    def initial_of(policy: Policy) -> dict[str, Any]:
        return {
            "name": policy.name,
            "kinds": policy.kinds,
            "priorities": [str(p) for p in policy.priorities],
            "first_response_minutes": policy.first_response_minutes,
            "next_response_minutes": policy.next_response_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "calendar": policy.calendar_id,
            "warn_percent": policy.warn_percent,
            "position": policy.position,
            "enabled": policy.enabled,
        }


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        help_text=_("e.g. Asia/Shanghai; empty: the workspace's time zone."),
    )
    always_open = forms.BooleanField(
        label=_("Open 24/7"),
        required=False,
        help_text=_("Every hour counts; the hours and dates below are ignored."),
    )
    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        widget=forms.Textarea({"rows": 4, "placeholder": "2026-10-01 国庆节"}),
        help_text=_("One per line: the date, then a name. Closed all day."),
    )
    workdays = forms.CharField(
        label=_("Makeup working days (调休)"),
        required=False,
        widget=forms.Textarea({"rows": 3, "placeholder": "2026-10-10 国庆调休"}),
        help_text=_(
            "One per line: the date, a name, and hours if not a normal working day's "
            "(e.g. 2026-10-10 国庆调休 09:00-18:00)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                widget=forms.TextInput({"placeholder": "09:00-12:00, 13:30-18:00"}),
            )

    def hour_fields(self) -> list[forms.BoundField]:
        return [self[f"hours_{day}"] for day in range(7)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, str] = {}
        for day in range(7):
            text = data.get(f"hours_{day}") or ""
            try:
                parse_ranges(text)
            except ValueError:
                self.add_error(
                    f"hours_{day}",
                    _("Give ranges like 09:00-12:00, 13:30-18:00 that do not overlap."),
                )
                continue
            if text.strip():
                hours[str(day)] = text
        data["hours"] = hours
        days: list[dict[str, Any]] = []
        for name, kind in (("holidays", "holiday"), ("workdays", "workday")):
            for number, line in enumerate((data.get(name) or "").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    days.append(_parse_day_line(line, kind))
                except ValueError:
                    self.add_error(
                        name,
                        _("Line %(n)d: start with a date like 2026-10-01.") % {"n": number},
                    )
        data["days"] = days
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "time_zone": data.get("time_zone") or "",
            "always_open": bool(data.get("always_open")),
            "hours": data["hours"],
            "days": data["days"],
        }

    @staticmethod
    def initial_of(calendar: Calendar) -> dict[str, Any]:
        hours = calendar.hours if isinstance(calendar.hours, dict) else {}
        initial: dict[str, Any] = {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "always_open": calendar.always_open,
        }
        for day in range(7):
            initial[f"hours_{day}"] = format_ranges(ranges_from_json(hours.get(str(day))))
        lines: dict[str, list[str]] = {"holiday": [], "workday": []}
        for entry in calendar.days.all():
            text = f"{entry.date.isoformat()} {entry.name}".strip()
            if entry.hours:
                text += " " + format_ranges(ranges_from_json(entry.hours))
            lines[entry.kind].append(text)
        initial["holidays"] = "\n".join(lines[CalendarDay.Kind.HOLIDAY])
        initial["workdays"] = "\n".join(lines[CalendarDay.Kind.WORKDAY])
        return initial


def _parse_day_line(line: str, kind: str) -> dict[str, Any]:
    """ "2026-10-10 国庆调休 09:00-18:00" → {"date", "kind", "name", "hours"}."""
    head, _sep, rest = line.strip().partition(" ")
    day = date.fromisoformat(head.strip())
    hours = ""
    found = _TRAILING_RANGES.search(rest) if kind == "workday" else None
    if found:
        hours, rest = found.group(1), rest[: found.start()]
    return {"date": day, "kind": kind, "name": rest.strip(), "hours": hours}


def add_action_errors(form: forms.Form, exc: Any) -> None:
    """Put an action's ValidationError on the matching form fields (or on the form)."""
    for key, messages in exc.message_dict.items():
        base = key.split(".")[0]
        if key.startswith("hours."):
            field: str | None = f"hours_{key.split('.')[1]}"
        elif base == "days":
            field = "holidays"
        elif base == "calendar_id":
            field = "calendar"
        else:
            field = base if base in form.fields else None
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
