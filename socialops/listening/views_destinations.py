"""Alert destination pages: the list with each one's last delivery, the form, delete, test."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm

from . import alerts
from .forms_destinations import DestinationForm, add_action_errors
from .models import Delivery, Destination


def _destination(access: Access, destination_id: int) -> Destination:
    return get_object_or_404(Destination, workspace=access.workspace, pk=destination_id)


def _rows(access: Access) -> list[dict[str, Any]]:
    found = list(Destination.objects.filter(workspace=access.workspace).order_by("name", "id"))
    last: dict[int, Delivery] = {}
    deliveries = Delivery.objects.filter(destination__in=found).order_by("created_at", "id")
    for delivery in deliveries.only(
        "destination_id", "state", "attempts", "last_error", "status_code", "sent_at", "created_at"
    ):
        last[delivery.destination_id] = delivery
    return [{"destination": d, "last": last.get(d.pk)} for d in found]


@workspace_view(Perm.LISTENING_VIEW)
def destinations_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "listening/destinations.html", {"rows": _rows(access)})


def _save(
    request: HttpRequest, access: Access, form: DestinationForm, found: Destination | None
) -> HttpResponse:
    if form.is_valid():
        values = form.values()
        try:
            if found is None:
                alerts.create_destination(access=access, request=request, **values)
            else:
                alerts.update_destination(
                    access=access, destination=found, request=request, **values
                )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Destination saved."))
            return redirect("listening_destinations", access.workspace.slug)
    context = {"form": form, "destination": found}
    return render(request, "listening/destination_edit.html", context, status=422)


@workspace_view(Perm.LISTENING_MANAGE)
def destination_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    if request.method == "POST":
        return _save(request, access, DestinationForm(request.POST), None)
    form = DestinationForm()
    return render(request, "listening/destination_edit.html", {"form": form, "destination": None})


@workspace_view(Perm.LISTENING_MANAGE)
def destination_edit(
    request: HttpRequest, access: Access, section: str, destination_id: int
) -> HttpResponse:
    found = _destination(access, destination_id)
    if request.method == "POST":
        return _save(request, access, DestinationForm(request.POST), found)
    form = DestinationForm(initial=DestinationForm.initial_of(found))
    return render(request, "listening/destination_edit.html", {"form": form, "destination": found})


@require_POST
@workspace_view(Perm.LISTENING_MANAGE)
def destination_delete(
    request: HttpRequest, access: Access, section: str, destination_id: int
) -> HttpResponse:
    found = _destination(access, destination_id)
    alerts.delete_destination(access=access, destination=found, request=request)
    messages.success(request, _("Destination deleted."))
    return redirect("listening_destinations", access.workspace.slug)


@require_POST
@workspace_view(Perm.LISTENING_MANAGE)
def destination_test(
    request: HttpRequest, access: Access, section: str, destination_id: int
) -> HttpResponse:
    """Send a test alert now; htmx gets the outcome in place, a plain form a message."""
    found = _destination(access, destination_id)
    outcome = alerts.send_destination_test(access=access, destination=found, request=request)
    if request.headers.get("HX-Request"):
        context = {"outcome": outcome, "destination": found}
        return render(request, "listening/destination_test_result.html", context)
    if outcome.state == Delivery.State.SENT:
        messages.success(request, _("The test alert was delivered."))
    else:
        messages.error(request, _("The test alert failed: %(error)s") % {"error": outcome.error})
    return redirect("listening_destinations", access.workspace.slug)
