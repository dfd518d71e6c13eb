"""Reads of the inbox, scoped to a workspace; another workspace's ids are a 404.

The list is keyset-paginated over one of three orders, each backed by an index on Conversation
(partial indexes for the default open+pending view, see migration 0002): newest first, priority,
and "waiting longest" (the oldest unanswered inbound first, the SLA order).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.accounts.models import Membership, User, Workspace
from socialops.accounts.roles import Perm, can
from socialops.core.clock import now

from .models import AssignmentRule, Conversation, Kind, Label, Message, Presence, SavedView

if TYPE_CHECKING:
    from socialops.accounts.queries import Access

ACTIVE = ("open", "pending")
SORTS = ("newest", "priority", "due")
SEARCH_LENGTH = 100
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PRESENCE_WINDOW = timedelta(seconds=30)
HISTORY_SIZE = 10


@dataclass(frozen=True)
class Filters:
    """What the list shows; built from a query string, a saved view or an API call."""

    statuses: tuple[str, ...] = ACTIVE
    kind: str = ""
    channel_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    priority: int | None = None
    label_id: int | None = None
    sentiment: str = ""
    intent: str = ""
    q: str = ""
    sort: str = "newest"

    @classmethod
    def parse(cls, data: Any, workspace: Workspace) -> Filters:
        """From a mapping of strings (a QueryDict or a saved view); bad values are field errors."""
        fields: dict[str, str] = {}

        def text(name: str) -> str:
            value = data.get(name)
            return "" if value is None else str(value).strip()

        def number(name: str, low: int = 1, high: int = 2**63 - 1) -> int | None:
            raw = text(name)
            if not raw:
                return None
            if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
                fields[name] = _("Give a whole number between %(low)d and %(high)d.") % {
                    "low": low,
                    "high": high,
                }
                return None
            return int(raw)

        raw_status = text("status")
        if raw_status == "all":
            statuses: tuple[str, ...] = ()
        elif raw_status:
            statuses = tuple(dict.fromkeys(part.strip() for part in raw_status.split(",")))
            if not set(statuses) <= set(Conversation.Status.values):
                fields["status"] = _("Use all, or some of: %(values)s.") % {
                    "values": ", ".join(Conversation.Status.values)
                }
        else:
            statuses = ACTIVE
        kind = text("kind")
        if kind and kind not in Kind.values:
            fields["kind"] = _("Use one of: %(values)s.") % {"values": ", ".join(Kind.values)}
        assignee = text("assignee")
        if assignee not in ("", "me", "none") and not (
            assignee.isdigit()
            and Membership.objects.filter(workspace=workspace, user_id=int(assignee)).exists()
        ):
            fields["assignee"] = _("Use me, none, or the id of a member of this workspace.")
        channel_id = number("channel_id")
        label_id = number("label_id")
        if label_id and not Label.objects.filter(workspace=workspace, pk=label_id).exists():
            fields["label_id"] = _("No such label in this workspace.")
        q = " ".join(text("q").split())
        if len(q) > SEARCH_LENGTH:
            fields["q"] = _("At most %(n)d characters.") % {"n": SEARCH_LENGTH}
        sort = text("sort") or "newest"
        if sort not in SORTS:
            fields["sort"] = _("Use one of: %(values)s.") % {"values": ", ".join(SORTS)}
        found = cls(
            statuses=statuses,
            kind=kind,
            channel_id=channel_id,
            assignee=assignee,
            priority=number("priority", 0, 3),
            label_id=label_id,
            sentiment=text("sentiment")[:10],
            intent=text("intent")[:12],
            q=q,
            sort=sort,
        )
        if fields:
            raise ValidationError(fields)
        return found

    def as_params(self) -> dict[str, str]:
        """The filters as query-string values, leaving out defaults (saved views store this)."""
        values = asdict(self)
        params: dict[str, str] = {}
        if self.statuses != ACTIVE:
            params["status"] = ",".join(self.statuses) or "all"
        for name in ("kind", "assignee", "sentiment", "intent", "q"):
            if values[name]:
                params[name] = values[name]
        for name in ("channel_id", "priority", "label_id"):
            if values[name] is not None:
                params[name] = str(values[name])
        if self.sort != "newest":
            params["sort"] = self.sort
        return params

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)


def _filtered(access: Access, filters: Filters) -> QuerySet[Conversation]:
    found = Conversation.objects.filter(workspace=access.workspace)
    if filters.statuses:
        found = found.filter(status__in=filters.statuses)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.channel_id is not None:
        found = found.filter(channel_id=filters.channel_id)
    if filters.assignee == "me":
        found = found.filter(assignee=access.user)
    elif filters.assignee == "none":
        found = found.filter(assignee__isnull=True)
    elif filters.assignee:
        found = found.filter(assignee_id=int(filters.assignee))
    if filters.priority is not None:
        found = found.filter(priority=filters.priority)
    if filters.label_id is not None:
        found = found.filter(labels__id=filters.label_id)
    if filters.sentiment:
        found = found.filter(sentiment=filters.sentiment)
    if filters.intent:
        found = found.filter(intent=filters.intent)
    if filters.q:
        # a substring, never split into words: 退款 must find 申请退款了; trigram indexes on PG
        found = found.filter(
            Q(preview__icontains=filters.q)
            | Q(author_name__icontains=filters.q)
            | Q(author_handle__icontains=filters.q.lstrip("@"))
        )
    return found


ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": ("-last_message_at", "-id"),
    "priority": ("-priority", "-last_message_at", "-id"),
    "due": (F("last_inbound_at").asc(nulls_last=True), "id"),
}


# a row's own columns, and of its account and assignee only what the list shows: the account's
# credentials and the user's other columns are wide and not needed (measured: a third faster)
ROW_FIELDS = (
    *(f.name for f in Conversation._meta.concrete_fields),
    "channel__platform",
    "channel__display_name",
    "channel__handle",
    "channel__workspace_id",
    "assignee__name",
    "assignee__email",
)


def conversations(access: Access, filters: Filters) -> QuerySet[Conversation]:
    """The filtered list in the chosen order, with what each row shows, in a fixed few queries."""
    return (
        _filtered(access, filters)
        .select_related("channel", "assignee")
        .only(*ROW_FIELDS)
        .prefetch_related(Prefetch("labels", queryset=Label.objects.order_by("name", "id")))
        .order_by(*ORDERINGS[filters.sort])
    )


@dataclass
class Page:
    items: list[Conversation]
    next_cursor: str | None
    size: int = PAGE_SIZE
    extras: dict[str, Any] = field(default_factory=dict)


def _key(conversation: Conversation, sort: str) -> list[Any]:
    if sort == "newest":
        return [conversation.last_message_at.isoformat(), conversation.pk]
    if sort == "priority":
        return [conversation.priority, conversation.last_message_at.isoformat(), conversation.pk]
    inbound = conversation.last_inbound_at
    return [inbound.isoformat() if inbound else None, conversation.pk]


def encode_cursor(conversation: Conversation, sort: str) -> str:
    raw = json.dumps([sort, *_key(conversation, sort)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after(cursor: str, sort: str) -> Q:
    """The rows after the cursor's row in ``sort`` order; a damaged cursor is a field error."""
    invalid = ValidationError({"cursor": _("This is not a cursor this list gave out.")})
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or not values or values[0] != sort:
            raise invalid
        *key, pk = values[1:]
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
            raise invalid

        def when(value: Any) -> datetime:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise invalid
            return parsed

        if sort == "newest":
            (at,) = key
            last = when(at)
            return Q(last_message_at__lt=last) | Q(last_message_at=last, id__lt=pk)
        if sort == "priority":
            priority, at = key
            if not isinstance(priority, int) or isinstance(priority, bool):
                raise invalid
            last = when(at)
            return (
                Q(priority__lt=priority)
                | Q(priority=priority, last_message_at__lt=last)
                | Q(priority=priority, last_message_at=last, id__lt=pk)
            )
        (at,) = key
        if at is None:
            return Q(last_inbound_at__isnull=True, id__gt=pk)
        waiting = when(at)
        return (
            Q(last_inbound_at__gt=waiting)
            | Q(last_inbound_at=waiting, id__gt=pk)
            | Q(last_inbound_at__isnull=True)
        )
    except (ValueError, TypeError, UnicodeError, binascii.Error, json.JSONDecodeError) as exc:
        raise invalid from exc


def page(
    access: Access, filters: Filters, *, cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page of the list (keyset: stays fast however deep), with marks for the caller."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": _("Between 1 and %(n)d.") % {"n": MAX_PAGE_SIZE}},
        )
    found = conversations(access, filters)
    if cursor:
        found = found.filter(_after(cursor, filters.sort))
    items = list(found[: size + 1])
    more = len(items) > size
    items = items[:size]
    annotate_rows(access, items)
    next_cursor = encode_cursor(items[-1], filters.sort) if more and items else None
    return Page(items=items, next_cursor=next_cursor, size=size)


# what the API's list shows of each row, read as plain values (no model objects: the list API
# spends most of its time building them otherwise; see docs/benchmarks.md, inbox API)
LIST_VALUES = (
    "id",
    "kind",
    "status",
    "priority",
    "channel_id",
    "channel__platform",
    "assignee_id",
    "author_remote_id",
    "author_handle",
    "author_name",
    "author_avatar_url",
    "contact_id",
    "lang",
    "sentiment",
    "intent",
    "preview",
    "message_count",
    "unanswered",
    "last_message_at",
    "last_inbound_at",
)


@dataclass
class RowsPage:
    rows: list[dict[str, Any]]  # LIST_VALUES, plus labels, unread and sla
    next_cursor: str | None


def page_values(
    access: Access, filters: Filters, *, cursor: str | None = None, size: int = PAGE_SIZE
) -> RowsPage:
    """``page`` as plain rows for the API: the same filters, order and cursor."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": _("Between 1 and %(n)d.") % {"n": MAX_PAGE_SIZE}},
        )
    found = _filtered(access, filters).order_by(*ORDERINGS[filters.sort])
    if cursor:
        found = found.filter(_after(cursor, filters.sort))
    rows = list(found.values(*LIST_VALUES)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    ids = [row["id"] for row in rows]
    labels: dict[int, list[dict[str, Any]]] = {}
    if ids:
        through = Conversation.labels.through.objects.filter(conversation_id__in=ids)
        for conversation_id, label_id, name, color in through.order_by(
            "label__name", "label__id"
        ).values_list("conversation_id", "label_id", "label__name", "label__color"):
            labels.setdefault(conversation_id, []).append(
                {"id": label_id, "name": name, "color": color}
            )
    seen = (
        dict(
            Presence.objects.filter(user=access.user, conversation_id__in=ids).values_list(
                "conversation_id", "seen_at"
            )
        )
        if ids
        else {}
    )
    badges = sla_badges(ids)  # type: ignore[arg-type]
    for row in rows:
        pk = row["id"]
        row["platform"] = row.pop("channel__platform")
        row["labels"] = labels.get(pk, [])
        inbound, last_seen = row["last_inbound_at"], seen.get(pk)
        row["unread"] = bool(inbound and (last_seen is None or last_seen < inbound))
        badge = badges.get(pk)
        row["sla"] = (
            None
            if badge is None
            else {
                "state": str(badge.state),
                "due_at": badge.due_at,
                "metric": str(badge.metric or ""),
            }
        )
    next_cursor = None
    if more and rows:
        last = rows[-1]
        key = SimpleNamespace(
            pk=last["id"],
            priority=last["priority"],
            last_message_at=last["last_message_at"],
            last_inbound_at=last["last_inbound_at"],
        )
        next_cursor = encode_cursor(key, filters.sort)  # type: ignore[arg-type]
    return RowsPage(rows=rows, next_cursor=next_cursor)


def sla_badges(items: list[Conversation]) -> dict[int, Any]:
    """The SLA app's badge per conversation, or none while that app has no queries yet."""
    try:
        from socialops.sla.queries import badges  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return {}
    return dict(badges(items)) if items else {}


def annotate_rows(access: Access, items: list[Conversation]) -> None:
    """Set ``unread`` (new inbound since this member last opened it) and ``sla`` on each row."""
    seen = dict(
        Presence.objects.filter(user=access.user, conversation__in=items).values_list(
            "conversation_id", "seen_at"
        )
    )
    badges = sla_badges(items)
    for item in items:
        last_seen = seen.get(item.pk)
        inbound = item.last_inbound_at
        item.unread = bool(inbound and (last_seen is None or last_seen < inbound))  # type: ignore[attr-defined]
        item.sla = badges.get(item.pk)  # type: ignore[attr-defined]


def conversation(workspace: Workspace, conversation_id: int) -> Conversation:
    found = (
        Conversation.objects.filter(workspace=workspace, pk=conversation_id)
        .select_related("channel", "assignee", "contact")
        .first()
    )
    if found is None:
        raise Http404("No such conversation.")
    return found


def message(workspace: Workspace, message_id: int) -> Message:
    found = (
        Message.objects.filter(workspace=workspace, pk=message_id)
        .select_related("conversation", "channel")
        .first()
    )
    if found is None:
        raise Http404("No such message.")
    return found


def messages_of(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related("sent_by")


def notes_of(conversation: Conversation) -> QuerySet[Any]:
    return conversation.notes.select_related("author")


def history(conversation: Conversation, size: int = HISTORY_SIZE) -> list[Conversation]:
    """The author's other conversations in the workspace, newest first (same platform)."""
    if not conversation.author_remote_id and not conversation.contact_id:
        return []
    same_author = Q(
        author_remote_id=conversation.author_remote_id,
        channel__platform=conversation.channel.platform,
    )
    if not conversation.author_remote_id:
        same_author = Q(pk__in=[])
    if conversation.contact_id:
        same_author |= Q(contact_id=conversation.contact_id)
    return list(
        Conversation.objects.filter(same_author, workspace_id=conversation.workspace_id)
        .exclude(pk=conversation.pk)
        .select_related("channel")
        .order_by("-last_message_at", "-id")[:size]
    )


def contact_card(conversation: Conversation) -> Any:
    """The linked contact with its identities, or None."""
    if not conversation.contact_id:
        return None
    from socialops.contacts.models import Contact

    return (
        Contact.objects.filter(pk=conversation.contact_id, workspace_id=conversation.workspace_id)
        .prefetch_related("identities")
        .first()
    )


def others_present(conversation: Conversation, user: User) -> list[Presence]:
    """Who else has this conversation open (or is typing) in the last ~30 seconds."""
    return list(
        Presence.objects.filter(conversation=conversation, seen_at__gte=now() - PRESENCE_WINDOW)
        .exclude(user=user)
        .select_related("user")
        .order_by("-typing", "user__name", "user_id")
    )


def workspace_labels(workspace: Workspace) -> QuerySet[Label]:
    return Label.objects.filter(workspace=workspace)


def label(workspace: Workspace, label_id: int) -> Label:
    found = workspace_labels(workspace).filter(pk=label_id).first()
    if found is None:
        raise Http404("No such label.")
    return found


def saved_views(access: Access) -> QuerySet[SavedView]:
    """The caller's own views and the shared ones."""
    return SavedView.objects.filter(
        Q(user=access.user) | Q(user__isnull=True), workspace=access.workspace
    ).order_by("user_id", "position", "id")


def saved_view(access: Access, view_id: int) -> SavedView:
    found = saved_views(access).filter(pk=view_id).first()
    if found is None:
        raise Http404("No such saved view.")
    return found


def assignment_rules(workspace: Workspace) -> QuerySet[AssignmentRule]:
    return AssignmentRule.objects.filter(workspace=workspace).order_by("position", "id")


def assignment_rule(workspace: Workspace, rule_id: int) -> AssignmentRule:
    found = assignment_rules(workspace).filter(pk=rule_id).first()
    if found is None:
        raise Http404("No such assignment rule.")
    return found


def repliers(workspace: Workspace) -> list[User]:
    """Members who may answer in the inbox (and so be assigned), by name."""
    memberships = Membership.objects.filter(workspace=workspace).select_related("user")
    return sorted(
        (m.user for m in memberships if can(m.role, Perm.INBOX_REPLY)),
        key=lambda user: (user.name or user.email, user.pk),
    )


def may_reply(workspace: Workspace, user_id: int) -> bool:
    membership = Membership.objects.filter(workspace=workspace, user_id=user_id).first()
    return membership is not None and can(membership.role, Perm.INBOX_REPLY)
