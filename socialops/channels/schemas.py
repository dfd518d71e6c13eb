from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from socialops.core.schemas import BodySchema, JsonInt, RowId

from . import queries
from .models import Channel


class ComplementOut(Schema):
    channel_id: int
    why: str


class ChannelOut(Schema):
    id: int
    platform: str
    connector: str
    simulated: bool
    remote_id: str
    handle: str
    display_name: str
    url: str
    avatar_url: str
    status: str = Field(description="connected, reconnect_needed or disconnected")
    status_reason: str
    last_error: str
    last_error_at: datetime | None
    config: dict[str, Any]
    connected_by_id: int | None
    connected_at: datetime
    role: str
    owner_id: int | None
    weekly_capacity_hours: float
    notes: str
    complements: list[ComplementOut]
    facade_score: int | None
    profile_fetched_at: datetime | None

    @staticmethod
    def resolve_simulated(obj: Channel) -> bool:
        return queries.is_simulated(obj)

    @staticmethod
    def resolve_weekly_capacity_hours(obj: Channel) -> float:
        return float(obj.weekly_capacity_hours)

    @staticmethod
    def resolve_complements(obj: Channel) -> list[dict[str, Any]]:
        pairs = queries.complements_of([obj])[obj.pk]
        return [{"channel_id": pair.to_channel_id, "why": pair.why} for pair in pairs]


class ChannelConnectIn(BodySchema):
    connector: str = Field(min_length=1, max_length=40)
    platform: str = Field("", max_length=40, pattern=r"^[a-z0-9_-]*$")
    fields: dict[str, str] = Field(default_factory=dict)


class ReconnectIn(BodySchema):
    fields: dict[str, str] = Field(default_factory=dict)


class ComplementIn(BodySchema):
    channel_id: RowId
    why: str = Field("", max_length=200)


class ChannelPatchIn(BodySchema):
    role: Channel.Role | None = None
    owner_id: JsonInt | None = Field(None, description="A member's user id; null clears it.")
    weekly_capacity_hours: float | None = Field(None, ge=0, le=168)
    notes: str | None = Field(None, max_length=2000)
    complements: list[ComplementIn] | None = Field(
        None, description="The full list of complementary accounts (replaces the current one)."
    )


class FacadeItemOut(Schema):
    item: str
    label: str
    weight: int
    state: str = Field(description="ok, missing, manual_ok or not_applicable")
    automatic: bool
    fix: str
    evidence: str
    checked_by_id: int | None
    checked_at: datetime | None


class FacadeOut(Schema):
    channel_id: int
    score: int
    profile_read: bool
    items: list[FacadeItemOut]
    fixes: list[str]


class FacadeTickIn(BodySchema):
    state: Literal["manual_ok", "not_applicable", "missing"] = "manual_ok"
    evidence: str = Field("", max_length=500)


class ConnectFieldOut(Schema):
    name: str
    label: str
    secret: bool
    required: bool
    help: str


class ConnectorOut(Schema):
    code: str
    name: str
    auth_kind: str
    connect_fields: list[ConnectFieldOut]
    capabilities: list[str]
    simulated: bool
