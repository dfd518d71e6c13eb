"""API routes of listening: the crisis board's alerts and their state."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.models import Workspace
from socialops.accounts.roles import Perm
from socialops.core.errors import ApiError
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

from . import alert_actions
from .models import Alert, AlertKind, Delivery
from .schemas_mentions import AlertDetailOut, AlertOut

router = Router(tags=["listening"])


def alerts_of(workspace: Workspace) -> QuerySet[Alert]:
    deliveries = Delivery.objects.select_related("destination").order_by("id")
    return (
        Alert.objects.filter(workspace=workspace)
        .select_related("query")
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        .annotate(mention_count=Count("mentions", distinct=True))
    )


def alert_of(workspace: Workspace, alert_id: int) -> Alert:
    found = alerts_of(workspace).filter(pk=alert_id).first()
    if found is None:
        raise Http404("No such alert.")
    return found


@router.get("/listening/alerts", response={200: list[AlertOut], **errors(403)})
@paginate(CursorPagination, ordering=("-created_at", "-id"))
def alert_list(
    request: HttpRequest,
    state: str | None = Query(None, description="open, acknowledged or resolved."),
    kind: str | None = Query(None, description="spike, negative, crisis_word, vip_author, test."),
) -> QuerySet[Alert]:
    """Alerts, newest first."""
    access = access_of(request, Perm.LISTENING_VIEW)
    rows = alerts_of(access.workspace)
    if state:
        if state not in Alert.State.values:
            message = "One of: " + ", ".join(Alert.State.values)
            raise ApiError(422, "invalid", message, {"state": message})
        rows = rows.filter(state=state)
    if kind:
        if kind not in AlertKind.values:
            message = "One of: " + ", ".join(AlertKind.values)
            raise ApiError(422, "invalid", message, {"kind": message})
        rows = rows.filter(kind=kind)
    return rows


@router.get("/listening/alerts/{alert_id}", response={200: AlertDetailOut, **errors(403, 404)})
def alert_detail(request: HttpRequest, alert_id: int) -> Alert:
    """One alert with its deliveries and the mentions behind it (newest 200)."""
    access = access_of(request, Perm.LISTENING_VIEW)
    return alert_of(access.workspace, alert_id)


def _state_change(request: HttpRequest, alert_id: int, change: Any) -> Alert:
    access = access_of(request, Perm.LISTENING_VIEW)
    alert_actions.require_handle(access)
    found = alert_of(access.workspace, alert_id)
    try:
        change(access=access, alert=found, request=request)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise ApiError(409, "conflict", message, {"state": message}) from exc
    return alert_of(access.workspace, alert_id)


@router.post(
    "/listening/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, **errors(403, 404, 409)},
)
def acknowledge_alert(request: HttpRequest, alert_id: int) -> Any:
    """Someone is on it (open → acknowledged); 409 otherwise. Agents may, as may analysts."""
    return _state_change(request, alert_id, alert_actions.acknowledge)


@router.post(
    "/listening/alerts/{alert_id}/resolve", response={200: AlertOut, **errors(403, 404, 409)}
)
def resolve_alert(request: HttpRequest, alert_id: int) -> Any:
    """Handled (open or acknowledged → resolved); 409 when it already is."""
    return _state_change(request, alert_id, alert_actions.resolve)


@router.post(
    "/listening/alerts/{alert_id}/reopen", response={200: AlertOut, **errors(403, 404, 409)}
)
def reopen_alert(request: HttpRequest, alert_id: int) -> Any:
    """Back to open (from acknowledged or resolved); 409 when it is open."""
    return _state_change(request, alert_id, alert_actions.reopen)
