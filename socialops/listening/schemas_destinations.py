"""Request and response bodies of the alert destinations and deliveries routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from socialops.core.schemas import BodySchema

from .alerts import NAME_LENGTH, SECRET_LENGTH, URL_LENGTH, masked_url
from .models import Delivery

DestinationKindName = Literal["in_app", "email", "wecom", "dingtalk", "feishu", "slack", "webhook"]
AlertKindName = Literal["spike", "negative", "crisis_word", "vip_author"]

URL_HELP = (
    "The bot's or receiver's webhook address (http or https; any host, so self-hosted proxies "
    "work). Needed by wecom, dingtalk, feishu, slack and webhook; ignored by email and in_app. "
    "Shown in full only to those who may manage destinations (it carries the bot's token)."
)
SIGNING_HELP = (
    "Signing secret of a DingTalk or Feishu bot, or of a generic webhook (HMAC-SHA256, see "
    "docs/alerts.md). Write-only: stored encrypted, never returned. On PATCH: absent or null "
    'keeps it, "" removes it.'
)
KINDS_HELP = "Alert kinds sent here; empty: every kind."


class ListeningLastDeliveryOut(Schema):
    state: str
    attempts: int
    status_code: int | None
    last_error: str
    at: datetime


class ListeningDestinationOut(Schema):
    id: int
    name: str
    kind: str
    url: str = Field(description=URL_HELP)
    has_secret: bool
    recipients: list[str]
    alert_kinds: list[str] = Field(description=KINDS_HELP)
    enabled: bool
    last_delivery: ListeningLastDeliveryOut | None = Field(
        description="The newest delivery to this destination, if any."
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        request = (context or {}).get("request")
        if getattr(request, "listening_reveal_urls", False):
            return str(obj.url)
        return masked_url(obj.url)

    @staticmethod
    def resolve_has_secret(obj: Any) -> bool:
        return bool(obj.secret)

    @staticmethod
    def resolve_last_delivery(obj: Any) -> dict[str, Any] | None:
        last = Delivery.objects.filter(destination_id=obj.pk).order_by("-created_at", "-id").first()
        if last is None:
            return None
        return {
            "state": last.state,
            "attempts": last.attempts,
            "status_code": last.status_code,
            "last_error": last.last_error,
            "at": last.sent_at or last.created_at,
        }


class ListeningDestinationIn(BodySchema):
    name: str = Field(max_length=NAME_LENGTH)
    kind: DestinationKindName
    url: str = Field("", max_length=URL_LENGTH, description=URL_HELP)
    secret: str = Field("", max_length=SECRET_LENGTH, description=SIGNING_HELP)
    recipients: list[str] = Field(
        default_factory=list, max_length=50, description="Email addresses (kind email)."
    )
    alert_kinds: list[AlertKindName] = Field(default_factory=list, description=KINDS_HELP)
    enabled: StrictBool = True


class ListeningDestinationPatchIn(BodySchema):
    name: str | None = Field(None, max_length=NAME_LENGTH)
    kind: DestinationKindName | None = None
    url: str | None = Field(None, max_length=URL_LENGTH, description=URL_HELP)
    secret: str | None = Field(None, max_length=SECRET_LENGTH, description=SIGNING_HELP)
    recipients: list[str] | None = Field(None, max_length=50)
    alert_kinds: list[AlertKindName] | None = Field(None, description=KINDS_HELP)
    enabled: StrictBool | None = None


class ListeningDestinationTestOut(Schema):
    state: str = Field(description='"sent" or "failed" (a test is not retried).')
    status_code: int | None = Field(description="The receiver's HTTP status, if it answered.")
    error: str
    alert_id: int
    delivery_id: int


class AlertDeliveryOut(Schema):
    id: int
    destination_id: int
    destination_name: str
    destination_kind: str
    state: str = Field(description="pending, sending, sent or failed.")
    attempts: int
    status_code: int | None
    last_error: str
    next_attempt_at: datetime | None = Field(description="When a pending one is tried next.")
    sent_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_destination_name(obj: Any) -> str:
        return str(obj.destination.name)

    @staticmethod
    def resolve_destination_kind(obj: Any) -> str:
        return str(obj.destination.kind)

    @staticmethod
    def resolve_next_attempt_at(obj: Any) -> datetime | None:
        return obj.next_attempt_at if obj.state == Delivery.State.PENDING else None  # type: ignore[no-any-return]
