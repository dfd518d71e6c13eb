from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema, RowId

from .models import NAME_LENGTH

TopicId = RowId
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


LinkId = RowId


class LinkIn(BodySchema):
    target_url: str = Field(max_length=1500, description="Where the link leads (http or https).")
    utm_source: str = Field("", max_length=100)
    utm_medium: str = Field("", max_length=100)
    utm_campaign: str = Field("", max_length=100)
    utm_content: str = Field("", max_length=100)
    post_id: LinkId | None = Field(None, description="The post it was made for.")
    channel_id: LinkId | None = Field(None, description="The account it is posted on.")


class LinkOut(Schema):
    id: int
    code: str
    short_url: str
    target_url: str
    redirect_url: str = Field(description="The target with the UTM parameters merged in.")
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str
    post_id: int | None
    channel_id: int | None
    clicks: int = Field(description="Clicks by people; bots and link previews are left out.")
    bot_clicks: int
    created_at: datetime

    @staticmethod
    def resolve_short_url(obj: object) -> str:
        from .links import short_url

        return short_url(obj.code)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_redirect_url(obj: object) -> str:
        from .links import UTM_FIELDS, with_utm

        return with_utm(
            obj.target_url,  # type: ignore[attr-defined]
            {name: getattr(obj, name) for name in UTM_FIELDS},
        )


class ClicksDayOut(Schema):
    day: date
    clicks: int
    bot_clicks: int
    visitors: int = Field(description="Distinct visitors that day (people only).")


class LinkDetailOut(LinkOut):
    by_day: list[ClicksDayOut]


class ShortenIn(BodySchema):
    campaign: str = Field("", max_length=100, description="utm_campaign of every link.")


class ShortenedOut(Schema):
    channel_id: int
    link: LinkOut
