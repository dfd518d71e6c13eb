"""Listening source pages: the list with each reader's state, the form, delete, reset, toggle."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels.models import Channel

from . import actions, queries
from .forms import SourceForm, add_action_errors
from .models import Source


def _channels(access: Access) -> QuerySet[Channel]:
    return Channel.objects.filter(workspace=access.workspace).order_by("display_name", "id")


@workspace_view(Perm.LISTENING_VIEW)
def sources_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(
        request,
        "listening/sources.html",
        {"sources": queries.workspace_sources(access.workspace)},
    )


def _save(
    request: HttpRequest, access: Access, form: SourceForm, found: Source | None
) -> HttpResponse:
    if form.is_valid():
        values = form.values()
        try:
            if found is None:
                actions.create_source(access=access, request=request, **values)
            else:
                values.pop("kind")
                actions.update_source(access=access, source=found, request=request, **values)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Source saved."))
            return redirect("listening_sources", access.workspace.slug)
    context = {"form": form, "source": found}
    return render(request, "listening/source_edit.html", context, status=422)


@workspace_view(Perm.LISTENING_MANAGE)
def source_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    if request.method == "POST":
        return _save(request, access, SourceForm(request.POST, channels=_channels(access)), None)
    form = SourceForm(channels=_channels(access))
    return render(request, "listening/source_edit.html", {"form": form, "source": None})


@workspace_view(Perm.LISTENING_MANAGE)
def source_edit(request: HttpRequest, access: Access, section: str, source_id: int) -> HttpResponse:
    found = queries.source(access.workspace, source_id)
    if request.method == "POST":
        # the kind cannot change: the cursor belongs to it
        data = request.POST.copy()
        data["kind"] = found.kind
        return _save(request, access, SourceForm(data, channels=_channels(access)), found)
    form = SourceForm(initial=SourceForm.initial_of(found), channels=_channels(access))
    return render(request, "listening/source_edit.html", {"form": form, "source": found})


@require_POST
@workspace_view(Perm.LISTENING_MANAGE)
def source_delete(
    request: HttpRequest, access: Access, section: str, source_id: int
) -> HttpResponse:
    found = queries.source(access.workspace, source_id)
    actions.delete_source(access=access, source=found, request=request)
    messages.success(request, _("Source deleted."))
    return redirect("listening_sources", access.workspace.slug)


@require_POST
@workspace_view(Perm.LISTENING_MANAGE)
def source_reset(
    request: HttpRequest, access: Access, section: str, source_id: int
) -> HttpResponse:
    found = queries.source(access.workspace, source_id)
    try:
        actions.reset_source(access=access, source=found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The cursor was cleared: the source starts over."))
    return redirect("listening_sources", access.workspace.slug)


@require_POST
@workspace_view(Perm.LISTENING_MANAGE)
def source_enabled(
    request: HttpRequest, access: Access, section: str, source_id: int
) -> HttpResponse:
    """The list's switch: enabled=1 turns the source on, anything else off."""
    found = queries.source(access.workspace, source_id)
    enabled = request.POST.get("enabled") == "1"
    try:
        actions.update_source(access=access, source=found, request=request, enabled=enabled)
    except ValidationError as exc:  # its config no longer holds (an account was removed)
        messages.error(request, " ".join(exc.messages))
    return redirect("listening_sources", access.workspace.slug)
