from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema, JsonInt

from .models import EditorialRule

PLATFORM_CODE = r"^[a-z0-9_-]{1,40}$"
ReplyKind = Literal["comment", "mention", "dm"]
PARAMS_HELP = (
    "By kind — max_length: {limit: int|null (null: the platform's own)}; "
    'forbidden_words: {words: [{word, pinyin: bool, replacement}] or ["word"]}; '
    "required_disclosure: {any_of: [str], when: paid|always}; "
    "max_links / max_hashtags / max_mentions: {max: int}; link_domains: {allow: [domain]}; "
    "required_topic: {topics: [str]}; custom: {pattern, message, ignore_case: bool} "
    "(patterns that backtrack catastrophically are refused)."
)


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    params: dict[str, Any]
    severity: str = Field(description="error or warning")
    enabled: bool
    applies_to: list[str] = Field(description="Platform codes; empty: every platform.")
    scope: str = Field(description="posts, replies (the guidebook's) or both")
    reply_kinds: list[str] = Field(description="Replies to comment, mention, dm; empty: all.")
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


class RuleIn(BodySchema):
    kind: EditorialRule.Kind
    name: str = Field("", max_length=100)
    params: dict[str, Any] = Field(default_factory=dict, description=PARAMS_HELP)
    severity: EditorialRule.Severity = EditorialRule.Severity.ERROR
    enabled: StrictBool = True
    applies_to: list[str] = Field(default_factory=list, max_length=50)
    scope: EditorialRule.Scope = Field(
        EditorialRule.Scope.POSTS,
        description="posts (content approvers), replies (inbox managers) or both (both rights)",
    )
    reply_kinds: list[ReplyKind] = Field(default_factory=list, max_length=3)


class RulePatchIn(BodySchema):
    name: str | None = Field(None, max_length=100)
    params: dict[str, Any] | None = None
    severity: EditorialRule.Severity | None = None
    enabled: StrictBool | None = None
    applies_to: list[str] | None = Field(None, max_length=50)
    scope: EditorialRule.Scope | None = None
    reply_kinds: list[ReplyKind] | None = Field(None, max_length=3)


class LintIn(BodySchema):
    text: str = Field(max_length=100_000)
    platform: str = Field(pattern=PLATFORM_CODE)
    paid: StrictBool = False
    topics: list[str] = Field(default_factory=list, max_length=50)


class FindingOut(Schema):
    rule_id: int
    kind: str
    severity: str
    message: str
    start: int = Field(description="Offset in Unicode code points of the original text.")
    end: int = Field(description="End offset, exclusive; equal to start for a missing item.")
    matched: str
    fix: str
    fixed_text: str | None = Field(description="The whole text with the fix applied.")


class LintOut(Schema):
    ok: bool = Field(description="No errors (warnings allowed).")
    findings: list[FindingOut]


COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


class PillarOut(Schema):
    id: int
    name: str
    description: str
    colour: str = Field(description="#rrggbb")
    target_share: int = Field(description="Percent of posts this pillar should take, 0-100.")
    position: int
    archived: bool
    created_at: datetime
    updated_at: datetime


class PillarIn(BodySchema):
    name: str = Field(min_length=1, max_length=50)
    description: str = Field("", max_length=500)
    colour: str = Field("#0d6efd", pattern=COLOUR_PATTERN)
    target_share: JsonInt = Field(
        ge=0, le=100, description="Percent; active pillars' targets add up to at most 100."
    )


class PillarPatchIn(BodySchema):
    name: str | None = Field(None, min_length=1, max_length=50)
    description: str | None = Field(None, max_length=500)
    colour: str | None = Field(None, pattern=COLOUR_PATTERN)
    target_share: JsonInt | None = Field(None, ge=0, le=100)
    position: JsonInt | None = Field(None, ge=0, le=100_000)
    archived: StrictBool | None = None
