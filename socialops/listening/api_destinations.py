"""API routes of listening: where alerts go (destinations), test sends, an alert's deliveries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors, given_fields

from . import alerts
from .models import Alert, Delivery, Destination
from .schemas_destinations import (
    AlertDeliveryOut,
    ListeningDestinationIn,
    ListeningDestinationOut,
    ListeningDestinationPatchIn,
    ListeningDestinationTestOut,
)

router = Router(tags=["listening"])


def _access(request: HttpRequest, perm: Perm) -> Access:
    """The caller's access; full webhook URLs are shown only to those who may manage them."""
    access = access_of(request, perm)
    request.listening_reveal_urls = access.can(Perm.LISTENING_MANAGE)  # type: ignore[attr-defined]
    return access


def _destination(access: Access, destination_id: int) -> Destination:
    return get_object_or_404(Destination, workspace=access.workspace, pk=destination_id)


@router.get("/listening/destinations", response={200: list[ListeningDestinationOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def destinations(request: HttpRequest) -> QuerySet[Destination]:
    """Where the workspace's alerts go, with each one's newest delivery."""
    access = _access(request, Perm.LISTENING_VIEW)
    return Destination.objects.filter(workspace=access.workspace)


@router.post("/listening/destinations", response={201: ListeningDestinationOut, **errors(403, 409)})
def create_destination(
    request: HttpRequest, payload: ListeningDestinationIn
) -> Status[Destination]:
    """A group bot (WeCom, DingTalk, Feishu), Slack, a signed JSON webhook, email or in-app."""
    access = _access(request, Perm.LISTENING_MANAGE)
    created = alerts.create_destination(access=access, request=request, **payload.model_dump())
    return Status(201, created)


@router.get(
    "/listening/destinations/{destination_id}",
    response={200: ListeningDestinationOut, **errors(403, 404)},
)
def destination(request: HttpRequest, destination_id: int) -> Destination:
    access = _access(request, Perm.LISTENING_VIEW)
    return _destination(access, destination_id)


@router.patch(
    "/listening/destinations/{destination_id}",
    response={200: ListeningDestinationOut, **errors(403, 404)},
)
def update_destination(
    request: HttpRequest, destination_id: int, payload: ListeningDestinationPatchIn
) -> Destination:
    """Change the given fields; a secret left out (or null) is kept, "" removes it."""
    access = _access(request, Perm.LISTENING_MANAGE)
    found = _destination(access, destination_id)
    changes: dict[str, Any] = given_fields(payload)
    return alerts.update_destination(access=access, destination=found, request=request, **changes)


@router.delete("/listening/destinations/{destination_id}", response={204: None, **errors(403, 404)})
def delete_destination(request: HttpRequest, destination_id: int) -> Status[None]:
    """Remove it, with the record of its deliveries."""
    access = _access(request, Perm.LISTENING_MANAGE)
    found = _destination(access, destination_id)
    alerts.delete_destination(access=access, destination=found, request=request)
    return Status(204, None)


@router.post(
    "/listening/destinations/{destination_id}/test",
    response={200: ListeningDestinationTestOut, **errors(403, 404, 409)},
)
def test_destination(request: HttpRequest, destination_id: int) -> dict[str, Any]:
    """Send a test alert (kind "test") to this destination only, now; what the receiver said.

    A failed test is not retried. Works on a disabled destination too.
    """
    access = _access(request, Perm.LISTENING_MANAGE)
    found = _destination(access, destination_id)
    outcome = alerts.send_destination_test(access=access, destination=found, request=request)
    return {
        "state": outcome.state,
        "status_code": outcome.status_code,
        "error": outcome.error,
        "alert_id": outcome.alert_id,
        "delivery_id": outcome.delivery_id,
    }


@router.get(
    "/listening/alerts/{alert_id}/deliveries",
    response={200: list[AlertDeliveryOut], **errors(403, 404)},
)
def alert_deliveries(request: HttpRequest, alert_id: int) -> QuerySet[Delivery]:
    """Where the alert went: each destination's state, attempts, last error and next attempt."""
    access = _access(request, Perm.LISTENING_VIEW)
    alert = get_object_or_404(Alert, workspace=access.workspace, pk=alert_id)
    return Delivery.objects.filter(alert=alert).select_related("destination").order_by("id")
