from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema, JsonInt, RowId

StatusName = Literal["open", "pending", "resolved", "spam"]
PriorityValue = Literal[0, 1, 2, 3]


class LabelOut(Schema):
    id: int
    name: str
    color: str


class LabelIn(BodySchema):
    name: str = Field(max_length=40)
    color: str = Field("#64748b", pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb")


class LabelPatchIn(BodySchema):
    name: str | None = Field(None, max_length=40)
    color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")


class SlaOut(Schema):
    state: str
    due_at: datetime | None = None
    metric: str = ""


class ConversationOut(Schema):
    id: int
    kind: str
    status: str
    priority: int
    channel_id: int
    platform: str = Field(description="The account's platform code.")
    assignee_id: int | None
    author_remote_id: str
    author_handle: str
    author_name: str
    author_avatar_url: str
    contact_id: int | None
    lang: str
    sentiment: str
    intent: str
    preview: str
    message_count: int
    unanswered: bool
    unread: bool = Field(description="New inbound since you last opened it.")
    last_message_at: datetime
    last_inbound_at: datetime | None
    labels: list[LabelOut]
    sla: SlaOut | None = None

    @staticmethod
    def resolve_platform(obj: Any) -> str:
        return str(obj.channel.platform)

    @staticmethod
    def resolve_labels(obj: Any) -> list[Any]:
        return list(obj.labels.all())

    @staticmethod
    def resolve_unread(obj: Any) -> bool:
        return bool(getattr(obj, "unread", False))

    @staticmethod
    def resolve_sla(obj: Any) -> Any:
        badge = getattr(obj, "sla", None)
        if badge is None:
            return None
        return {
            "state": str(getattr(badge, "state", "")),
            "due_at": getattr(badge, "due_at", None),
            "metric": str(getattr(badge, "metric", "") or ""),
        }


class ConversationPageOut(Schema):
    results: list[ConversationOut]
    next: str | None = Field(description="The URL of the next page, or null on the last one.")
    previous: None = Field(None, description="Always null: the list is walked forwards.")


class ReplyFindingOut(Schema):
    rule_id: int
    kind: str
    severity: str
    message: str
    start: int
    end: int
    matched: str
    fix: str


class MessageOut(Schema):
    id: int
    direction: str
    text: str
    author_remote_id: str
    author_handle: str
    author_name: str
    url: str
    created_at: datetime
    lang: str
    sentiment: str
    intent: str
    send_state: str
    sent_by_id: int | None
    error_code: str
    error_message: str
    lint: list[dict[str, Any]]


class NoteOut(Schema):
    id: int
    author_id: int | None
    text: str
    created_at: datetime


class PresenceOut(Schema):
    user_id: int
    name: str
    typing: bool
    seen_at: datetime

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.name or obj.user.email)


class InboxIdentityOut(Schema):
    platform: str
    remote_id: str
    handle: str
    url: str


class InboxContactOut(Schema):
    id: int
    name: str
    kind: str
    importance: int
    organisation: str
    tags: list[Any]
    tier: str
    identities: list[InboxIdentityOut]

    @staticmethod
    def resolve_identities(obj: Any) -> list[Any]:
        return list(obj.identities.all())


class HistoryOut(Schema):
    id: int
    kind: str
    status: str
    channel_id: int
    preview: str
    last_message_at: datetime


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]
    notes: list[NoteOut]
    history: list[HistoryOut]
    contact: InboxContactOut | None
    others_present: list[PresenceOut] = Field(
        description="Other members with it open in the last 30 s; typing ones first."
    )


class ConversationPatchIn(BodySchema):
    status: StatusName | None = None
    priority: PriorityValue | None = None
    assignee_id: RowId | None = Field(None, description="A member who may reply; null unassigns.")


class LabelRefIn(BodySchema):
    label_id: RowId


class ConversationNoteIn(BodySchema):
    text: str = Field(min_length=1, max_length=5000)


class ReplyIn(BodySchema):
    text: str = Field(min_length=1, max_length=5000)
    accept_warnings: StrictBool = Field(
        False, description="Send despite guidebook warnings (they are kept on the message)."
    )
    then_status: StatusName = Field(
        "open", description='The status after the reply: "open" (Send) or "resolved".'
    )


class InboxLintIn(BodySchema):
    text: str = Field(max_length=5000)


class InboxLintOut(Schema):
    findings: list[ReplyFindingOut]
    errors: int
    warnings: int


class PresenceIn(BodySchema):
    typing: StrictBool = False


class FiltersIn(BodySchema):
    status: str | None = Field(None, max_length=60, description='e.g. "open,pending" or "all".')
    kind: str | None = Field(None, max_length=10)
    channel_id: RowId | None = None
    assignee: str | None = Field(None, max_length=20, description='"me", "none" or a user id.')
    priority: PriorityValue | None = None
    label_id: RowId | None = None
    sentiment: str | None = Field(None, max_length=10)
    intent: str | None = Field(None, max_length=12)
    q: str | None = Field(None, max_length=100)
    sort: Literal["newest", "priority", "due"] | None = None


class BulkIn(BodySchema):
    ids: list[RowId] | None = Field(None, max_length=500, description="These conversations…")
    filters: FiltersIn | None = Field(None, description="…or every one the filters match.")
    action: Literal["assign", "status", "priority", "add_label", "remove_label"]
    value: JsonInt | str | None = Field(
        description="The assignee id (null unassigns), status, priority or label id."
    )


class BulkOut(Schema):
    changed: int


class SavedViewOut(Schema):
    id: int
    name: str
    filters: dict[str, str]
    shared: bool
    position: int

    @staticmethod
    def resolve_shared(obj: Any) -> bool:
        return obj.user_id is None


class SavedViewIn(BodySchema):
    name: str = Field(max_length=60)
    filters: FiltersIn
    shared: StrictBool = False


class SavedViewPatchIn(BodySchema):
    name: str | None = Field(None, max_length=60)
    filters: FiltersIn | None = None


StrategyName = Literal["round_robin", "fixed", "least_open"]


class AssignmentRuleOut(Schema):
    id: int
    name: str
    position: int
    enabled: bool
    channel_ids: list[int]
    kinds: list[str]
    langs: list[str]
    intents: list[str]
    strategy: str
    member_ids: list[int]


class AssignmentRuleIn(BodySchema):
    name: str = Field(max_length=100)
    enabled: StrictBool = True
    channel_ids: list[RowId] = Field(default_factory=list, max_length=100)
    kinds: list[Literal["comment", "mention", "dm"]] = Field(default_factory=list, max_length=3)
    langs: list[str] = Field(default_factory=list, max_length=20)
    intents: list[str] = Field(default_factory=list, max_length=20)
    strategy: StrategyName
    member_ids: list[RowId] = Field(min_length=1, max_length=100)


class AssignmentRulePatchIn(BodySchema):
    name: str | None = Field(None, max_length=100)
    enabled: StrictBool | None = None
    channel_ids: list[RowId] | None = Field(None, max_length=100)
    kinds: list[Literal["comment", "mention", "dm"]] | None = Field(None, max_length=3)
    langs: list[str] | None = Field(None, max_length=20)
    intents: list[str] | None = Field(None, max_length=20)
    strategy: StrategyName | None = None
    member_ids: list[RowId] | None = Field(None, min_length=1, max_length=100)


class ReorderIn(BodySchema):
    ids: list[RowId] = Field(max_length=200)
