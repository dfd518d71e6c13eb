"""The platform catalog: catalog.toml read once, validated into typed, frozen models."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, model_validator

from socialops.core import text as core_text

CATALOG_FILE = Path(__file__).with_name("catalog.toml")


class Status(StrEnum):
    LIVE_API = "live_api"
    MANUAL_ONLY = "manual_only"
    RETIRED = "retired"


class Format(StrEnum):
    TEXT = "text"
    IMAGE_SET = "image_set"
    VIDEO = "video"
    ARTICLE = "article"
    LINK = "link"


class FacadeItem(StrEnum):
    AVATAR = "avatar"
    BANNER = "banner"
    BIO = "bio"
    CONTACT = "contact"
    LINK = "link"
    VERIFICATION = "verification"
    PINNED_POST = "pinned_post"


class AgeBand(StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_30 = "25_30"
    AGE_31_40 = "31_40"
    AGE_41_PLUS = "41_plus"


class CityTier(StrEnum):
    TIER1 = "tier1"
    NEW_TIER1 = "new_tier1"
    TIER2 = "tier2"
    TIER3_BELOW = "tier3_below"
    OVERSEAS = "overseas"


class Goal(StrEnum):
    """The team's goals (DESIGN.md §1)."""

    BRAND = "brand"
    FANS = "fans"
    CAMPAIGN = "campaign"
    CONVERSION = "conversion"
    CRISIS = "crisis"
    SERVICE = "service"


class Strength(StrEnum):
    """Kinds of content a team is good at making."""

    SHORT_TEXT = "short_text"
    IMAGES = "images"
    VIDEO = "video"
    LONG_ARTICLE = "long_article"
    LIVE = "live"


class Industry(StrEnum):
    BEAUTY = "beauty"
    FASHION = "fashion"
    FOOD_BEVERAGE = "food_beverage"
    CONSUMER_ELECTRONICS = "consumer_electronics"
    AUTOMOTIVE = "automotive"
    TRAVEL_HOSPITALITY = "travel_hospitality"
    EDUCATION = "education"
    FINANCE = "finance"
    HEALTHCARE = "healthcare"
    GAMES_ENTERTAINMENT = "games_entertainment"
    CULTURE_MEDIA = "culture_media"
    RETAIL_ECOMMERCE = "retail_ecommerce"
    ENTERPRISE_SOFTWARE = "enterprise_software"
    INDUSTRIAL = "industrial"
    OPEN_SOURCE = "open_source"
    PUBLIC_NONPROFIT = "public_nonprofit"


class Model(StrEnum):
    """Whom the brand sells to."""

    B2B = "b2b"
    B2C = "b2c"
    BOTH = "both"


class Gender(StrEnum):
    ANY = "any"
    FEMALE = "female"
    MALE = "male"


class AccountRole(StrEnum):
    BRAND = "brand"
    PRODUCT = "product"
    SUPPORT = "support"


Connector = Literal["weibo", "wechat", "mastodon", "bluesky", "manual", "none"]
TextRules = Literal["weibo", "wechat", "mastodon", "bluesky", "x", "generic"]
Rating = Annotated[int, Field(ge=0, le=5)]
Share = Annotated[float, Field(ge=0, le=1)]
HourWeights = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=24, max_length=24)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """A text shown in the UI, in both languages; str() gives the active language's."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __str__(self) -> str:
        return self.in_language(get_language())

    def in_language(self, language: str | None) -> str:
        return self.zh if (language or "zh").startswith("zh") else self.en


def _sums_to_one(shares: Iterable[float], what: str) -> None:
    total = sum(shares)
    if abs(total - 1) > 0.011:
        raise ValueError(f"{what} shares must add up to 1, not {total:.3f}")


class TextRule(_Model):
    rules: TextRules
    limits: dict[str, Annotated[int, Field(gt=0)]]
    note: Text

    def check(self, text: str) -> core_text.TextCheck:
        """Measure a post by this platform's rules (generic platforms need limits.post)."""
        if self.rules == "generic":
            return core_text.check("generic", text, limit=self.limits["post"])
        return core_text.check(self.rules, text)


class Audience(_Model):
    """Rough, labelled estimates: see `source`."""

    age: dict[AgeBand, Share]
    female: Share
    cities: dict[CityTier, Share]
    interests: list[Text]
    source: Text

    @model_validator(mode="after")
    def _complete(self) -> Audience:
        if set(self.age) != set(AgeBand) or set(self.cities) != set(CityTier):
            raise ValueError("every age band and city tier needs a share")
        _sums_to_one(self.age.values(), "age")
        _sums_to_one(self.cities.values(), "city tier")
        return self


class Industries(_Model):
    strong: list[Industry]
    weak: list[Industry]


class Fit(_Model):
    """0–5 ratings the advisor reads."""

    b2c: Rating
    b2b: Rating
    goals: dict[Goal, Rating]
    content: dict[Strength, Rating]
    industries: Industries

    @model_validator(mode="after")
    def _complete(self) -> Fit:
        if set(self.goals) != set(Goal) or set(self.content) != set(Strength):
            raise ValueError("every goal and content strength needs a rating")
        if set(self.industries.strong) & set(self.industries.weak):
            raise ValueError("an industry cannot be both strong and weak")
        return self


class BestHours(_Model):
    """A prior for best-time suggestions: relative weights per hour of the day."""

    time_zone: str
    weekday: HourWeights
    weekend: HourWeights


class MediaLimits(_Model):
    """What a platform takes as attachments; `estimate` marks figures not from its own docs.

    Image formats are Pillow format names (JPEG, PNG, GIF, WEBP, BMP); video formats are MIME
    types. A limit left out is not known, and is not checked.
    """

    image_formats: list[str] = Field(default_factory=list)
    image_max_bytes: Annotated[int, Field(gt=0)] | None = None
    gif_max_bytes: Annotated[int, Field(gt=0)] | None = None
    image_max_pixels: Annotated[int, Field(gt=0)] | None = None
    images_per_post: Annotated[int, Field(gt=0)] | None = None
    animated_gif: bool = True
    video_formats: list[str] = Field(default_factory=list)
    video_max_bytes: Annotated[int, Field(gt=0)] | None = None
    video_max_seconds: Annotated[int, Field(gt=0)] | None = None
    article_image_formats: list[str] = Field(default_factory=list)  # inside an article body
    article_image_max_bytes: Annotated[int, Field(gt=0)] | None = None
    estimate: bool = False
    source: Text


class Platform(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    url: str
    status: Status
    retired_on: date | None = None
    open_api: bool
    connector: Connector
    formats: list[Format] = Field(min_length=1)
    facade: list[FacadeItem]
    hours_per_account: Annotated[int, Field(ge=0, le=40)]
    summary: Text
    strengths: list[Text] = Field(min_length=1)
    uses: list[Text] = Field(min_length=1)
    api_notes: Text
    text: TextRule
    audience: Audience
    fit: Fit
    best_hours: BestHours | None = None
    media: MediaLimits | None = None  # attachment limits, where known

    @model_validator(mode="after")
    def _consistent(self) -> Platform:
        retired = self.status == Status.RETIRED
        if retired != (self.retired_on is not None):
            raise ValueError("retired_on is given exactly when the status is retired")
        if retired != (self.connector == "none"):
            raise ValueError("a retired platform has connector none, and only it")
        if (self.status == Status.LIVE_API) == (self.connector in ("manual", "none")):
            raise ValueError("live_api needs a platform connector; manual_only uses manual")
        if not retired and (self.best_hours is None or self.hours_per_account < 1):
            raise ValueError("a platform in use needs best_hours and hours_per_account")
        return self

    @property
    def is_retired(self) -> bool:
        return self.status == Status.RETIRED

    @property
    def can_check_text(self) -> bool:
        return self.text.rules != "generic" or "post" in self.text.limits


class Catalog(_Model):
    version: str
    platform: list[Platform] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        codes = [platform.code for platform in self.platform]
        if len(codes) != len(set(codes)):
            raise ValueError("platform codes must be unique")
        return self


def parse(raw: str) -> Catalog:
    """Validate catalog text; raises pydantic.ValidationError or tomllib.TOMLDecodeError."""
    return Catalog.model_validate(tomllib.loads(raw))


@functools.cache
def catalog() -> Catalog:
    return parse(CATALOG_FILE.read_text(encoding="utf-8"))


def platforms(*, status: Status | None = None, fmt: Format | None = None) -> list[Platform]:
    return [
        platform
        for platform in catalog().platform
        if (status is None or platform.status == status)
        and (fmt is None or fmt in platform.formats)
    ]


def get(code: str) -> Platform | None:
    return next((platform for platform in catalog().platform if platform.code == code), None)
