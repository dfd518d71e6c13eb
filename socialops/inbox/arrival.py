"""What happens when messages arrive: threading, classification, counters, hooks.

``store_page`` stores one batch of connector items inside the caller's transaction (ingest
commits each page with its cursor): messages already held are dropped; each new one is threaded
into a conversation (its parent's conversation when we hold the parent and the author is the
same person, else by ``thread_key``), classified with socialops.classify, linked to a contact,
and the conversation's counters, preview, classification, priority and status follow. Then the
SLA clocks (sla.hooks), the assignment rules (new conversations) and the contact timeline hear
about it. Inserts are insert-or-ignore: a racing process storing the same message is harmless.

Decisions:
- priority is only ever raised here: a complaint or a contact of HIGH importance → HIGH, a VIP
  contact → URGENT;
- a new conversation whose first message is spam with confidence ≥ SPAM_CONFIDENCE starts as
  SPAM and is not assigned; abuse is left open for a person (it may be the start of a crisis);
- a new inbound message reopens a resolved or pending conversation (pending waits for the
  customer, who has now answered); spam stays spam;
- a message our own account wrote on the platform (author = the channel's remote id) is stored
  as OUTBOUND (send_state SENT) in the conversation of the message it answers; one that answers
  nothing we hold cannot be placed and is skipped (counted as unplaced).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import regex
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from socialops.channels.models import Channel
from socialops.classify import classify
from socialops.connectors.base import InboxItem
from socialops.contacts.models import Contact, Identity
from socialops.core.clock import now

from .models import Conversation, Kind, Message

log = logging.getLogger(__name__)

SPAM_CONFIDENCE = 0.9
PREVIEW_LENGTH = 200
Status = Conversation.Status
Priority = Conversation.Priority
Direction = Message.Direction
_GRAPHEME = regex.compile(r"\X")


@dataclass
class Stored:
    """What storing one batch of items did."""

    messages: list[Message] = field(default_factory=list)  # new rows, inbound and outbound
    conversations: list[Conversation] = field(default_factory=list)  # created
    duplicates: int = 0  # already held (or held twice in the batch)
    unplaced: int = 0  # our own messages that answer nothing we hold

    def add(self, other: Stored) -> None:
        self.messages += other.messages
        self.conversations += other.conversations
        self.duplicates += other.duplicates
        self.unplaced += other.unplaced


def thread_key(item: InboxItem) -> str:
    """The conversation an item belongs to, within its account and kind.

    Comments: one conversation per author under one post; a mention: its own; DMs: one per
    counterpart.
    """
    if item.kind == Kind.COMMENT:
        return f"{item.thread_id}:{item.author.remote_id}"[:300]
    if item.kind == Kind.MENTION:
        return item.remote_id[:300]
    return item.author.remote_id[:300]


def store_items(channel: Channel, items: Sequence[InboxItem]) -> Stored:
    """Store items in one transaction (safe to repeat: what is held already is skipped)."""
    with transaction.atomic():
        return store_page(channel, items)


@dataclass
class _Planned:
    item: InboxItem
    conversation: Conversation
    outbound: bool
    message: Message | None = None


def store_page(channel: Channel, items: Sequence[InboxItem]) -> Stored:
    """Store a batch inside the caller's transaction; what it did."""
    stored = Stored()
    unique: dict[str, InboxItem] = {}
    for item in items:
        if item.remote_id and item.kind in Kind.values:
            unique.setdefault(item.remote_id[:200], item)
        else:
            log.warning("inbox item without an id or with kind %r skipped", item.kind)
    held = set(
        Message.objects.filter(channel=channel, remote_id__in=list(unique)).values_list(
            "remote_id", flat=True
        )
    )
    fresh = sorted(
        (item for rid, item in unique.items() if rid not in held), key=lambda i: i.created_at
    )
    stored.duplicates = len(items) - len(fresh)
    if not fresh:
        return stored
    at = now()
    planner = _Planner(channel, fresh, at)
    plan = planner.plan()
    stored.unplaced = planner.unplaced
    if not plan:
        return stored
    _build_messages(channel, plan, at)
    groups = _groups(plan)
    for conversation in planner.new.values():  # counted before the insert: no second write
        _apply(conversation, groups[id(conversation)], planner.contact_of, is_new=True)
    created = planner.insert_conversations(plan)
    complete = _insert_messages(plan)
    plan = [p for p in plan if p.message is not None and p.message.pk]
    stored.duplicates += planner.planned - len(plan)
    stored.messages = [p.message for p in plan if p.message is not None]
    groups = _groups(plan)
    stored.conversations = [c for c in created if id(c) in groups]
    empty = [c.pk for c in created if id(c) not in groups]
    if empty:  # every message of theirs was stored meanwhile by someone else
        Conversation.objects.filter(pk__in=empty).delete()
    _update_conversations(
        plan, stored.conversations, planner.contact_of, at, recount_new=not complete
    )
    return stored


class _Planner:
    """Which conversation each new item joins: existing ones locked, new ones built."""

    def __init__(self, channel: Channel, items: list[InboxItem], at: datetime) -> None:
        self.channel = channel
        self.items = items
        self.at = at
        self.ours = channel.remote_id
        self.unplaced = 0
        self.planned = 0
        self.contacts: dict[str, Contact | None] = {}
        self.known: set[str] | None = None
        self.new: dict[tuple[str, str], Conversation] = {}

    def _known_authors(self) -> set[str]:
        """The batch's authors with an identity in the interaction database (one query)."""
        ids = {i.author.remote_id for i in self.items if i.author.remote_id}
        handles = {_bare(i.author.handle) for i in self.items if i.author.handle}
        rows = (
            Identity.objects.filter(
                workspace_id=self.channel.workspace_id, platform=self.channel.platform
            )
            .annotate(bare=Lower("handle"))
            .filter(Q(remote_id__in=ids) | Q(bare__in=handles))
            .values_list("remote_id", "bare")
        )
        return {value for row in rows for value in row if value}

    def plan(self) -> list[_Planned]:
        channel = self.channel
        parent_ids = {i.parent_id for i in self.items if i.parent_id}
        parents: dict[str, int] = dict(
            Message.objects.filter(channel=channel, remote_id__in=parent_ids).values_list(
                "remote_id", "conversation_id"
            )
        )
        keys = {thread_key(i) for i in self.items}
        keys |= {i.thread_id for i in self.items if i.kind == Kind.MENTION and i.thread_id}
        rows = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("contact")
            .filter(Q(channel=channel, thread_key__in=keys) | Q(pk__in=set(parents.values())))
        )
        by_id = {c.pk: c for c in rows}
        self.by_key = {(c.kind, c.thread_key): c for c in by_id.values()}
        placed: dict[str, Conversation] = {}
        plan: list[_Planned] = []
        for item in self.items:
            outbound = bool(self.ours) and item.author.remote_id == self.ours
            conversation = self._place(item, outbound, placed, parents, by_id)
            if conversation is None:
                self.unplaced += 1
                continue
            placed[item.remote_id] = conversation
            plan.append(_Planned(item, conversation, outbound))
        self.planned = len(plan)
        return plan

    def _place(
        self,
        item: InboxItem,
        outbound: bool,
        placed: dict[str, Conversation],
        parents: dict[str, int],
        by_id: dict[int, Conversation],
    ) -> Conversation | None:
        parent = placed.get(item.parent_id) if item.parent_id else None
        if parent is None and item.parent_id in parents:
            parent = by_id.get(parents[item.parent_id])
        if parent is not None and (outbound or parent.author_remote_id == item.author.remote_id):
            return parent
        if outbound:
            return None
        if item.kind == Kind.MENTION and item.thread_id and item.thread_id != item.remote_id:
            thread = self.by_key.get((Kind.MENTION, item.thread_id))
            if thread is not None:
                return thread
        key = (item.kind, thread_key(item))
        conversation = self.by_key.get(key) or self.new.get(key)
        if conversation is None:
            conversation = self.new[key] = self._new_conversation(item, key[1])
        return conversation

    def _new_conversation(self, item: InboxItem, key: str) -> Conversation:
        author = item.author
        return Conversation(
            workspace_id=self.channel.workspace_id,
            channel=self.channel,
            kind=item.kind,
            thread_key=key,
            author_remote_id=author.remote_id[:200],
            author_handle=author.handle[:200],
            author_name=author.name[:200],
            author_avatar_url=author.avatar_url[:500],
            author_followers=author.followers,
            author_verified=author.verified,
            contact=self.contact_of(author.remote_id, author.handle),
            post_remote_id=item.thread_id[:200] if item.kind == Kind.COMMENT else "",
            message_count=0,
            last_message_at=item.created_at,
            created_at=self.at,
            updated_at=self.at,
        )

    def contact_of(self, remote_id: str, handle: str) -> Contact | None:
        from socialops.contacts.linking import contact_for_author

        if remote_id not in self.contacts:
            if self.known is None:
                self.known = self._known_authors()
            if remote_id not in self.known and _bare(handle) not in self.known:
                self.contacts[remote_id] = None  # no identity of theirs: skip the lookup
                return None
            self.contacts[remote_id] = contact_for_author(
                self.channel.workspace,
                platform=self.channel.platform,
                remote_id=remote_id,
                handle=handle,
            )
        return self.contacts[remote_id]

    def insert_conversations(self, plan: list[_Planned]) -> list[Conversation]:
        """Insert the new conversations; one created meanwhile by someone else is joined."""
        new = list(self.new.values())
        if not new:
            return []
        self._link_publications(new)
        try:
            with transaction.atomic():
                Conversation.objects.bulk_create(new)
            return new
        except IntegrityError:
            pass
        created: list[Conversation] = []
        replaced: dict[int, Conversation] = {}
        for conversation in new:
            conversation.pk = None
            try:
                with transaction.atomic():
                    conversation.save(force_insert=True)
                created.append(conversation)
            except IntegrityError:
                existing = Conversation.objects.select_for_update().get(
                    channel=self.channel, kind=conversation.kind, thread_key=conversation.thread_key
                )
                replaced[id(conversation)] = existing
        for planned in plan:
            planned.conversation = replaced.get(id(planned.conversation), planned.conversation)
        return created

    def _link_publications(self, conversations: list[Conversation]) -> None:
        from socialops.publishing.models import Publication

        posts = {c.post_remote_id for c in conversations if c.post_remote_id}
        if not posts:
            return
        ours = dict(
            Publication.objects.filter(channel=self.channel, remote_id__in=posts)
            .order_by("pk")
            .values_list("remote_id", "pk")
        )
        for conversation in conversations:
            conversation.publication_id = ours.get(conversation.post_remote_id)


def _bare(handle: str) -> str:
    return handle.lstrip("@").lower()


def _json_safe(raw: Any) -> dict[str, Any]:
    try:
        return dict(json.loads(json.dumps(dict(raw), default=str)))
    except (TypeError, ValueError):
        return {}


def _build_messages(channel: Channel, plan: list[_Planned], at: datetime) -> None:
    """Each planned item's Message row, classified; its conversation is set at the insert."""
    for planned in plan:
        item = planned.item
        author = item.author
        raw = _json_safe(item.raw)
        raw["_item"] = {"kind": item.kind, "thread_id": item.thread_id}  # to rebuild a reply target
        message = Message(
            workspace_id=channel.workspace_id,
            channel=channel,
            remote_id=item.remote_id[:200],
            parent_remote_id=item.parent_id[:200],
            author_remote_id=author.remote_id[:200],
            author_handle=author.handle[:200],
            author_name=author.name[:200],
            text=item.text,
            url=item.url[:1000],
            created_at=item.created_at,
            received_at=at,
            raw=raw,
        )
        if planned.outbound:
            message.direction = Direction.OUTBOUND
            message.send_state = Message.SendState.SENT
        else:
            message.direction = Direction.INBOUND
            # The text decides its language: a platform's hint is often the author's profile
            # language, which a bilingual author's message need not be in.
            result = classify(item.text)
            message.lang = result.lang[:8]
            message.sentiment = result.sentiment[:10]
            message.intent = result.intent[:12]
            message.scores = dict(result.scores)
        planned.message = message


def _groups(plan: list[_Planned]) -> dict[int, list[_Planned]]:
    """Planned items by conversation (object identity: new ones have no pk yet)."""
    groups: dict[int, list[_Planned]] = {}
    for planned in plan:
        groups.setdefault(id(planned.conversation), []).append(planned)
    return groups


def _insert_messages(plan: list[_Planned]) -> bool:
    """Insert-or-ignore: a message stored meanwhile by someone else is left out (pk None).

    True when every row went in at once (the usual case).
    """
    rows = []
    for planned in plan:
        if planned.message is not None:
            planned.message.conversation = planned.conversation
            rows.append(planned.message)
    try:
        with transaction.atomic():
            Message.objects.bulk_create(rows)
        return True
    except IntegrityError:
        pass
    for message in rows:
        message.pk = None
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            message.pk = None
    return False


def _update_conversations(
    plan: list[_Planned],
    created: list[Conversation],
    contact_of: Callable[[str, str], Contact | None],
    at: datetime,
    *,
    recount_new: bool,
) -> None:
    """Existing conversations follow their new messages; then the SLA, assignment and contacts
    hear about the arrivals. New conversations were counted before their insert."""
    from socialops.contacts.linking import note_interaction
    from socialops.sla import hooks

    from .assignment import assign_on_arrival

    new = {id(c) for c in created}
    for group in _groups(plan).values():
        conversation = group[0].conversation
        if id(conversation) in new:
            if recount_new:  # some of its messages were stored by someone else meanwhile
                _reset(conversation)
                _apply(conversation, group, contact_of, is_new=True)
                conversation.save(update_fields=UPDATED_FIELDS)
            continue
        old_status, old_priority = conversation.status, conversation.priority
        _apply(conversation, group, contact_of, is_new=False)
        conversation.updated_at = at
        conversation.save(update_fields=UPDATED_FIELDS)
        if old_status != conversation.status:
            hooks.on_status_changed(conversation, old_status)
        if conversation.priority != old_priority:
            hooks.on_priority_changed(conversation)
    for conversation in created:
        if conversation.status != Status.SPAM:
            assign_on_arrival(conversation)
    for planned in plan:
        message = planned.message
        if message is None:
            continue
        if not planned.outbound:
            hooks.on_inbound(message)
        contact = planned.conversation.contact
        if contact is not None:
            note_interaction(contact, message)


def _reset(conversation: Conversation) -> None:
    conversation.message_count = 0
    conversation.status = Status.OPEN
    conversation.priority = Priority.NORMAL
    conversation.last_inbound_at = conversation.last_outbound_at = None
    conversation.first_response_at = None


UPDATED_FIELDS = [
    "status",
    "priority",
    "contact",
    "lang",
    "sentiment",
    "intent",
    "preview",
    "message_count",
    "unanswered",
    "last_message_at",
    "last_inbound_at",
    "last_outbound_at",
    "first_response_at",
    "resolved_at",
    "updated_at",
]


def _apply(
    conversation: Conversation,
    group: list[_Planned],
    contact_of: Callable[[str, str], Contact | None],
    *,
    is_new: bool,
) -> None:
    """The conversation after its new messages (in time order) arrived."""
    messages = [p.message for p in group if p.message is not None]
    inbound = [m for m in messages if m.direction == Direction.INBOUND]
    outbound = [m for m in messages if m.direction == Direction.OUTBOUND]
    conversation.message_count += len(messages)
    newest = _latest(messages)
    if is_new or newest.created_at >= conversation.last_message_at:
        conversation.last_message_at = newest.created_at
        conversation.preview = preview(newest.text)
        conversation.unanswered = newest.direction == Direction.INBOUND
    if inbound:
        latest = _latest(inbound)
        if (
            conversation.last_inbound_at is None
            or latest.created_at >= conversation.last_inbound_at
        ):
            conversation.last_inbound_at = latest.created_at
            conversation.lang = latest.lang
            conversation.sentiment = latest.sentiment
            conversation.intent = latest.intent
    if outbound:
        latest = _latest(outbound)
        if (
            conversation.last_outbound_at is None
            or latest.created_at > conversation.last_outbound_at
        ):
            conversation.last_outbound_at = latest.created_at
        if conversation.first_response_at is None:
            conversation.first_response_at = min(m.created_at for m in outbound)
    if conversation.contact_id is None and inbound:
        conversation.contact = contact_of(conversation.author_remote_id, conversation.author_handle)
    if not inbound:
        return
    if is_new and _is_spam(inbound[0]):
        conversation.status = Status.SPAM
    elif conversation.status in (Status.RESOLVED, Status.PENDING):
        conversation.status = Status.OPEN
        conversation.resolved_at = None
    conversation.priority = max(conversation.priority, _priority_of(conversation, inbound))


def _latest(messages: list[Message]) -> Message:
    """The newest message; of messages at the same time, the one the platform listed last."""
    return max(reversed(messages), key=lambda m: m.created_at)


def _is_spam(message: Message) -> bool:
    return message.intent == "spam" and float(message.scores.get("spam", 0)) >= SPAM_CONFIDENCE


def _priority_of(conversation: Conversation, inbound: Iterable[Message]) -> int:
    priority = Priority.NORMAL
    if any(m.intent == "complaint" for m in inbound):
        priority = Priority.HIGH
    contact = conversation.contact
    if contact is not None:
        if contact.importance >= Contact.Importance.VIP:
            priority = Priority.URGENT
        elif contact.importance >= Contact.Importance.HIGH:
            priority = max(priority, Priority.HIGH)
    return int(priority)


def preview(text: str) -> str:
    """One line of at most PREVIEW_LENGTH characters, never cutting a character in two."""
    flat = " ".join(text.split())
    if len(flat) <= PREVIEW_LENGTH:
        return flat
    kept: list[str] = []
    size = 0
    for grapheme in _GRAPHEME.findall(flat):
        if size + len(grapheme) > PREVIEW_LENGTH - 1:
            break
        kept.append(grapheme)
        size += len(grapheme)
    return "".join(kept) + "…"
