from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from socialops.core.schemas import BodySchema, InputSchema, JsonInt, QueryInt

from . import platforms, tiers
from .models import Contact, EngagementTask

KIND_HELP = ", ".join(Contact.Kind.values)
IMPORTANCE_HELP = "0 low, 1 normal, 2 high, 3 VIP."
TIER_HELP = (
    "core (10+ messages to us in 90 days), active (3–9), casual (1–2), dormant (none in 90 "
    'days, some before), "" (never).'
)


class IdentityIn(BodySchema):
    platform: str = Field(
        max_length=40, description="A catalog platform code (weibo, wechat, …) or sandbox."
    )
    handle: str = Field("", max_length=201, description="Without @; this or remote_id.")
    remote_id: str = Field("", max_length=200, description="The platform's user id.")
    url: str = Field("", max_length=500, description="The profile page (http or https).")


class IdentityOut(Schema):
    id: int
    platform: str
    platform_name: str
    handle: str
    remote_id: str
    url: str
    created_at: datetime

    @staticmethod
    def resolve_platform_name(obj: Any) -> str:
        return platforms.name_of(obj.platform)


class ContactIn(BodySchema):
    name: str = Field(max_length=200)
    kind: str = Field(Contact.Kind.FAN, max_length=12, description=KIND_HELP)
    importance: JsonInt = Field(Contact.Importance.NORMAL, description=IMPORTANCE_HELP)
    organisation: str = Field("", max_length=200)
    tags: list[str] = Field(default_factory=list, max_length=20)
    notes: str = Field("", max_length=10_000)
    identities: list[IdentityIn] = Field(default_factory=list, max_length=20)


class ContactPatchIn(BodySchema):
    name: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, max_length=12, description=KIND_HELP)
    importance: JsonInt | None = Field(None, description=IMPORTANCE_HELP)
    organisation: str | None = Field(None, max_length=200)
    tags: list[str] | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=10_000)


class ContactOut(Schema):
    id: int
    name: str
    kind: str = Field(description=KIND_HELP)
    importance: int = Field(description=IMPORTANCE_HELP)
    organisation: str
    tags: list[str]
    notes: str
    tier: str = Field(description=TIER_HELP)
    interactions_90d: int = Field(description="Messages from them in the last 90 days.")
    last_interaction_at: datetime | None
    identities: list[IdentityOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_identities(obj: Any) -> list[Any]:
        return list(obj.identities.all())


class ContactFilters(InputSchema):
    q: str = Field("", max_length=200, description="Part of the name, a handle or organisation.")
    kind: str = Field("", max_length=12, description=KIND_HELP)
    tag: str = Field("", max_length=40)
    importance: QueryInt | None = Field(None, ge=0, le=3)
    platform: str = Field("", max_length=40)
    tier: str = Field("", max_length=12, description="A tier, or none for no tier.")


class TimelineItemOut(Schema):
    kind: str = Field(description="message, engagement or change.")
    at: datetime
    id: int = Field(description="The message's, engagement task's or audit event's id.")
    summary: str
    text: str
    url: str
    data: dict[str, Any]


class TimelineOut(Schema):
    results: list[TimelineItemOut]
    next: str | None
    previous: str | None = None


class TopFanOut(Schema):
    rank: int
    interactions: int = Field(description="Messages from them in the period.")
    contact: ContactOut


class ImportedContactOut(Schema):
    rows: list[int] = Field(description="The file's rows that make this contact (header: 1).")
    action: str = Field(description="create or merge.")
    contact_id: int | None = Field(description="The contact merged into or created.")
    name: str
    kind: str
    identities: list[dict[str, str]] = Field(description="The identities added.")


class ContactImportOut(Schema):
    dry_run: bool
    count: int
    contacts: list[ImportedContactOut]


# ---- engagement -----------------------------------------------------------------------------

ACTION_HELP = ", ".join(EngagementTask.Action.values)


class EngagementFindingOut(Schema):
    rule_id: int
    kind: str
    severity: str = Field(description="error (blocks) or warning.")
    message: str
    start: int
    end: int
    matched: str
    fix: str


class EngagementOut(Schema):
    id: int
    state: str = Field(description="open, acting (being sent), done, skipped.")
    source: str = Field(description="contact or topic.")
    action: str = Field(description=ACTION_HELP)
    reason: str
    platform: str
    channel_id: int | None
    contact_id: int | None
    topic_id: int | None
    mention_contact_id: int | None
    post_remote_id: str
    post_url: str
    post_text: str
    posted_at: datetime
    author_remote_id: str
    author_handle: str
    author_name: str
    draft: str
    lint: list[dict[str, Any]] = Field(description="Guidebook warnings when it was done.")
    via: str = Field(description='connector, hand, or "" while open.')
    result_url: str
    error: str = Field(description="Why the last attempt through the platform failed.")
    acted_by_id: int | None
    acted_at: datetime | None
    created_at: datetime
    can_send: bool = Field(description="Whether the account can do the action itself.")

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        from .engagement import explain

        return explain(obj)

    @staticmethod
    def resolve_can_send(obj: Any) -> bool:
        from .engagement import can_send

        return can_send(obj, obj.action)


class EngagementFilters(InputSchema):
    state: str = Field("open", max_length=10, description="open, acting, done, skipped; all.")
    source: str = Field("", max_length=10)
    action: str = Field("", max_length=10, description=ACTION_HELP)
    contact_id: QueryInt | None = Field(None, ge=1, le=2**63 - 1)


class ActIn(BodySchema):
    action: str | None = Field(None, max_length=10, description=f"{ACTION_HELP}; else suggested.")
    text: str = Field("", max_length=2000)


class CheckOut(Schema):
    text: str = Field(description="The text as it would be sent (a mention gets its @handle).")
    findings: list[EngagementFindingOut]
    blocked: bool = Field(description="An error finding: it cannot be sent like this.")


class ByHandIn(BodySchema):
    action: str | None = Field(None, max_length=10, description=ACTION_HELP)
    text: str = Field("", max_length=2000)
    result_url: str = Field("", max_length=1000, description="Where it is on the platform.")


class DiscoverOut(Schema):
    created: int = Field(description="New tasks queued.")


TIER_LABELS = tiers.LABELS
