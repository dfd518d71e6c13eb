from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from socialops.content.schemas import FindingOut
from socialops.core.schemas import BodySchema, RowId

from .models import CannedReply, Section

ReplyKind = Literal["comment", "mention", "dm"]


class SectionOut(Schema):
    id: int
    key: str = Field(
        description="language, forbidden, dm, repost_comment, follow, response_time or custom"
    )
    title: str
    body: str = Field(description="Plain text: “- ” lists, “## ” headings, **bold**.")
    position: int
    updated_by_id: int | None
    updated_at: datetime


class ReplyRuleOut(Schema):
    id: int
    name: str
    kind: str
    severity: str
    enabled: bool
    scope: str
    reply_kinds: list[str]
    applies_to: list[str]


class GuidebookOut(Schema):
    sections: list[SectionOut]
    rules: list[ReplyRuleOut] = Field(
        description="The rules replies are checked against (edit them at /editorial-rules)."
    )


class SectionIn(BodySchema):
    key: Section = Section.CUSTOM
    title: str = Field(min_length=1, max_length=100)
    body: str = Field("", max_length=20_000)


class GuidebookIn(BodySchema):
    sections: list[SectionIn] = Field(
        max_length=50,
        description="The whole guidebook in order; standard keys at most once; others go.",
    )


class ReplyLintIn(BodySchema):
    channel_id: RowId
    kind: ReplyKind
    text: str = Field(max_length=100_000)


class ReplyLintOut(Schema):
    ok: bool = Field(description="No errors (warnings allowed).")
    findings: list[FindingOut]


class CannedOut(Schema):
    id: int
    title: str
    body: str
    shortcut: str
    kinds: list[str] = Field(description="comment, mention, dm; empty: every kind.")
    purpose: str = Field(description='"" or dm_invite (offered by “Move to DM”).')
    usage_count: int
    last_used_at: datetime | None
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


BODY_HELP = (
    "Variables: {nickname} {handle} {account} {agent} {order_number}, Chinese {昵称} {用户名} "
    "{账号} {客服} {订单号}; unknown ones stay for the agent to fill. Checked against the "
    "guidebook's error rules (422 on body)."
)


class CannedIn(BodySchema):
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=5_000, description=BODY_HELP)
    shortcut: str = Field("", max_length=31)
    kinds: list[ReplyKind] = Field(default_factory=list, max_length=3)
    purpose: CannedReply.Purpose = CannedReply.Purpose.GENERAL


class CannedPatchIn(BodySchema):
    title: str | None = Field(None, min_length=1, max_length=100)
    body: str | None = Field(None, min_length=1, max_length=5_000, description=BODY_HELP)
    shortcut: str | None = Field(None, max_length=31)
    kinds: list[ReplyKind] | None = Field(None, max_length=3)
    purpose: CannedReply.Purpose | None = None


class RenderIn(BodySchema):
    conversation_id: RowId


class CannedRenderOut(Schema):
    text: str = Field(description="The body filled in; unfilled {placeholders} remain.")
    unfilled: list[str] = Field(description="Placeholders the agent must still fill in.")
