"""Starting, pausing, resuming, re-targeting and stopping clocks (what the hooks do).

A running clock has consumed ``consumed_seconds`` of business time before ``running_since``
and keeps consuming from there; ``due_at`` and ``warn_at`` are where the remaining target and
the warning fall in its calendar. Paused clocks keep ``consumed_seconds`` and have no due time
that moves; resuming places ``due_at`` again, so it moves by the paused business time.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from socialops.core.clock import now

from .calendar import NeverOpen, Schedule, add_business_time, business_seconds_between, schedule_of
from .models import RESPONSE_METRICS, Calendar, Clock, Metric, Policy, SlaEvent

if TYPE_CHECKING:
    from socialops.inbox.models import Conversation, Message

State = Clock.State
LIVE = (State.RUNNING, State.PAUSED)


def policy_for(conversation: Conversation) -> Policy | None:
    """The first enabled policy (by position) matching the conversation's kind and priority."""
    policies = Policy.objects.filter(workspace_id=conversation.workspace_id, enabled=True)
    for policy in policies.select_related("calendar").order_by("position", "id"):
        if policy.matches(conversation.kind, conversation.priority):
            return policy
    return None


def schedule_for(clock: Clock, calendar: Calendar | None = None) -> Schedule:
    found = calendar if calendar is not None else clock.calendar
    time_zone = clock.workspace.time_zone if found is not None else "UTC"
    return schedule_of(found, time_zone)


def consumed_at(clock: Clock, at: datetime, schedule: Schedule | None = None) -> int:
    """Business seconds the clock has consumed by ``at``."""
    if clock.state != State.RUNNING or clock.running_since is None:
        return clock.consumed_seconds
    schedule = schedule or schedule_for(clock)
    return clock.consumed_seconds + round(
        business_seconds_between(schedule, clock.running_since, at)
    )


def _place(clock: Clock, at: datetime, schedule: Schedule) -> None:
    """Set due_at and warn_at of a clock running from ``at`` with its consumed time."""
    remaining = clock.target_seconds - clock.consumed_seconds
    try:
        if remaining > 0:
            clock.due_at = add_business_time(schedule, at, remaining)
        elif clock.due_at is None:
            clock.due_at = at
        warn_after = clock.target_seconds * clock.warn_percent // 100 - clock.consumed_seconds
        if clock.warn_percent and clock.warned_at is None and clock.breached_at is None:
            clock.warn_at = add_business_time(schedule, at, max(warn_after, 0))
        else:
            clock.warn_at = None
    except NeverOpen:
        clock.due_at = clock.warn_at = None


def start(
    conversation: Conversation,
    metric: str,
    *,
    at: datetime,
    policy: Policy,
    message: Message | None = None,
) -> Clock | None:
    """A new clock for ``metric`` if the policy has a target for it."""
    minutes = policy.target_minutes(metric)
    if minutes is None:
        return None
    clock = Clock(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        metric=metric,
        policy=policy,
        calendar=policy.calendar,
        target_seconds=minutes * 60,
        warn_percent=policy.warn_percent,
        started_at=at,
        running_since=at,
        start_message=message,
    )
    clock.workspace = conversation.workspace
    _place(clock, at, schedule_for(clock))
    if conversation.status == conversation.Status.PENDING:
        clock.state, clock.paused_at, clock.running_since = State.PAUSED, at, None
        clock.due_at = clock.warn_at = None
    try:
        with transaction.atomic():  # a savepoint: a racing twin loses without harming the caller
            clock.save()
    except IntegrityError:
        return None  # another clock for this metric went live first (sla_clock_one_live_per_metric)
    return clock


def reanchor(clock: Clock, message: Message, at: datetime) -> None:
    """Start a live clock at an earlier customer message instead.

    Ingestion may reopen a conversation (which starts clocks "now") before it reports the
    message that reopened it, or report a batch's messages out of order: the clock belongs to the
    earliest unanswered message. Only clocks that have run without a pause are moved.
    """
    if clock.started_at <= at or clock.paused_at is not None or clock.consumed_seconds:
        return
    if clock.state != State.RUNNING or clock.breached_at is not None:
        return
    clock.started_at = clock.running_since = at
    clock.start_message = message
    clock.warned_at = None
    clock.due_at = None
    _place(clock, at, schedule_for(clock))
    clock.save()


def live_clocks(conversation: Conversation) -> QuerySet[Clock]:
    return (
        Clock.objects.select_for_update(of=("self",))
        .filter(conversation=conversation, state__in=LIVE)
        .select_related("calendar", "workspace")
        .order_by("id")
    )


def pause(clock: Clock, at: datetime) -> None:
    if clock.state != State.RUNNING:
        return
    clock.consumed_seconds = consumed_at(clock, at)
    clock.state, clock.paused_at, clock.running_since = State.PAUSED, at, None
    clock.due_at = clock.due_at if clock.breached_at else None
    clock.warn_at = None
    clock.save()


def resume(clock: Clock, at: datetime) -> None:
    if clock.state != State.PAUSED:
        return
    clock.state, clock.running_since, clock.paused_at = State.RUNNING, at, None
    _place(clock, at, schedule_for(clock))
    clock.save()


def stop(
    clock: Clock,
    at: datetime,
    *,
    message: Message | None = None,
    agent_id: int | None = None,
) -> SlaEvent:
    """End the clock hit or missed and record (or complete) its event."""
    elapsed = consumed_at(clock, at)
    hit = elapsed <= clock.target_seconds and clock.breached_at is None
    clock.consumed_seconds = elapsed
    clock.state = State.HIT if hit else State.MISSED
    clock.stopped_at, clock.stop_message, clock.running_since = at, message, None
    clock.warn_at = None
    clock.save()
    event = SlaEvent.objects.filter(clock=clock).first()
    if event is None:
        event = _new_event(clock, outcome=SlaEvent.Outcome.HIT if hit else SlaEvent.Outcome.MISSED)
        # a miss the escalation task had not recorded yet still counts when it happened
        breached = clock.due_at if clock.due_at is not None and clock.due_at <= at else at
        event.at = at if hit else breached
    event.elapsed_seconds = elapsed
    event.answered_at = at
    event.agent_id = agent_id
    event.message = message
    event.save()
    return event


def record_breach(clock: Clock, at: datetime) -> SlaEvent:
    """The missed event, written when the clock passes its due time (it keeps running)."""
    event = _new_event(clock, outcome=SlaEvent.Outcome.MISSED)
    event.at = at
    event.save()
    return event


def _new_event(clock: Clock, *, outcome: str) -> SlaEvent:
    conversation = clock.conversation
    return SlaEvent(
        workspace_id=clock.workspace_id,
        clock=clock,
        conversation=conversation,
        channel_id=conversation.channel_id,
        kind=conversation.kind,
        priority=conversation.priority,
        metric=clock.metric,
        outcome=outcome,
        target_seconds=clock.target_seconds,
    )


def cancel(clock: Clock, at: datetime) -> None:
    """Not counted at all (spam): the clock is cancelled and a recorded miss is withdrawn."""
    clock.state, clock.stopped_at, clock.running_since = State.CANCELLED, at, None
    clock.warn_at = None
    clock.save()
    SlaEvent.objects.filter(clock=clock).delete()


def close_unanswered(clock: Clock, at: datetime) -> None:
    """A response clock when the conversation is resolved without an answer.

    Nothing was owed any more: cancelled, unless it had already breached (then it stays a miss).
    """
    if clock.breached_at is None:
        cancel(clock, at)
        return
    clock.consumed_seconds = consumed_at(clock, at)
    clock.state, clock.stopped_at, clock.running_since = State.MISSED, at, None
    clock.warn_at = None
    clock.save()


def retarget(clock: Clock, policy: Policy | None, at: datetime) -> None:
    """Move a live clock to another policy's target and calendar, keeping what it consumed."""
    minutes = policy.target_minutes(clock.metric) if policy is not None else None
    if policy is None or minutes is None:
        cancel(clock, at)
        return
    running = clock.state == State.RUNNING
    clock.consumed_seconds = consumed_at(clock, at)
    clock.policy, clock.calendar = policy, policy.calendar
    clock.target_seconds, clock.warn_percent = minutes * 60, policy.warn_percent
    if clock.consumed_seconds < clock.target_seconds and clock.breached_at is not None:
        clock.breached_at = None  # more time now: the recorded miss is withdrawn
        SlaEvent.objects.filter(clock=clock).delete()
    if clock.consumed_seconds < clock.target_seconds * clock.warn_percent // 100:
        clock.warned_at = None
    clock.due_at = None if clock.breached_at is None else clock.due_at
    if running:
        clock.running_since = at
        _place(clock, at, schedule_for(clock))
    else:
        clock.warn_at = None
    clock.save()
    SlaEvent.objects.filter(clock=clock).update(target_seconds=clock.target_seconds)


def response_metric(conversation: Conversation) -> str:
    """First response until we have answered once, next response after that."""
    answered = (
        conversation.first_response_at is not None
        or Clock.objects.filter(
            conversation=conversation,
            metric__in=RESPONSE_METRICS,
            state__in=(State.HIT, State.MISSED),
            stop_message__isnull=False,
        ).exists()
    )
    return Metric.NEXT_RESPONSE if answered else Metric.FIRST_RESPONSE


def at_or_now(moment: datetime | None) -> datetime:
    """A message's time, but never in the future (platform clocks drift)."""
    current = now()
    return current if moment is None or moment > current else moment
