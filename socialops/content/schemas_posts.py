"""Request and response bodies of the posts API, the CSV import and content settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema, DateTimeParam, JsonInt, RowId

from .models import Post, ReviewComment
from .schemas import FindingOut

TEXT_LIMIT = 100_000
IdList = list[RowId]
# A Literal, not Post.Format: the platforms API already names an enum schema "Format".
PostFormat = Literal["text", "image", "video", "link", "article"]
STATE_HELP = "One of: " + ", ".join(Post.State.values) + "."


class VariantIn(BodySchema):
    channel_id: RowId = Field(description="The account this variant goes to.")
    text: str | None = Field(
        None, max_length=TEXT_LIMIT, description="Custom text; left out: adapted from the body."
    )
    first_comment: str | None = Field(None, max_length=5000)
    include_media: StrictBool | None = None
    reset: StrictBool | None = Field(
        None, description="true: drop custom text and adapt the body again."
    )


class _PostFields(BodySchema):
    title: str | None = Field(None, max_length=200, description="Internal name for lists.")
    body: str | None = Field(None, max_length=TEXT_LIMIT)
    format: PostFormat | None = None
    pillar_id: RowId | None = None
    topic_ids: IdList | None = Field(None, max_length=50)
    media_ids: IdList | None = Field(None, max_length=50, description="Library assets, in order.")
    channel_ids: IdList | None = Field(None, max_length=100)
    variants: list[VariantIn] | None = Field(None, max_length=100)
    paid: StrictBool | None = Field(None, description="Advertising (广告): disclosure rules apply.")
    link: str | None = Field(None, max_length=1000)
    first_comment: str | None = Field(None, max_length=5000)
    scheduled_at: DateTimeParam | None = Field(
        None, description="ISO 8601 with an offset, e.g. 2026-01-31T08:00+08:00."
    )
    article_title: str | None = Field(None, max_length=64)
    article_author: str | None = Field(None, max_length=16)
    article_digest: str | None = Field(None, max_length=120)
    article_html: str | None = Field(None, max_length=TEXT_LIMIT)
    article_cover_id: RowId | None = Field(None, description="An image asset of the library.")
    article_source_url: str | None = Field(None, max_length=1000)


class PostIn(_PostFields):
    state: Literal["idea", "draft"] = "draft"


class PostPatchIn(_PostFields):
    """Only the fields given change; null means "leave as it is"."""


class NoteIn(BodySchema):
    note: str = Field("", max_length=5000)


class RequiredNoteIn(BodySchema):
    note: str = Field(min_length=1, max_length=5000, description="What should change.")


class ScheduleIn(BodySchema):
    at: DateTimeParam = Field(description="ISO 8601 with an offset; now or later.")


class CommentIn(BodySchema):
    body: str = Field(min_length=1, max_length=5000)
    parent_id: RowId | None = Field(None, description="Reply in this comment's thread.")
    variant_id: RowId | None = Field(None, description="The variant the comment is about.")


class ContentSettingsIn(BodySchema):
    approval_stages: JsonInt = Field(
        ge=0, le=2, description="0: no approval, 1: one approver, 2: a reviewer then an approver."
    )


class ContentSettingsOut(Schema):
    approval_stages: int


class PostOut(Schema):
    id: int
    title: str
    body: str
    format: str
    state: str = Field(description=STATE_HELP)
    pillar_id: int | None
    topic_ids: list[int]
    channel_ids: list[int]
    paid: bool
    link: str
    first_comment: str
    scheduled_at: datetime | None
    version: int
    archived: bool
    duplicated_from_id: int | None
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_topic_ids(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["topic_ids"])
        return [t.pk for t in obj.topics.all()]

    @staticmethod
    def resolve_channel_ids(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["channel_ids"])
        return sorted(v.channel_id for v in obj.variants.all())


class VariantOut(Schema):
    id: int
    channel_id: int
    platform: str
    handle: str
    text: str
    customised: bool = Field(description="Edited by hand: body edits no longer flow in.")
    first_comment: str
    include_media: bool
    length: int = Field(description="In the platform's own unit (core.text).")
    limit: int
    remaining: int
    over: bool
    ok: bool = Field(description="No rule errors (warnings allowed).")
    findings: list[FindingOut]


class ApprovalOut(Schema):
    id: int
    stage: int
    version: int
    decision: str
    decided_by_id: int | None
    decided_at: datetime
    note: str


class ReplyOut(Schema):
    id: int
    author_id: int | None
    author: str = Field(description="The author's name.")
    body: str
    variant_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_author(obj: ReviewComment) -> str:
        return obj.author.display_name if obj.author is not None else ""


class CommentOut(ReplyOut):
    parent_id: int | None
    replies: list[ReplyOut] = Field(description="Oldest first; replies are one level deep.")

    @staticmethod
    def resolve_replies(obj: ReviewComment) -> list[ReviewComment]:
        return list(obj.replies.all())


class PublicationOut(Schema):
    id: int
    channel_id: int
    state: str
    due_at: datetime
    published_at: datetime | None
    url: str
    error_code: str
    error_message: str


class PublicationsOut(Schema):
    total: int
    by_state: dict[str, int]
    items: list[PublicationOut]


class PostDetailOut(PostOut):
    media_ids: list[int]
    article_title: str
    article_author: str
    article_digest: str
    article_html: str
    article_cover_id: int | None
    article_source_url: str
    approval_stages: int
    variants: list[VariantOut]
    approvals: list[ApprovalOut]
    comments: list[CommentOut]
    publications: PublicationsOut


class VariantLintOut(Schema):
    variant_id: int
    channel_id: int
    platform: str
    length: int
    limit: int
    over: bool
    ok: bool
    findings: list[FindingOut]


class PostLintOut(Schema):
    ok: bool = Field(description="No variant has a rule error.")
    variants: list[VariantLintOut]


class ImportedPostOut(Schema):
    row: int = Field(description="The row in the file; the header is row 1.")
    id: int | None = Field(description="null on a dry run.")
    title: str
    state: str
    channel_ids: list[int]
    scheduled_at: datetime | None
    pillar_id: int | None
    topic_ids: list[int]


class ImportOut(Schema):
    dry_run: bool
    count: int
    posts: list[ImportedPostOut]
