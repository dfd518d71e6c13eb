"""Request and response bodies of the metrics and report routes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from socialops.core.schemas import BodySchema, DateTimeParam, JsonInt

Count = Annotated[JsonInt, Field(ge=0, le=10**15 - 1)]


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would also read "0" as a Unix timestamp."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return date.fromisoformat(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
ENGAGEMENTS = "likes + reposts + comments of the latest snapshot."
RATE = "engagements / impressions; null without impressions."


class SnapshotOut(Schema):
    id: int
    step: str = Field(description='"1h", "6h", "24h", "3d", "7d", "refresh" or "manual".')
    collected_at: datetime
    impressions: int | None
    likes: int | None
    reposts: int | None
    comments: int | None
    clicks: int | None


class PublicationMetricsOut(Schema):
    publication_id: int
    channel_id: int
    platform: str
    state: str
    url: str
    published_at: datetime | None
    next_collection_at: datetime | None = Field(description="null: the schedule is done.")
    engagements: int = Field(description=ENGAGEMENTS)
    engagement_rate: float | None = Field(description=RATE)
    link_clicks: int = Field(description="People's clicks on the post's tracked links.")
    latest: SnapshotOut | None
    snapshots: list[SnapshotOut]


class ProblemOut(Schema):
    channel_id: int
    code: str
    message: str


class RefreshOut(Schema):
    stored: int = Field(description="Snapshots stored now.")
    problems: list[ProblemOut] = Field(description="Accounts whose numbers could not be read.")


class MetricsIn(BodySchema):
    impressions: Count | None = None
    likes: Count | None = None
    reposts: Count | None = None
    comments: Count | None = None
    clicks: Count | None = None
    collected_at: DateTimeParam | None = Field(None, description="When read; default now.")


class CsvIn(BodySchema):
    csv: str = Field(
        max_length=5 * 1024 * 1024,
        description="UTF-8 CSV: a header with `url` and any of impressions, likes, reposts, "
        "comments, clicks; one row per published post of this manual account.",
    )


class ImportOut(Schema):
    stored: int


class GroupOut(Schema):
    key: str
    label: str
    posts: int
    impressions: int
    engagements: int
    engagement_rate: float | None = Field(description=RATE)
    mean_engagement: float


class HourOut(Schema):
    weekday: int = Field(description="0 = Monday, in the workspace's time zone.")
    hour: int
    posts: int
    mean_engagement: float


class ReportPostOut(Schema):
    publication_id: int
    post_id: int
    title: str
    published_at: datetime
    impressions: int | None
    engagements: int
    engagement_rate: float | None


class ReportOut(Schema):
    channel_id: int | None = Field(description="null: every account of the workspace.")
    start: date
    end: date
    time_zone: str
    published: int = Field(description="Publications in the period, with numbers or not.")
    total: GroupOut
    by_pillar: list[GroupOut]
    by_format: list[GroupOut]
    by_hour: list[HourOut]
    posts: list[ReportPostOut]
