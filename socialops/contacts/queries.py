"""Reads of contacts, their timelines, top fans and the engagement queue, scoped to a workspace.

Another workspace's ids are a 404.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.core.clock import now
from socialops.core.errors import ApiError

from .linking import author_messages
from .models import Contact, EngagementTask, Identity

TIMELINE_PAGE = 30
TOP_FAN_PERIODS = (7, 30, 90)


def workspace_contacts(
    workspace: Workspace,
    *,
    q: str = "",
    kind: str = "",
    tag: str = "",
    importance: int | None = None,
    platform: str = "",
    tier: str = "",
) -> QuerySet[Contact]:
    """Filtered; q is a substring (Chinese too) of the name, a handle or the organisation."""
    contacts = Contact.objects.filter(workspace=workspace)
    if q.strip():
        text = q.strip().lstrip("@")
        handles = Identity.objects.filter(contact=OuterRef("pk"), handle__icontains=text)
        contacts = contacts.filter(
            Q(name__icontains=text) | Q(organisation__icontains=text) | Exists(handles)
        )
    if kind:
        contacts = contacts.filter(kind=kind)
    if tag.strip():
        contacts = contacts.filter(tag_index__contains=f"|{tag.strip().strip('#').casefold()}|")
    if importance is not None:
        contacts = contacts.filter(importance=importance)
    if platform:
        contacts = contacts.filter(
            Exists(Identity.objects.filter(contact=OuterRef("pk"), platform=platform))
        )
    if tier:
        contacts = contacts.filter(tier="" if tier == "none" else tier)
    return contacts.prefetch_related("identities").order_by("name_key", "id")


def contact(workspace: Workspace, contact_id: int) -> Contact:
    found = Contact.objects.filter(workspace=workspace, pk=contact_id).first()
    if found is None:
        raise Http404("No such contact.")
    return found


def identity(found: Contact, identity_id: int) -> Identity:
    match = Identity.objects.filter(contact=found, pk=identity_id).first()
    if match is None:
        raise Http404("No such identity.")
    return match


def workspace_tags(workspace: Workspace) -> list[str]:
    """Every tag in use, sorted by pinyin."""
    from .naming import name_key

    seen: dict[str, str] = {}
    for tags in Contact.objects.filter(workspace=workspace).values_list("tags", flat=True):
        for tag in tags or []:
            seen.setdefault(str(tag).casefold(), str(tag))
    return sorted(seen.values(), key=name_key)


# ---- timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One line of a contact's timeline."""

    kind: str  # "message", "engagement" or "change"
    at: datetime
    id: int
    item: Any  # an inbox Message, an EngagementTask or an AuditEvent

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, RANKS[self.kind], self.id)


RANKS = {"change": 0, "engagement": 1, "message": 2}


def encode_cursor(event: Event) -> str:
    raw = f"{event.at.isoformat()}|{event.kind}|{event.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int, int]:
    try:
        at, kind, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None or kind not in RANKS:
            raise ValueError(cursor)
        return (moment, RANKS[kind], int(pk))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ApiError(
            422, "invalid", "The cursor is not valid.", {"cursor": "not a cursor this API gave out"}
        ) from exc


def timeline(
    found: Contact, *, cursor: str | None = None, size: int = TIMELINE_PAGE
) -> tuple[list[Event], str | None]:
    """Newest first: inbox messages by and to the contact (mentions are messages too), their
    engagement tasks, and the changes made to the contact. The next page's cursor, or None."""
    from socialops.core.models import AuditEvent
    from socialops.inbox.models import Message

    before = decode_cursor(cursor) if cursor else None
    sources: list[tuple[str, QuerySet[Any], str]] = [
        (
            "message",
            Message.objects.filter(
                author_messages(found), workspace=found.workspace
            ).select_related("conversation", "channel", "sent_by"),
            "created_at",
        ),
        (
            "engagement",
            EngagementTask.objects.filter(
                Q(contact=found) | Q(mention_contact=found), workspace=found.workspace
            ).select_related("channel", "acted_by"),
            "posted_at",
        ),
        (
            "change",
            AuditEvent.objects.filter(
                workspace=found.workspace, target_type="contact", target_id=str(found.pk)
            ).select_related("actor"),
            "created_at",
        ),
    ]
    events: list[Event] = []
    for kind, rows, at_field in sources:
        ordered = rows.order_by(f"-{at_field}", "-id")
        if before is None:
            picked = list(ordered[: size + 1])
        else:
            picked = list(ordered.filter(**{f"{at_field}__lt": before[0]})[: size + 1])
            picked += list(ordered.filter(**{at_field: before[0]}))
        events += [Event(kind, getattr(row, at_field), row.pk, row) for row in picked]
    if before is not None:
        events = [event for event in events if event.key < before]
    events.sort(key=lambda event: event.key, reverse=True)
    page = events[:size]
    more = len(events) > size
    return page, (encode_cursor(page[-1]) if more and page else None)


# ---- fans ----------------------------------------------------------------------------------


def top_fans(
    workspace: Workspace, *, days: int = 30, kind: str = "", limit: int = 50
) -> list[Contact]:
    """Contacts ranked by inbound messages in the last ``days``; each has .period_count."""
    from socialops.inbox.models import Message

    since = now() - timedelta(days=days)
    counts = (
        Message.objects.filter(
            workspace=workspace,
            direction=Message.Direction.INBOUND,
            created_at__gte=since,
            conversation__contact__isnull=False,
        )
        .values("conversation__contact")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by("-n", "-last")
    )
    if kind:
        counts = counts.filter(conversation__contact__kind=kind)
    ranked = [(row["conversation__contact"], row["n"]) for row in counts[:limit]]
    contacts = Contact.objects.in_bulk([pk for pk, _n in ranked])
    result = []
    for pk, count in ranked:
        fan = contacts[pk]
        fan.period_count = count  # type: ignore[attr-defined]
        result.append(fan)
    return result


# ---- the engagement queue --------------------------------------------------------------------


def engagement_tasks(
    workspace: Workspace,
    *,
    state: str = EngagementTask.State.OPEN,
    source: str = "",
    action: str = "",
    contact_id: int | None = None,
) -> QuerySet[EngagementTask]:
    tasks = EngagementTask.objects.filter(workspace=workspace)
    if state:
        tasks = tasks.filter(state=state)
    if source:
        tasks = tasks.filter(source=source)
    if action:
        tasks = tasks.filter(action=action)
    if contact_id is not None:
        tasks = tasks.filter(contact_id=contact_id)
    return tasks.select_related(
        "contact", "topic", "channel", "mention_contact", "acted_by"
    ).order_by("-posted_at", "-id")


def engagement_task(workspace: Workspace, task_id: int) -> EngagementTask:
    found = engagement_tasks(workspace, state="").filter(pk=task_id).first()
    if found is None:
        raise Http404("No such engagement task.")
    return found


def engagement_counts(workspace: Workspace) -> dict[str, int]:
    rows = (
        EngagementTask.objects.filter(workspace=workspace)
        .values("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["state"]: row["n"] for row in rows}


def describe(event: Event) -> dict[str, Any]:
    """A timeline event as the API and the page show it."""
    from socialops.core.audit import ACTION_LABELS

    item = event.item
    if event.kind == "message":
        conversation = item.conversation
        inbound = item.direction == "in"
        who = item.author_name or item.author_handle or item.author_remote_id
        summary = (
            f"{conversation.get_kind_display()} · {who}"
            if inbound
            else f"{conversation.get_kind_display()} · {item.get_direction_display()}"
        )
        return {
            "kind": event.kind,
            "at": event.at,
            "id": event.id,
            "summary": summary,
            "text": item.text,
            "url": item.url,
            "data": {
                "direction": item.direction,
                "conversation_id": item.conversation_id,
                "conversation_kind": conversation.kind,
                "channel_id": item.channel_id,
                "send_state": item.send_state,
                "sentiment": item.sentiment,
                "intent": item.intent,
            },
        }
    if event.kind == "engagement":
        return {
            "kind": event.kind,
            "at": event.at,
            "id": event.id,
            "summary": f"{item.get_action_display()} · {item.get_state_display()}",
            "text": item.post_text,
            "url": item.result_url or item.post_url,
            "data": {
                "state": item.state,
                "action": item.action,
                "reason": item.reason,
                "draft": item.draft,
                "post_url": item.post_url,
            },
        }
    label = ACTION_LABELS.get(item.action, item.action)
    actor = item.actor_label or (item.actor.email if item.actor else "")
    return {
        "kind": event.kind,
        "at": event.at,
        "id": event.id,
        "summary": f"{label} · {actor}" if actor else str(label),
        "text": "",
        "url": "",
        "data": {"action": item.action, "before": item.before, "after": item.after},
    }
