"""API routes for a workspace's accounts (channels), their matrix and facade, and connectors."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.connectors.base import ConnectField
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

from . import actions, queries
from .models import Channel
from .schemas import (
    ChannelConnectIn,
    ChannelOut,
    ChannelPatchIn,
    ConnectorOut,
    FacadeOut,
    FacadeTickIn,
    ReconnectIn,
)

router = Router(tags=["channels"])


@router.get("/channels", response={200: list[ChannelOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def channels(request: HttpRequest, include_disconnected: bool = False) -> QuerySet[Channel]:
    access = access_of(request, Perm.PLATFORM_VIEW)
    return queries.workspace_channels(access.workspace, include_disconnected=include_disconnected)


@router.post("/channels", response={201: ChannelOut, **errors(403, 409)})
def connect(request: HttpRequest, payload: ChannelConnectIn) -> Status[Channel]:
    channel = actions.connect_channel(
        access=access_of(request),
        connector=payload.connector,
        fields=payload.fields,
        platform=payload.platform,
        request=request,
    )
    return Status(201, channel)


def _channel(request: HttpRequest, channel_id: int, perm: Perm) -> Channel:
    access = access_of(request, perm)
    return queries.channel(access.workspace, channel_id, request)


@router.get("/channels/{channel_id}", response={200: ChannelOut, **errors(403, 404)})
def channel(request: HttpRequest, channel_id: int) -> Channel:
    return _channel(request, channel_id, Perm.PLATFORM_VIEW)


@router.patch("/channels/{channel_id}", response={200: ChannelOut, **errors(403, 404)})
def update(request: HttpRequest, channel_id: int, payload: ChannelPatchIn) -> Channel:
    found = _channel(request, channel_id, Perm.PLATFORM_MANAGE)
    options: dict[str, Any] = {}
    if "owner_id" in payload.model_fields_set:
        options["owner_id"] = payload.owner_id
    if payload.complements is not None:
        options["complements"] = {c.channel_id: c.why for c in payload.complements}
    return actions.update_matrix(
        access=access_of(request),
        channel=found,
        role=payload.role,
        weekly_capacity_hours=payload.weekly_capacity_hours,
        notes=payload.notes,
        request=request,
        **options,
    )


@router.delete("/channels/{channel_id}", response={200: ChannelOut, **errors(403, 404)})
def disconnect(request: HttpRequest, channel_id: int) -> Channel:
    found = _channel(request, channel_id, Perm.PLATFORM_MANAGE)
    return actions.disconnect_channel(access=access_of(request), channel=found, request=request)


@router.post(
    "/channels/{channel_id}/reconnect", response={200: ChannelOut, **errors(403, 404, 409)}
)
def reconnect(request: HttpRequest, channel_id: int, payload: ReconnectIn) -> Channel:
    found = _channel(request, channel_id, Perm.PLATFORM_MANAGE)
    return actions.reconnect_channel(
        access=access_of(request), channel=found, fields=payload.fields, request=request
    )


@router.post(
    "/channels/{channel_id}/refresh-profile", response={200: ChannelOut, **errors(403, 404, 409)}
)
def refresh_profile(request: HttpRequest, channel_id: int) -> Channel:
    found = _channel(request, channel_id, Perm.PLATFORM_MANAGE)
    return actions.refresh_profile(access=access_of(request), channel=found, request=request)


def _facade_out(channel: Channel) -> dict[str, Any]:
    report = queries.facade_report(channel)
    return {
        "channel_id": channel.pk,
        "score": report.score,
        "profile_read": report.profile_read,
        "items": [
            {
                "item": row.code,
                "label": row.label,
                "weight": row.weight,
                "state": row.state,
                "automatic": row.automatic,
                "fix": row.fix,
                "evidence": row.evidence,
                "checked_by_id": row.checked_by.pk if row.checked_by else None,
                "checked_at": row.checked_at,
            }
            for row in report.rows
        ],
        "fixes": report.fixes,
    }


@router.get("/channels/{channel_id}/facade", response={200: FacadeOut, **errors(403, 404)})
def facade(request: HttpRequest, channel_id: int) -> dict[str, Any]:
    return _facade_out(_channel(request, channel_id, Perm.PLATFORM_VIEW))


@router.post(
    "/channels/{channel_id}/facade/{item}", response={200: FacadeOut, **errors(403, 404, 409)}
)
def tick(request: HttpRequest, channel_id: int, item: str, payload: FacadeTickIn) -> dict[str, Any]:
    found = _channel(request, channel_id, Perm.PLATFORM_MANAGE)
    actions.tick_facade_item(
        access=access_of(request),
        channel=found,
        item=item,
        state=payload.state,
        evidence=payload.evidence,
        request=request,
    )
    return _facade_out(found)


def _field_out(field: ConnectField) -> dict[str, Any]:
    """Labels may be lazy or marked with gettext_noop: shown in the caller's language."""
    data = asdict(field)
    for key in ("label", "help"):
        data[key] = str(gettext(str(data[key]))) if data[key] else ""
    return data


@router.get("/connectors", response={200: list[ConnectorOut], **errors(403)})
def connectors(request: HttpRequest) -> list[dict[str, Any]]:
    access_of(request).require(Perm.PLATFORM_VIEW, request)
    return [
        {
            "code": cls.code,
            "name": cls.name,
            "auth_kind": str(cls.auth_kind),
            "connect_fields": [_field_out(field) for field in cls.connect_fields],
            "capabilities": sorted(str(cap) for cap in cls.capabilities),
            "simulated": cls.simulated,
        }
        for cls in queries.connectors()
    ]
