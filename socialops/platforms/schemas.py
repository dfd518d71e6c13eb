"""API shapes of the catalog and the advisor."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from socialops.core.schemas import BodySchema, InputSchema, JsonInt
from socialops.platforms.catalog import (
    AgeBand,
    CityTier,
    Format,
    Gender,
    Goal,
    Industry,
    Model,
    Platform,
    Status,
    Strength,
)


class TextOut(Schema):
    zh: str
    en: str


class PlatformFilterIn(InputSchema):
    status: Status | None = Field(None, description="live_api, manual_only or retired")
    format: Format | None = Field(None, description="only platforms that take this format")


class PlatformListOut(Schema):
    catalog_version: str
    count: int
    results: list[Platform]


class BriefIn(BodySchema):
    industry: Industry
    model: Model = Field(description="b2b, b2c or both")
    age_bands: list[AgeBand] = Field(min_length=1, max_length=len(AgeBand))
    gender: Gender = Gender.ANY
    city_tiers: list[CityTier] = Field(min_length=1, max_length=len(CityTier))
    goals: list[Goal] = Field(min_length=1, max_length=len(Goal))
    team_hours_per_week: JsonInt = Field(ge=1, le=400)
    content_strengths: list[Strength] = Field(min_length=1, max_length=len(Strength))


class ReasonOut(Schema):
    factor: str
    points: float
    max_points: float
    verdict: str
    text: TextOut


class RankedOut(Schema):
    rank: int
    platform: str
    name: TextOut
    status: Status
    score: float
    recommended: bool
    reasons: list[ReasonOut]


class ExcludedOut(Schema):
    platform: str
    name: TextOut
    retired_on: date | None
    reason: TextOut


class AccountOut(Schema):
    platform: str
    name: TextOut
    role: str
    hours_per_week: int
    reason: TextOut


class NotFittedOut(Schema):
    platform: str
    name: TextOut
    hours_needed: int
    reason: TextOut


class MatrixOut(Schema):
    team_hours_per_week: int
    hours_used: int
    hours_left: int
    accounts: list[AccountOut]
    not_fitted: list[NotFittedOut]


class AdviceOut(Schema):
    catalog_version: str
    ranking: list[RankedOut]
    excluded: list[ExcludedOut]
    matrix: MatrixOut
