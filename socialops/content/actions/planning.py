"""Planning writes: posting slots per account, queueing a post into them, calendar moves."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels.models import Channel
from socialops.content import queues
from socialops.content.calendar_queries import PLANNED_STATES, SCHEDULABLE_STATES
from socialops.content.models import ContentSettings, Post, PostingSlot
from socialops.core import audit
from socialops.core.clock import now

from .posts import update_post
from .review import PAST_TOLERANCE, approval_stages, schedule_post

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["SLOT_PERM", "add_slot", "delete_slot", "move_post", "queue_post", "scheduling_perm"]

SLOT_PERM = Perm.CONTENT_PUBLISH  # slots decide when approved posts go out


def scheduling_perm(access: Access) -> Perm:
    """Who may schedule: publishers, or editors when the workspace has no approval step."""
    if approval_stages(access.workspace) == ContentSettings.Approval.NONE:
        return Perm.CONTENT_EDIT
    return Perm.CONTENT_PUBLISH


def _slot_label(slot: PostingSlot) -> str:
    return f"{slot.channel} · {slot.weekday} {slot.time:%H:%M}"


@transaction.atomic
def add_slot(
    *,
    access: Access,
    channel: Channel,
    weekday: int,
    at: time,
    request: HttpRequest | None = None,
) -> PostingSlot:
    """A weekly posting slot for the account, at a local time in the workspace's zone."""
    access.require(SLOT_PERM, request)
    if channel.workspace_id != access.workspace.pk:
        raise ValidationError({"channel_id": _("Not an account of this workspace.")})
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": _("Give a weekday from 0 (Monday) to 6 (Sunday).")})
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    if PostingSlot.objects.filter(channel=channel, weekday=weekday, time=at).exists():
        raise ValidationError({"time": _("The account already has this slot.")})
    try:
        with transaction.atomic():
            slot = PostingSlot.objects.create(channel=channel, weekday=weekday, time=at)
    except IntegrityError as exc:  # a concurrent add of the same slot
        raise ValidationError({"time": _("The account already has this slot.")}) from exc
    audit.record(
        action="slot.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=slot,
        target_label=_slot_label(slot),
        after={"channel": channel.pk, "weekday": weekday, "time": at.strftime("%H:%M")},
    )
    return slot


@transaction.atomic
def delete_slot(*, access: Access, slot: PostingSlot, request: HttpRequest | None = None) -> None:
    """Remove a slot; posts already queued into it keep their time."""
    access.require(SLOT_PERM, request)
    before = {
        "channel": slot.channel_id,
        "weekday": slot.weekday,
        "time": slot.time.strftime("%H:%M"),
    }
    label = _slot_label(slot)
    audit.record(
        action="slot.deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=slot,
        target_label=label,
        before=before,
    )
    slot.delete()


@transaction.atomic
def queue_post(
    *,
    access: Access,
    post: Post,
    channel_id: int | None = None,
    request: HttpRequest | None = None,
) -> Post:
    """Schedule an approved post at the next free posting slot.

    Without ``channel_id``: the earliest instant that is a free slot of every account the post
    goes to. With it: that account's next free slot, for all of the post's accounts (the way to
    queue a post whose accounts share no slot).
    """
    access.require(scheduling_perm(access), request)
    post = Post.objects.select_for_update().get(pk=post.pk, workspace=access.workspace)
    if post.state not in SCHEDULABLE_STATES:
        raise ValidationError(
            {
                "state": _("Only an approved post can be queued; this one is %(state)s.")
                % {"state": post.get_state_display()}
            }
        )
    ids = list(post.variants.order_by("id").values_list("channel_id", flat=True))
    if not ids:
        raise ValidationError({"channels": _("Choose at least one account to publish to.")})
    # Queueing two posts into the same account at once must not pick the same slot.
    channels = {c.pk: c for c in Channel.objects.select_for_update().filter(pk__in=ids)}
    if channel_id is not None:
        if channel_id not in channels:
            raise ValidationError({"channel_id": _("The post does not go to this account.")})
        following = [channels[channel_id]]
    else:
        following = [channels[i] for i in ids]
    without = [str(c) for c in following if not queues.slots_of(c).exists()]
    if without:
        raise ValidationError(
            {
                "channel_id": _("Add posting slots for %(accounts)s first.")
                % {"accounts": ", ".join(without)}
            }
        )
    zone = zoneinfo.ZoneInfo(access.workspace.time_zone)
    at = queues.next_free_slot(following, zone, ignore_post=post.pk)
    if at is None:
        message = (
            _(
                "These accounts share no free posting slot in the next %(weeks)d weeks; "
                "queue by one account."
            )
            if len(following) > 1
            else _("No free posting slot in the next %(weeks)d weeks.")
        )
        raise ValidationError({"channel_id": message % {"weeks": queues.HORIZON_WEEKS}})
    post = schedule_post(access=access, post=post, at=at, request=request)
    audit.record(
        action="post.queued",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=post,
        after={
            "scheduled_at": at.isoformat(),
            "following": [c.pk for c in following],
            "rule": "account" if channel_id is not None else "common",
        },
    )
    return post


@transaction.atomic
def move_post(
    *, access: Access, post: Post, at: datetime, request: HttpRequest | None = None
) -> Post:
    """A calendar move: reschedule an approved or scheduled post, or re-plan an idea or draft.

    Ideas and drafts (and posts in review) only carry a planned time, changed by editing them;
    approved and scheduled posts are scheduled, which moves their publications.
    """
    if post.state in SCHEDULABLE_STATES:
        return schedule_post(access=access, post=post, at=at, request=request)
    access.require(Perm.CONTENT_EDIT, request)
    if post.state not in PLANNED_STATES:
        raise ValidationError(
            {
                "state": _("Not possible while the post is %(state)s.")
                % {"state": post.get_state_display()}
            }
        )
    if at.tzinfo is None:
        raise ValidationError({"at": _("Give a time with its time zone.")})
    if at < now() - PAST_TOLERANCE:
        raise ValidationError({"at": _("That time has passed.")})
    return update_post(access=access, post=post, changes={"scheduled_at": at}, request=request)
