"""Request and response bodies of the mention, dashboard and alert routes of listening."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from socialops.core.schemas import BodySchema

from . import mentions
from .models import Alert, Mention


class MentionQueryOut(Schema):
    query_id: int
    name: str
    spans: list[list[int]] = Field(description="[start, end) in characters of the original text.")


class MentionOut(Schema):
    id: int
    platform: str
    remote_id: str
    url: str
    text: str
    author_remote_id: str
    author_handle: str
    author_name: str
    author_followers: int | None
    author_verified: bool
    author_type: str = Field(description='The contact kind of the author; "": not a contact.')
    contact_id: int | None
    lang: str
    sentiment: str
    emotion: str
    intent: str
    duplicates: int = Field(description="Copies of the same text seen (near duplicates too).")
    posted_at: datetime
    received_at: datetime
    conversation_id: int | None
    engagement_task_id: int | None
    queries: list[MentionQueryOut]
    highlights: list[list[int]] = Field(description="The merged spans of every matched query.")

    @staticmethod
    def resolve_queries(obj: Mention) -> list[dict[str, Any]]:
        return [
            {"query_id": m.query_id, "name": m.query.name, "spans": m.spans}
            for m in obj.matches.all()
        ]

    @staticmethod
    def resolve_highlights(obj: Mention) -> list[list[int]]:
        return [list(span) for span in mentions.spans_of(obj)]


class MentionContactIn(BodySchema):
    kind: str = Field(
        description="competitor, expert, media, kol, fan, partner or customer.", max_length=12
    )
    name: str = Field("", max_length=200, description="Default: the author's display name.")


class MentionConversationOut(Schema):
    mention_id: int
    conversation_id: int
    channel_id: int


class MentionTaskOut(Schema):
    mention_id: int
    engagement_task_id: int
    state: str


class MentionContactOut(Schema):
    mention_id: int
    contact_id: int
    created: bool = Field(description="false: the author already was this contact.")
    kind: str
    name: str


class AlertDeliveryStateOut(Schema):
    destination_id: int
    destination_name: str
    kind: str
    state: str
    attempts: int
    last_error: str
    sent_at: datetime | None


class AlertOut(Schema):
    id: int
    kind: str
    key: str
    state: str
    title: str
    query_id: int | None
    query_name: str | None
    detail: dict[str, Any]
    window_start: datetime | None
    window_end: datetime | None
    created_at: datetime
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    mention_count: int
    deliveries: list[AlertDeliveryStateOut]

    @staticmethod
    def resolve_query_name(obj: Alert) -> str | None:
        return obj.query.name if obj.query is not None else None

    @staticmethod
    def resolve_mention_count(obj: Alert) -> int:
        count = getattr(obj, "mention_count", None)
        return int(count) if count is not None else obj.mentions.count()

    @staticmethod
    def resolve_deliveries(obj: Alert) -> list[dict[str, Any]]:
        return [
            {
                "destination_id": d.destination_id,
                "destination_name": d.destination.name,
                "kind": d.destination.kind,
                "state": d.state,
                "attempts": d.attempts,
                "last_error": d.last_error,
                "sent_at": d.sent_at,
            }
            for d in obj.deliveries.all()
        ]


class AlertDetailOut(AlertOut):
    mentions: list[MentionOut]

    @staticmethod
    def resolve_mentions(obj: Alert) -> list[Mention]:
        return list(mentions.alert_mentions(obj)[:200])


class ListeningVolumeOut(Schema):
    query_id: int
    name: str
    kind: str
    data: list[int]


class ListeningVoiceOut(Schema):
    series: str
    kind: str
    total: int
    data: list[int]


class ListeningTermOut(Schema):
    term: str
    recent: int
    previous: int
    lift: float


class ListeningAuthorOut(Schema):
    platform: str
    remote_id: str
    handle: str
    name: str
    followers: int | None
    author_type: str
    mentions: int


class ListeningDashboardOut(Schema):
    start: datetime
    end: datetime
    time_zone: str
    bucket: str = Field(description='"minute", "hour" or "day", by the length of the period.')
    buckets: list[str] = Field(description="Start of each bucket, local time, ISO 8601.")
    total: int = Field(description="Mentions posted in the period.")
    volume: list[ListeningVolumeOut]
    sentiment: dict[str, list[int]]
    share_of_voice: list[ListeningVoiceOut]
    trending: list[ListeningTermOut]
    top_authors: list[ListeningAuthorOut]
