"""Posting queues: an account's weekly slots turned into instants, and the next free one.

A slot is free when the account has no other live publication due within that minute. A post
for several accounts goes to the earliest instant that is a free slot of every one of them;
when they share none within the horizon, the caller names the account whose queue to follow
(its slot then holds for all of the post's accounts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from socialops.channels.models import Channel
from socialops.content.calendar import at_local, monday_of
from socialops.content.models import PostingSlot
from socialops.core.clock import now
from socialops.publishing.models import Publication

HORIZON_WEEKS = 8  # how far ahead a queue looks for a free slot
SLOT_LENGTH = timedelta(minutes=1)


def slots_of(channel: Channel) -> QuerySet[PostingSlot]:
    return PostingSlot.objects.filter(channel=channel).order_by("weekday", "time", "id")


def slot_instants(
    weekly: Iterable[tuple[int, time]],
    zone: ZoneInfo,
    *,
    after: datetime,
    weeks: int = HORIZON_WEEKS,
) -> Iterator[datetime]:
    """UTC instants of the weekly (weekday, local time) slots at or after ``after``, in order."""
    weekly = sorted(set(weekly))
    if not weekly:
        return
    monday = monday_of(after.astimezone(zone).date())
    for week in range(weeks + 1):
        for weekday, wall in weekly:
            instant = at_local(monday + timedelta(days=7 * week + weekday), wall, zone)
            if instant >= after:
                yield instant


def taken_minutes(
    channel_ids: Sequence[int], start: datetime, end: datetime, *, ignore_post: int | None = None
) -> dict[int, set[datetime]]:
    """Per account, the minutes (UTC, truncated) that already have a live publication due."""
    rows = (
        Publication.objects.filter(channel_id__in=channel_ids, due_at__gte=start, due_at__lt=end)
        .exclude(state=Publication.State.CANCELLED)
        .values_list("channel_id", "due_at", "post_id")
    )
    taken: dict[int, set[datetime]] = {cid: set() for cid in channel_ids}
    for channel_id, due_at, post_id in rows:
        if ignore_post is not None and post_id == ignore_post:
            continue
        taken[channel_id].add(due_at.replace(second=0, microsecond=0))
    return taken


def _minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)


def next_free_slot(
    channels: Sequence[Channel],
    zone: ZoneInfo,
    *,
    after: datetime | None = None,
    ignore_post: int | None = None,
    weeks: int = HORIZON_WEEKS,
) -> datetime | None:
    """The earliest slot instant shared by every account and free in each; None if none."""
    if not channels:
        return None
    start = after or now()
    end = start + timedelta(weeks=weeks + 1)
    weekly = {
        c.pk: list(PostingSlot.objects.filter(channel=c).values_list("weekday", "time"))
        for c in channels
    }
    if any(not slots for slots in weekly.values()):
        return None
    taken = taken_minutes([c.pk for c in channels], start, end, ignore_post=ignore_post)
    common = set.intersection(*(set(slots) for slots in weekly.values()))
    for instant in slot_instants(common, zone, after=start, weeks=weeks):
        if all(_minute(instant) not in taken[c.pk] for c in channels):
            return instant
    return None


def upcoming(
    channel: Channel, zone: ZoneInfo, *, count: int = 6, after: datetime | None = None
) -> list[tuple[datetime, bool]]:
    """The account's next ``count`` slot instants and whether each is still free."""
    start = after or now()
    weekly = list(slots_of(channel).values_list("weekday", "time"))
    taken = taken_minutes([channel.pk], start, start + timedelta(weeks=HORIZON_WEEKS + 1))
    found = []
    for instant in slot_instants(weekly, zone, after=start):
        found.append((instant, _minute(instant) not in taken[channel.pk]))
        if len(found) >= count:
            break
    return found
