"""API routes for planning: the calendar, posting slots and queues, best times, the pillar mix.

Days given as `from` and `to` are local days in the workspace's time zone, both included.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator, field_validator

from socialops.accounts.auth import access_of
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels import queries as channel_queries
from socialops.channels.models import Channel
from socialops.content import actions, besttime, calendar_queries, queues
from socialops.content.calendar import local_midnight, month_grid
from socialops.content.models import Post, PostingSlot
from socialops.content.pillars import PillarMix
from socialops.core.clock import now
from socialops.core.schemas import BodySchema, InputSchema, JsonInt, QueryInt, RowId, errors

router = Router(tags=["calendar"])

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_DAYS = 366


def _iso_day(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would also read a number as a Unix timestamp."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class PeriodIn(InputSchema):
    from_: Day | None = Field(None, alias="from", description="first local day (YYYY-MM-DD)")
    to: Day | None = Field(None, description="last local day, included")
    channel_id: QueryInt | None = Field(None, description="only posts to this account")

    @field_validator("from_", "to")
    @classmethod
    def _in_range(cls, value: date | None) -> date | None:
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise ValueError("must be between 2000-01-01 and 2100-12-31")
        return value


def _zone(access: Access) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(access.workspace.time_zone)


def _days(period: PeriodIn, default: tuple[date, date]) -> tuple[date, date]:
    first = period.from_ or default[0]
    last = period.to or default[1]
    if last < first:
        raise ValidationError({"to": "must not be before from"})
    if (last - first).days >= MAX_DAYS:
        raise ValidationError({"to": f"at most {MAX_DAYS} days from `from`"})
    return first, last


def _channel(access: Access, request: HttpRequest, channel_id: int | None) -> Channel | None:
    if channel_id is None:
        return None
    return channel_queries.channel(access.workspace, channel_id, request)


# The calendar --------------------------------------------------------------------------------


class CalendarEntryOut(Schema):
    post_id: int
    title: str
    state: str
    pillar_id: int | None
    at: datetime = Field(description="UTC: scheduled_at, or published_at once published")
    local: str = Field(description="the same instant in the workspace's zone, ISO 8601")
    local_day: date
    published: bool
    movable: bool = Field(description="its time can still be changed")
    channel_ids: list[int]


class CalendarOut(Schema):
    time_zone: str
    first_day: date
    last_day: date
    entries: list[CalendarEntryOut]


@router.get("/calendar", response={200: CalendarOut, **errors(403, 404)})
def calendar(request: HttpRequest, period: Query[PeriodIn]) -> dict[str, Any]:
    """Posts with a time in the local days [from, to]; by default the current month's grid."""
    access = access_of(request, Perm.CONTENT_VIEW)
    zone = _zone(access)
    today = now().astimezone(zone).date()
    grid = month_grid(today.year, today.month)
    first, last = _days(period, (grid[0][0], grid[-1][-1]))
    channel = _channel(access, request, period.channel_id)
    found = calendar_queries.entries(
        access.workspace,
        local_midnight(first, zone),
        local_midnight(last + timedelta(days=1), zone),
        channel_id=channel.pk if channel else None,
    )
    return {
        "time_zone": zone.key,
        "first_day": first,
        "last_day": last,
        "entries": [
            {
                "post_id": e.post.pk,
                "title": str(e.post),
                "state": e.post.state,
                "pillar_id": e.post.pillar_id,
                "at": e.at.astimezone(UTC),
                "local": e.at.astimezone(zone).isoformat(),
                "local_day": e.at.astimezone(zone).date(),
                "published": e.published,
                "movable": e.movable,
                "channel_ids": [c.pk for c in e.channels],
            }
            for e in found
        ],
    }


# Posting slots and queues --------------------------------------------------------------------


class SlotOut(Schema):
    id: int
    channel_id: int
    weekday: int = Field(description="0 Monday … 6 Sunday")
    time: str = Field(description="local time HH:MM in the workspace's zone")


class UpcomingSlotOut(Schema):
    at: datetime
    local: str
    free: bool


class SlotsOut(Schema):
    time_zone: str
    slots: list[SlotOut]
    upcoming: list[UpcomingSlotOut]


class SlotIn(BodySchema):
    weekday: JsonInt = Field(ge=0, le=6, description="0 Monday … 6 Sunday")
    time: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="local HH:MM")


def _slot_out(slot: PostingSlot) -> dict[str, Any]:
    return {
        "id": slot.pk,
        "channel_id": slot.channel_id,
        "weekday": slot.weekday,
        "time": slot.time.strftime("%H:%M"),
    }


@router.get("/channels/{channel_id}/slots", response={200: SlotsOut, **errors(403, 404)})
def slots(request: HttpRequest, channel_id: int) -> dict[str, Any]:
    """The account's weekly posting slots and its next ones, free or taken."""
    access = access_of(request, Perm.CONTENT_VIEW)
    channel = channel_queries.channel(access.workspace, channel_id, request)
    zone = _zone(access)
    return {
        "time_zone": zone.key,
        "slots": [_slot_out(s) for s in queues.slots_of(channel)],
        "upcoming": [
            {"at": at, "local": at.astimezone(zone).isoformat(), "free": free}
            for at, free in queues.upcoming(channel, zone, count=10)
        ],
    }


@router.post("/channels/{channel_id}/slots", response={201: SlotOut, **errors(403, 404, 409)})
def create_slot(request: HttpRequest, channel_id: int, payload: SlotIn) -> Status[dict[str, Any]]:
    """A 422 on time when the account already has this slot."""
    access = access_of(request, actions.SLOT_PERM)
    channel = channel_queries.channel(access.workspace, channel_id, request)
    slot = actions.add_slot(
        access=access,
        channel=channel,
        weekday=payload.weekday,
        at=time.fromisoformat(payload.time),
        request=request,
    )
    return Status(201, _slot_out(slot))


@router.delete("/channels/{channel_id}/slots/{slot_id}", response={204: None, **errors(403, 404)})
def delete_slot(request: HttpRequest, channel_id: int, slot_id: int) -> Status[None]:
    access = access_of(request, actions.SLOT_PERM)
    channel = channel_queries.channel(access.workspace, channel_id, request)
    slot = PostingSlot.objects.filter(channel=channel, pk=slot_id).first()
    if slot is None:
        raise Http404("No such slot.")
    actions.delete_slot(access=access, slot=slot, request=request)
    return Status(204, None)


class QueueIn(BodySchema):
    channel_id: RowId | None = Field(
        None, description="follow this account's queue; leave out for a slot free in every one"
    )


class ScheduledOut(Schema):
    post_id: int
    state: str
    scheduled_at: datetime
    local: str


@router.post("/posts/{post_id}/queue", response={200: ScheduledOut, **errors(403, 404, 409)})
def queue(request: HttpRequest, post_id: int, payload: QueueIn) -> dict[str, Any]:
    """Schedule an approved post at the next free posting slot of its accounts.

    Without channel_id, the earliest slot every account of the post has free; with it, that
    account's next free slot. A 422 when there is no slot (channel_id says why).
    """
    access = access_of(request)
    found = Post.objects.filter(workspace=access.workspace, pk=post_id, archived=False).first()
    if found is None:
        access.require(actions.scheduling_perm(access), request)
        raise Http404("No such post.")
    post = actions.queue_post(
        access=access, post=found, channel_id=payload.channel_id, request=request
    )
    assert post.scheduled_at is not None  # noqa: S101
    return {
        "post_id": post.pk,
        "state": post.state,
        "scheduled_at": post.scheduled_at,
        "local": post.scheduled_at.astimezone(_zone(access)).isoformat(),
    }


# Best times ----------------------------------------------------------------------------------


class SuggestionOut(Schema):
    weekday: int
    hour: int
    label: str
    score: float = Field(description="relative to the best hour (1.0)")
    posts: int = Field(description="the account's own measured posts in this hour")
    average: float | None = Field(description="their average engagement (percent if rates)")
    next_at: datetime
    next_local: str
    reason: str


class BestTimesOut(Schema):
    channel_id: int
    time_zone: str
    source: str = Field(description="history, blend (history + catalog prior), catalog or none")
    measured: int
    rates: bool = Field(description="averages are engagement as a percent of impressions")
    summary: str
    suggestions: list[SuggestionOut]


class BestTimesIn(InputSchema):
    count: QueryInt = Field(5, ge=1, le=24)


@router.get("/channels/{channel_id}/best-times", response={200: BestTimesOut, **errors(403, 404)})
def best_times(
    request: HttpRequest, channel_id: int, options: Query[BestTimesIn]
) -> dict[str, Any]:
    """The best hours of the week to post, from the account's history or the catalog's prior."""
    access = access_of(request, Perm.CONTENT_VIEW)
    channel = channel_queries.channel(access.workspace, channel_id, request)
    zone = _zone(access)
    with translation.override(access.user.language or "zh-hans"):  # reasons in theirs
        found = besttime.best_times(channel, zone, count=options.count)
        return {
            "channel_id": channel.pk,
            "time_zone": zone.key,
            "source": found.source,
            "measured": found.measured,
            "rates": found.rates,
            "summary": found.summary,
            "suggestions": [
                {
                    "weekday": s.weekday,
                    "hour": s.hour,
                    "label": s.label,
                    "score": s.score,
                    "posts": s.posts,
                    "average": s.average,
                    "next_at": s.next_at,
                    "next_local": s.next_at.astimezone(zone).isoformat(),
                    "reason": s.reason,
                }
                for s in found.suggestions
            ],
        }


# The pillar mix ------------------------------------------------------------------------------


class PillarShareOut(Schema):
    pillar_id: int
    name: str
    target: int = Field(description="percent")
    count: int
    actual: float | None = Field(description="percent of the tagged posts; null while none")
    difference: float | None = Field(description="actual - target, percentage points")
    drift: bool


class MixCountsOut(Schema):
    tagged: int
    untagged: int
    pillars: list[PillarShareOut]


class AccountMixOut(Schema):
    channel_id: int
    planned: MixCountsOut
    published: MixCountsOut


class MixOut(Schema):
    time_zone: str
    first_day: date
    last_day: date
    channel_id: int | None
    planned: MixCountsOut = Field(description="approved and scheduled posts with a time in it")
    published: MixCountsOut
    accounts: list[AccountMixOut] = Field(description="per account, when no channel_id is given")


def _counts(counts: calendar_queries.MixCounts, names: dict[int, str]) -> dict[str, Any]:
    def row(r: PillarMix) -> dict[str, Any]:
        return {
            "pillar_id": r.pillar_id,
            "name": names.get(r.pillar_id, ""),
            "target": r.target,
            "count": r.count,
            "actual": r.actual,
            "difference": r.difference,
            "drift": r.drift,
        }

    return {
        "tagged": counts.tagged,
        "untagged": counts.untagged,
        "pillars": [row(r) for r in counts.rows],
    }


@router.get("/pillars/mix", response={200: MixOut, **errors(403, 404)})
def pillar_mix(request: HttpRequest, period: Query[PeriodIn]) -> dict[str, Any]:
    """Planned and published shares per pillar against targets; by default 30 days either side
    of today. A pillar drifts when it is more than 10 points off on 10 or more posts."""
    access = access_of(request, Perm.CONTENT_VIEW)
    zone = _zone(access)
    today = now().astimezone(zone).date()
    first, last = _days(period, (today - timedelta(days=30), today + timedelta(days=30)))
    channel = _channel(access, request, period.channel_id)
    report = calendar_queries.mix_report(
        access.workspace,
        local_midnight(first, zone),
        local_midnight(last + timedelta(days=1), zone),
        channel=channel,
    )
    names = {pid: p.name for pid, p in report.pillars.items()}
    return {
        "time_zone": zone.key,
        "first_day": first,
        "last_day": last,
        "channel_id": channel.pk if channel else None,
        "planned": _counts(report.planned, names),
        "published": _counts(report.published, names),
        "accounts": [
            {
                "channel_id": a.channel.pk,
                "planned": _counts(a.planned, names),
                "published": _counts(a.published, names),
            }
            for a in report.accounts
            if a.channel is not None
        ],
    }
