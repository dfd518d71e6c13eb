"""Listening query pages: the list, the editor with live checking and "test this query"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm

from . import actions, preview, queries
from .forms import QueryForm, QueryTextForm, add_action_errors
from .matcher import required
from .models import ListeningQuery
from .preview import caret_excerpt
from .query import QuerySyntaxError, parse

PREVIEW_HITS = 50


@workspace_view(Perm.LISTENING_VIEW)
def queries_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    found = list(queries.workspace_queries(access.workspace))
    totals = queries.mention_totals(access.workspace, found)
    rows = [{"query": q, "today": totals[q.pk][0], "week": totals[q.pk][1]} for q in found]
    return render(request, "listening/queries.html", {"rows": rows})


def _editor(
    request: HttpRequest,
    form: QueryForm,
    found: ListeningQuery | None,
    status: int = 200,
    syntax: QuerySyntaxError | None = None,
) -> HttpResponse:
    context = {"form": form, "query": found, "check": _check_of(syntax) if syntax else None}
    return render(request, "listening/query_edit.html", context, status=status)


def _save(
    request: HttpRequest, access: Access, form: QueryForm, found: ListeningQuery | None
) -> HttpResponse:
    if form.is_valid():
        try:
            if found is None:
                actions.create_query(access=access, request=request, **form.values())
            else:
                actions.update_query(access=access, query=found, request=request, **form.values())
        except actions.QueryTextError as exc:
            add_action_errors(form, exc)
            return _editor(request, form, found, status=422, syntax=exc.syntax)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Query saved."))
            return redirect("listening_queries", access.workspace.slug)
    return _editor(request, form, found, status=422)


@workspace_view(Perm.LISTENING_MANAGE)
def query_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    if request.method == "POST":
        return _save(request, access, QueryForm(request.POST), None)
    return _editor(request, QueryForm(), None)


@workspace_view(Perm.LISTENING_MANAGE)
def query_edit(request: HttpRequest, access: Access, section: str, query_id: int) -> HttpResponse:
    found = queries.listening_query(access.workspace, query_id)
    if request.method == "POST":
        return _save(request, access, QueryForm(request.POST), found)
    return _editor(request, QueryForm(initial=QueryForm.initial_of(found)), found)


@require_POST
@workspace_view(Perm.LISTENING_MANAGE)
def query_delete(request: HttpRequest, access: Access, section: str, query_id: int) -> HttpResponse:
    found = queries.listening_query(access.workspace, query_id)
    actions.delete_query(access=access, query=found, request=request)
    messages.success(request, _("Query deleted."))
    return redirect("listening_queries", access.workspace.slug)


def _check_of(error: QuerySyntaxError) -> dict[str, Any]:
    return {
        "ok": False,
        "message": error.message,
        "position": error.position,
        "caret": caret_excerpt(error),
    }


@require_POST
@workspace_view(Perm.LISTENING_VIEW)
def query_validate(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """The editor's live check (htmx): where and why the text is wrong, or how it was read."""
    form = QueryTextForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else request.POST.get("text", "")
    if not text.strip():
        return render(request, "listening/query_check.html", {"check": None})
    try:
        parsed = parse(text)
    except QuerySyntaxError as error:
        return render(request, "listening/query_check.html", {"check": _check_of(error)})
    needed = required(parsed.root)
    check = {
        "ok": True,
        "canonical": str(parsed),
        "required": None if needed is None else sorted(lit.text for lit in needed),
    }
    return render(request, "listening/query_check.html", {"check": check})


@require_POST
@workspace_view(Perm.LISTENING_VIEW)
def query_preview(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """ "Test this query" (htmx): the newest stored posts it matches, highlighted."""
    form = QueryTextForm(request.POST)
    if not form.is_valid():
        return render(request, "listening/query_preview.html", {"invalid": True}, status=422)
    try:
        found = preview.preview(
            access.workspace,
            form.cleaned_data["text"],
            limit=PREVIEW_HITS,
            days=form.cleaned_data["days"],
        )
    except QuerySyntaxError as error:
        return render(request, "listening/query_preview.html", {"check": _check_of(error)})
    return render(request, "listening/query_preview.html", {"preview": found})
