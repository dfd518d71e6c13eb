"""Request and response bodies of the SLA routes."""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import date as Date
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictBool

from socialops.core.schemas import BodySchema, JsonInt, RowId

from .actions import MAX_DAYS, MAX_TARGET_MINUTES
from .models import NAME_LENGTH


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would also read "0" as a Unix timestamp."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return date.fromisoformat(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
TimeText = Annotated[str, Field(max_length=5, description='"09:00"; "24:00" ends a day.')]
TimeRange = Annotated[list[TimeText], Field(min_length=2, max_length=2)]
Ranges = Annotated[list[TimeRange], Field(max_length=12)]
Minutes = Annotated[JsonInt, Field(ge=1, le=MAX_TARGET_MINUTES)]
HOURS_HELP = (
    'Open ranges per weekday, "0" (Monday) to "6" (Sunday), e.g. '
    '{"0": [["09:00", "12:00"], ["13:30", "18:00"]]}. A weekday left out is closed.'
)
TARGET_HELP = "Business minutes; null: no target for this metric."


class CalendarDayOut(Schema):
    date: Date
    kind: str = Field(description='"holiday" (closed) or "workday" (a makeup working day, 调休).')
    name: str
    hours: list[list[str]] = Field(description="A working day's ranges; empty: normal hours.")


class SlaCalendarOut(Schema):
    id: int
    name: str
    time_zone: str = Field(description='"": the workspace\'s time zone.')
    always_open: bool = Field(description="24/7: hours, holidays and makeup days are ignored.")
    hours: dict[str, list[list[str]]] = Field(description=HOURS_HELP)
    days: list[CalendarDayOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_days(obj: Any) -> list[Any]:
        return list(obj.days.all())


class CalendarDayIn(BodySchema):
    date: IsoDate
    kind: Literal["holiday", "workday"] = "holiday"
    name: str = Field("", max_length=NAME_LENGTH)
    hours: Ranges = Field(default_factory=list, description="Only for a workday.")


class CalendarIn(BodySchema):
    name: str = Field(max_length=NAME_LENGTH)
    time_zone: str = Field(
        "", max_length=64, description='e.g. "Asia/Shanghai"; "": the workspace\'s.'
    )
    always_open: StrictBool = False
    hours: dict[str, Ranges] = Field(default_factory=dict, max_length=7, description=HOURS_HELP)
    days: list[CalendarDayIn] = Field(
        default_factory=list,
        max_length=MAX_DAYS,
        description="Holidays and makeup working days (调休); replaces the list on PATCH.",
    )


class CalendarPatchIn(BodySchema):
    name: str | None = Field(None, max_length=NAME_LENGTH)
    time_zone: str | None = Field(None, max_length=64)
    always_open: StrictBool | None = None
    hours: dict[str, Ranges] | None = Field(None, max_length=7, description=HOURS_HELP)
    days: list[CalendarDayIn] | None = Field(None, max_length=MAX_DAYS)


class PolicyOut(Schema):
    id: int
    name: str
    position: int = Field(description="Policies are tried by position; the first match wins.")
    enabled: bool
    kinds: list[str] = Field(description='"comment", "mention", "dm"; empty: any kind.')
    priorities: list[int] = Field(description="0 (low) to 3 (urgent); empty: any priority.")
    first_response_minutes: int | None = Field(description=TARGET_HELP)
    next_response_minutes: int | None = Field(description=TARGET_HELP)
    resolution_minutes: int | None = Field(description=TARGET_HELP)
    calendar_id: int | None = Field(description="Business hours; null: 24/7.")
    warn_percent: int = Field(description="Warn at this share of the target; 0: no warning.")
    created_at: datetime
    updated_at: datetime


Kind = Literal["comment", "mention", "dm"]
Priority = Annotated[JsonInt, Field(ge=0, le=3)]


class PolicyIn(BodySchema):
    name: str = Field(max_length=NAME_LENGTH)
    position: Annotated[JsonInt, Field(ge=0, le=1000)] | None = Field(
        None, description="Default: after the others."
    )
    enabled: StrictBool = True
    kinds: list[Kind] = Field(default_factory=list, max_length=3)
    priorities: list[Priority] = Field(default_factory=list, max_length=4)
    first_response_minutes: Minutes | None = Field(None, description=TARGET_HELP)
    next_response_minutes: Minutes | None = Field(None, description=TARGET_HELP)
    resolution_minutes: Minutes | None = Field(None, description=TARGET_HELP)
    calendar_id: RowId | None = Field(None, description="Business hours; null: 24/7.")
    warn_percent: Annotated[JsonInt, Field(ge=0, le=99)] = 80


class PolicyPatchIn(BodySchema):
    """Fields left out stay; null clears a target or the calendar (24/7)."""

    name: str | None = Field(None, max_length=NAME_LENGTH)
    position: Annotated[JsonInt, Field(ge=0, le=1000)] | None = None
    enabled: StrictBool | None = None
    kinds: list[Kind] | None = Field(None, max_length=3)
    priorities: list[Priority] | None = Field(None, max_length=4)
    first_response_minutes: Minutes | None = Field(None, description=TARGET_HELP)
    next_response_minutes: Minutes | None = Field(None, description=TARGET_HELP)
    resolution_minutes: Minutes | None = Field(None, description=TARGET_HELP)
    calendar_id: RowId | None = Field(None, description="null: 24/7.")
    warn_percent: Annotated[JsonInt, Field(ge=0, le=99)] | None = None


CLEARABLE = {"first_response_minutes", "next_response_minutes", "resolution_minutes", "calendar_id"}


def policy_changes(payload: PolicyPatchIn) -> dict[str, Any]:
    """The fields given; null is kept for the clearable ones, dropped for the rest."""
    changes = {key: getattr(payload, key) for key in payload.model_fields_set}
    return {k: v for k, v in changes.items() if v is not None or k in CLEARABLE}


class ClockOut(Schema):
    id: int
    conversation_id: int
    metric: str = Field(description='"first_response", "next_response" or "resolution".')
    state: str = Field(description='"running", "paused", "hit", "missed" or "cancelled".')
    policy_id: int | None
    target_seconds: int = Field(description="Business seconds.")
    consumed_seconds: int = Field(description="Business seconds used until paused or stopped.")
    started_at: datetime
    due_at: datetime | None
    paused_at: datetime | None
    stopped_at: datetime | None
    breached_at: datetime | None
    warned_at: datetime | None


class SlaGroupOut(Schema):
    key: str
    label: str
    hit: int
    missed: int
    total: int
    hit_rate: float | None = Field(description="hit / (hit + missed); null without clocks.")
    answered: int = Field(description="First responses with a measured time.")
    median_seconds: float | None = Field(description="Median first response, business seconds.")
    p90_seconds: float | None = Field(description="90th percentile first response.")


class DayOut(Schema):
    day: date
    hit: int
    missed: int
    hit_rate: float | None


class SlaReportOut(Schema):
    start: date
    end: date
    time_zone: str
    total: SlaGroupOut
    by_metric: list[SlaGroupOut]
    by_agent: list[SlaGroupOut] = Field(description="Who answered (the assignee for resolution).")
    by_channel: list[SlaGroupOut]
    by_kind: list[SlaGroupOut]
    daily: list[DayOut]
