"""Request and response bodies of the listening query and source routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema, ErrorDetail, JsonInt, RowId

from .actions import MAX_COOLDOWN, MAX_FLOOR, MAX_RATIO, NAME_LENGTH

# the parser refuses past 4,000 characters with a positioned error; this only caps the body
TEXT_LENGTH = 20_000
TEXT_HELP = "The query (docs/query-language.md), e.g. 华为 AND (手机 OR 平板) -招聘."
# spelt out for the type checker; test_queries_api checks they are the models' choices
Kind = Literal["brand", "product", "competitor", "crisis", "topic"]
SourceKindName = Literal[
    "sandbox", "replay", "mastodon_stream", "mastodon_tag", "jetstream", "search"
]
Ratio = Annotated[float, Field(gt=1, le=MAX_RATIO)]
Floor = Annotated[JsonInt, Field(ge=1, le=MAX_FLOOR)]
NegativeFloor = Annotated[JsonInt, Field(ge=0, le=MAX_FLOOR)]
Share = Annotated[float, Field(ge=0, le=1)]
Cooldown = Annotated[JsonInt, Field(ge=1, le=MAX_COOLDOWN)]


class ListeningQueryOut(Schema):
    id: int
    name: str
    text: str
    kind: str = Field(description='"brand", "product", "competitor", "crisis" or "topic".')
    group: str = Field(description="The share-of-voice series; empty: the name.")
    series: str
    active: bool
    spike_ratio: float = Field(description="A minute ≥ ratio × the seasonal baseline is a spike.")
    spike_floor: int = Field(description="… and ≥ this many mentions.")
    negative_share: float = Field(description="Share of negative mentions that raises an alert.")
    negative_floor: int
    cooldown_minutes: int
    alert_on_match: bool = Field(description="Every match raises its own alert (crisis words).")
    version: int = Field(description="Bumped on every edit; the pipeline reloads on it.")
    created_at: datetime
    updated_at: datetime


class ListeningQueryIn(BodySchema):
    name: str = Field(max_length=NAME_LENGTH)
    text: str = Field(max_length=TEXT_LENGTH, description=TEXT_HELP)
    kind: Kind = "brand"
    group: str = Field("", max_length=NAME_LENGTH)
    active: StrictBool = True
    spike_ratio: Ratio = 3.0
    spike_floor: Floor = 20
    negative_share: Share = 0.5
    negative_floor: NegativeFloor = 10
    cooldown_minutes: Cooldown = 30
    alert_on_match: StrictBool = False


class ListeningQueryPatchIn(BodySchema):
    """Fields left out (or null) stay as they are."""

    name: str | None = Field(None, max_length=NAME_LENGTH)
    text: str | None = Field(None, max_length=TEXT_LENGTH, description=TEXT_HELP)
    kind: Kind | None = None
    group: str | None = Field(None, max_length=NAME_LENGTH)
    active: StrictBool | None = None
    spike_ratio: Ratio | None = None
    spike_floor: Floor | None = None
    negative_share: Share | None = None
    negative_floor: NegativeFloor | None = None
    cooldown_minutes: Cooldown | None = None
    alert_on_match: StrictBool | None = None


class ListeningQueryTextIn(BodySchema):
    text: str = Field(max_length=TEXT_LENGTH, description=TEXT_HELP)


class ListeningQueryValidOut(Schema):
    ok: bool
    canonical: str = Field(description="The query fully parenthesised, as the parser read it.")
    required: list[str] | None = Field(
        description="A matching post contains one of these; null: the query is checked on "
        "every post (only NOT or field filters), which is slower."
    )


class ListeningQuerySyntaxDetail(ErrorDetail):
    """A 422 on a query's ``text`` (code "invalid_query") says where; other 422s do not."""

    position: int | None = Field(None, description="Where the error is, 0-based, characters.")
    caret: str | None = Field(None, description="The line around the error, a ^ under it.")


class ListeningQuerySyntaxOut(Schema):
    error: ListeningQuerySyntaxDetail


class ListeningPreviewIn(BodySchema):
    text: str = Field(max_length=TEXT_LENGTH, description=TEXT_HELP)
    limit: Annotated[JsonInt, Field(ge=1, le=200)] = 50
    days: Annotated[JsonInt, Field(ge=1, le=365)] | None = Field(
        None, description="Only posts of the last n days; default: the newest, however old."
    )


class ListeningPreviewHitOut(Schema):
    origin: str = Field(description='"sample" (a stored sample post) or "mention".')
    id: int
    platform: str
    text: str
    url: str
    author: str
    posted_at: datetime
    spans: list[list[int]] = Field(description="[start, end) in text, characters, in order.")

    @staticmethod
    def resolve_spans(obj: Any) -> list[list[int]]:
        return [list(span) for span in obj.spans]


class ListeningPreviewOut(Schema):
    hits: list[ListeningPreviewHitOut] = Field(description="Newest first, at most the limit.")
    scanned: int = Field(description="Stored posts read (the newest, at most 5,000).")
    matched: int
    per_day: float | None = Field(description="Matches per day among the stored posts.")
    milliseconds: int


class ListeningCountOut(Schema):
    start: datetime
    total: int
    negative: int
    positive: int


class ListeningCountsOut(Schema):
    query_id: int
    bucket: str
    start: datetime
    end: datetime
    counts: list[ListeningCountOut]


# ---- sources ---------------------------------------------------------------------------------

CONFIG_HELP = (
    'Per kind, as its reader takes it: replay {"path", "speed"?}; mastodon_tag and '
    'mastodon_stream {"instance"?, "hashtag", "local"?}; jetstream {"url"?, "keywords"?}; '
    'sandbox and search {"backfill_hours"?}.'
)


class ListeningSourceOut(Schema):
    id: int
    name: str
    kind: str
    channel_id: int | None
    config: dict[str, Any]
    enabled: bool
    state: str = Field(description='"idle", "running", "error" or "finished".')
    cursor: str
    last_error: str
    last_error_at: datetime | None
    last_read_at: datetime | None
    read_total: int
    matched_total: int
    skipped_total: int
    created_at: datetime
    updated_at: datetime


class ListeningSourceIn(BodySchema):
    name: str = Field(max_length=NAME_LENGTH)
    kind: SourceKindName
    channel_id: RowId | None = Field(None, description="The account it reads, for some kinds.")
    config: dict[str, Any] = Field(default_factory=dict, max_length=10, description=CONFIG_HELP)
    enabled: StrictBool = True


class ListeningSourcePatchIn(BodySchema):
    """Fields left out stay; the kind cannot change (the cursor belongs to it)."""

    name: str | None = Field(None, max_length=NAME_LENGTH)
    channel_id: RowId | None = None
    config: dict[str, Any] | None = Field(
        None, max_length=10, description=CONFIG_HELP + " Given, it replaces the whole config."
    )
    enabled: StrictBool | None = None
