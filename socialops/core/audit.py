"""Record every state change: who, what, when, before and after."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any

from django.db import models

from socialops.core.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User, Workspace


# What the audit page calls each action; every app adds its own from its AppConfig.ready().
ACTION_LABELS: dict[str, Any] = {}


def describe_actions(labels: dict[str, Any]) -> None:
    """Give actions readable (lazily translated) names for the audit log."""
    ACTION_LABELS.update(labels)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a model as JSON-safe values, for before/after."""
    return {name: _json_safe(getattr(instance, name)) for name in fields}


def _json_safe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    return value


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    action: str,
    workspace: Workspace | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    via: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user  # type: ignore[assignment]
    if via is None:
        via = _via(request)
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        via=via,
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:254],
        before=before,
        after=after,
        ip_address=client_ip(request),
    )


def _via(request: HttpRequest | None) -> str:
    if request is None:
        return "system"
    return "api" if request.path.startswith("/api/") else "web"
