"""The crisis board: alerts by state, one alert with the mentions behind it, state changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.contacts.models import Contact

from . import alert_actions, mentions
from .api_alerts import alert_of, alerts_of
from .models import Alert
from .views_mentions import cards

BOARD_SIZE = 100
KIND_CLASSES = {
    "spike": "warning",
    "negative": "danger",
    "crisis_word": "danger",
    "vip_author": "info",
    "test": "secondary",
}


def _columns(access: Access) -> list[dict[str, object]]:
    rows = alerts_of(access.workspace)
    return [
        {
            "state": state,
            "label": label,
            "alerts": list(rows.filter(state=state)[:BOARD_SIZE]),
            "count": rows.filter(state=state).count(),
        }
        for state, label in Alert.State.choices
    ]


@workspace_view(Perm.LISTENING_VIEW)
def alerts_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    context = {
        "columns": _columns(access),
        "may_handle": alert_actions.may_handle(access),
        "kind_classes": KIND_CLASSES,
    }
    return render(request, "listening/alerts.html", context)


@workspace_view(Perm.LISTENING_VIEW)
def alert_page(request: HttpRequest, access: Access, section: str, alert_id: int) -> HttpResponse:
    found = alert_of(access.workspace, alert_id)
    context = {
        "alert": found,
        "cards": cards(list(mentions.alert_mentions(found)[:200])),
        "deliveries": list(found.deliveries.all()),
        "may_handle": alert_actions.may_handle(access),
        "kind_classes": KIND_CLASSES,
        "contact_kinds": Contact.Kind.choices,
        "next_url": request.get_full_path(),
    }
    return render(request, "listening/alert.html", context)


def _change(request: HttpRequest, access: Access, alert_id: int, change: object) -> HttpResponse:
    alert_actions.require_handle(access)
    found = alert_of(access.workspace, alert_id)
    try:
        change(access=access, alert=found, request=request)  # type: ignore[operator]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("back") == "board":
        return redirect("listening_alerts", access.workspace.slug)
    return redirect("listening_alert", access.workspace.slug, found.pk)


@require_POST
@workspace_view(Perm.LISTENING_VIEW)
def alert_acknowledge(
    request: HttpRequest, access: Access, section: str, alert_id: int
) -> HttpResponse:
    return _change(request, access, alert_id, alert_actions.acknowledge)


@require_POST
@workspace_view(Perm.LISTENING_VIEW)
def alert_resolve(
    request: HttpRequest, access: Access, section: str, alert_id: int
) -> HttpResponse:
    return _change(request, access, alert_id, alert_actions.resolve)


@require_POST
@workspace_view(Perm.LISTENING_VIEW)
def alert_reopen(request: HttpRequest, access: Access, section: str, alert_id: int) -> HttpResponse:
    return _change(request, access, alert_id, alert_actions.reopen)
