from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema, JsonInt

from .models import NAME_LENGTH

# A row id: a BigAutoField, so anything past 2**63 - 1 cannot be one (and SQLite refuses it).
TopicId = Annotated[JsonInt, Field(ge=1, le=2**63 - 1)]
OVERRIDES_HELP = (
    'Platform code → the name used there, e.g. {"weibo": "双十一狂欢节", "x": "DoubleEleven"}.'
)


class TopicOut(Schema):
    id: int
    name: str
    overrides: dict[str, str] = Field(description=OVERRIDES_HELP)
    notes: str
    archived: bool
    created_at: datetime
    updated_at: datetime


class TopicIn(BodySchema):
    name: str = Field(max_length=NAME_LENGTH)
    overrides: dict[str, str] = Field(default_factory=dict, description=OVERRIDES_HELP)
    notes: str = Field("", max_length=2000)


class TopicPatchIn(BodySchema):
    name: str | None = Field(None, max_length=NAME_LENGTH)
    overrides: dict[str, str] | None = Field(None, description=OVERRIDES_HELP)
    notes: str | None = Field(None, max_length=2000)
    archived: StrictBool | None = None


class RenderOut(Schema):
    platform: str
    text: str = Field(description='The topic as written on the platform; "" if it cannot be one.')


class HashtagSetOut(Schema):
    id: int
    name: str
    purpose: str = Field(description="The campaign or content pillar it is for (free text).")
    topic_ids: list[int]
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_topic_ids(obj: object) -> list[int]:
        return sorted(topic.pk for topic in obj.topics.all())  # type: ignore[attr-defined]


class HashtagSetIn(BodySchema):
    name: str = Field(max_length=100)
    purpose: str = Field("", max_length=100)
    topic_ids: list[TopicId] = Field(default_factory=list, max_length=100)


class HashtagSetPatchIn(BodySchema):
    name: str | None = Field(None, max_length=100)
    purpose: str | None = Field(None, max_length=100)
    topic_ids: list[TopicId] | None = Field(None, max_length=100)
    archived: StrictBool | None = None
