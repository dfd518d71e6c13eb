"""What the inbox tells the SLA clocks. Called inside the inbox's own transactions.

Each hook is idempotent: the same message or the same status change twice changes nothing the
second time (a clock remembers the message that started or stopped it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction

from socialops.core.clock import now

from . import clocks
from .models import RESPONSE_METRICS, Clock, Metric

if TYPE_CHECKING:
    from socialops.inbox.models import Conversation, Message

State = Clock.State
# A message stored this long after it was written is history being caught up with (an account's
# first sync): it starts no clock, or every old message would count as a missed target.
BACKFILL_AFTER = timedelta(days=2)
# Outbound rows count as answers once sent; "received" is an answer made on the platform itself.
ANSWERED_STATES = ("sent", "received")
Hook = TypeVar("Hook", bound=Callable[..., None])


def _atomic(hook: Hook) -> Hook:
    """Inside the caller's transaction as promised, but safe on its own too (row locks)."""

    @functools.wraps(hook)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            hook(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@_atomic
def on_inbound(message: Message) -> None:
    """A customer's message was stored: start or restart the response clocks."""
    if message.direction != "in":
        return
    conversation = message.conversation
    if conversation.status == conversation.Status.SPAM:
        return
    if Clock.objects.filter(start_message=message).exists():
        return  # this message started clocks already
    received = message.received_at or message.created_at
    if received - message.created_at > BACKFILL_AFTER:
        return
    at = clocks.at_or_now(min(message.created_at, received))
    live = {clock.metric: clock for clock in clocks.live_clocks(conversation)}
    answered_at = conversation.last_outbound_at
    if answered_at is None or at >= answered_at:
        for clock in live.values():
            clocks.reanchor(clock, message, at)
    policy = clocks.policy_for(conversation)
    if policy is None:
        return
    if not any(metric in live for metric in RESPONSE_METRICS):
        # the earliest unanswered message starts the clock; later ones wait on the same one
        clocks.start(
            conversation,
            clocks.response_metric(conversation),
            at=at,
            policy=policy,
            message=message,
        )
    if Metric.RESOLUTION not in live:
        clocks.start(conversation, Metric.RESOLUTION, at=at, policy=policy, message=message)


@_atomic
def on_outbound(message: Message) -> None:
    """Our reply was sent: stop the running response clock (first or next response)."""
    if message.direction != "out" or message.send_state not in ANSWERED_STATES:
        return
    if Clock.objects.filter(stop_message=message).exists():
        return
    conversation = message.conversation
    at = clocks.at_or_now(message.created_at)
    for clock in clocks.live_clocks(conversation).filter(metric__in=RESPONSE_METRICS):
        if clock.started_at > at:
            continue  # an answer older than the question it would stop
        clocks.stop(clock, at, message=message, agent_id=message.sent_by_id)


@_atomic
def on_status_changed(conversation: Conversation, old_status: str) -> None:
    """Pending pauses the clocks, open resumes them, resolved stops resolution, spam cancels."""
    status = conversation.status
    if status == old_status:
        return
    at = now()
    Status = conversation.Status
    live = list(clocks.live_clocks(conversation))
    if status == Status.PENDING:
        for clock in live:
            clocks.pause(clock, at)
    elif status == Status.SPAM:
        for clock in live:
            clocks.cancel(clock, at)
    elif status == Status.RESOLVED:
        for clock in live:
            if clock.metric == Metric.RESOLUTION:
                clocks.stop(clock, at, agent_id=conversation.assignee_id)
            else:
                clocks.close_unanswered(clock, at)
    elif status == Status.OPEN:
        for clock in live:
            clocks.resume(clock, at)
        if old_status in (Status.RESOLVED, Status.SPAM):
            _reopen(conversation, {clock.metric for clock in live}, at)


def _reopen(conversation: Conversation, live: set[str], at: datetime) -> None:
    """Reopened by hand: resolution runs again; a response is owed if the customer spoke last."""
    policy = clocks.policy_for(conversation)
    if policy is None:
        return
    if conversation.unanswered and not live & set(RESPONSE_METRICS):
        clocks.start(conversation, clocks.response_metric(conversation), at=at, policy=policy)
    if Metric.RESOLUTION not in live:
        clocks.start(conversation, Metric.RESOLUTION, at=at, policy=policy)


@_atomic
def on_priority_changed(conversation: Conversation) -> None:
    """A new priority may pick a different policy: move the running clocks' targets."""
    at = now()
    policy = clocks.policy_for(conversation)
    live = list(clocks.live_clocks(conversation))
    for clock in live:
        if policy is not None and clock.policy_id == policy.pk:
            continue
        clocks.retarget(clock, policy, at)
    if not live and conversation.status == conversation.Status.OPEN:
        _reopen(conversation, set(), at)  # no policy matched before; one may now
