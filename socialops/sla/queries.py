"""Reads of SLA policies, calendars and clocks, scoped to a workspace; the inbox's badges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.core.clock import now

from .models import RESPONSE_METRICS, Calendar, CalendarDay, Clock, Policy


@dataclass(frozen=True)
class Badge:
    """What the inbox list shows for a conversation's SLA.

    state: "running", "paused", "warning" (past the warning point), "breached" (past due,
    still unanswered) or "hit" (the last response was in time). metric: the clock's metric.
    due_at: when it falls due (None while paused or once hit).
    """

    state: str
    due_at: datetime | None
    metric: str


def badges(conversations: Iterable[object]) -> dict[int, Badge]:
    """Conversation id → badge, for those that have one; one query.

    Conversations may be given as objects with ``pk`` or as ids. What shows, most urgent first:
    a live response clock (first or next response); a breached resolution clock; "hit" when the
    latest response was in time; a live resolution clock.
    """
    ids = [getattr(item, "pk", item) for item in conversations]
    if not ids:
        return {}
    rows = (
        Clock.objects.filter(conversation_id__in=ids)
        .exclude(state=Clock.State.CANCELLED)
        .order_by("conversation_id", "-id")
        .values_list("conversation_id", "metric", "state", "due_at", "warn_at", "warned_at")
    )
    at = now()
    best: dict[int, tuple[int, Badge]] = {}
    latest_response_seen: set[int] = set()
    for conversation_id, metric, state, due_at, warn_at, warned_at in rows:
        response = metric in RESPONSE_METRICS
        latest = response and conversation_id not in latest_response_seen
        if response:
            latest_response_seen.add(conversation_id)
        if state in (Clock.State.HIT, Clock.State.MISSED):
            if not (latest and state == Clock.State.HIT):
                continue
            rank, badge = 3, Badge("hit", None, metric)
        elif state == Clock.State.PAUSED:
            rank, badge = (5 if response else 1), Badge("paused", None, metric)
        else:
            if due_at is not None and due_at <= at:
                shown = "breached"
            elif warned_at is not None or (warn_at is not None and warn_at <= at):
                shown = "warning"
            else:
                shown = "running"
            if response:
                rank = 5
            else:
                rank = 4 if shown == "breached" else 2
            badge = Badge(shown, due_at, metric)
        current = best.get(conversation_id)
        if current is None or rank > current[0]:
            best[conversation_id] = (rank, badge)
    return {conversation_id: badge for conversation_id, (_rank, badge) in best.items()}


def workspace_policies(workspace: Workspace) -> QuerySet[Policy]:
    return Policy.objects.filter(workspace=workspace).select_related("calendar")


def policy(workspace: Workspace, policy_id: int) -> Policy:
    found = workspace_policies(workspace).filter(pk=policy_id).first()
    if found is None:
        raise Http404("No such SLA policy.")
    return found


def workspace_calendars(workspace: Workspace) -> QuerySet[Calendar]:
    return Calendar.objects.filter(workspace=workspace).prefetch_related(
        Prefetch("days", queryset=CalendarDay.objects.order_by("date"))
    )


def calendar(workspace: Workspace, calendar_id: int) -> Calendar:
    found = workspace_calendars(workspace).filter(pk=calendar_id).first()
    if found is None:
        raise Http404("No such calendar.")
    return found


def conversation_clocks(workspace: Workspace, conversation_id: int) -> QuerySet[Clock]:
    """Every clock of one of the workspace's conversations (404 for another workspace's)."""
    from socialops.inbox.models import Conversation

    if not Conversation.objects.filter(workspace=workspace, pk=conversation_id).exists():
        raise Http404("No such conversation.")
    return Clock.objects.filter(conversation_id=conversation_id).select_related("policy")
