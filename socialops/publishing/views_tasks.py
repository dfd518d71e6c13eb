"""The publishing tasks page: what needs a person — manual tasks, failures, unconfirmed posts.

Everyone who sees content sees the page; only publishers (CONTENT_PUBLISH) get the forms. The
action views also serve the post page's publications table: with back=post they return there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.models import Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors import registry
from socialops.connectors.base import Connector
from socialops.content.models import Asset
from socialops.core.errors import ApiError

from . import queries
from .interventions import (
    complete_manual,
    last_check_problem,
    reconcile_now,
    resolve_unconfirmed,
    retry_publication,
)
from .models import Publication

State = Publication.State
SHOWN = 100  # rows per section; older failures stay on their posts' pages

ATTENTION = (State.MANUAL, State.FAILED, State.UNCONFIRMED)


def open_count(workspace: Workspace) -> int:
    """Publications waiting for a person: manual tasks, failures and unconfirmed ones."""
    return Publication.objects.filter(workspace=workspace, state__in=ATTENTION).count()


def _rows(workspace: Workspace, state: str) -> QuerySet[Publication]:
    rows = Publication.objects.filter(workspace=workspace, state=state).select_related(
        "channel", "post"
    )
    if state == State.MANUAL:
        return rows.order_by("due_at", "id")
    return rows.order_by("-updated_at", "-id")


def _can_look_up(connector_code: str) -> bool:
    """Whether the account's connector can find a past post (reconcile) rather than give up."""
    try:
        cls = registry.get(connector_code)
    except Exception:  # noqa: BLE001 - a connector no longer installed cannot look anything up
        return False
    return cls.find_published is not Connector.find_published


def _task_of(workspace: Workspace, publication: Publication) -> dict[str, Any]:
    """The copy-ready task: text, first comment, media (linked to library files), article."""
    task = dict((publication.remote_extra or {}).get("task") or {})
    sent = publication.request or {}
    media = [m for m in task.get("media") or sent.get("media") or [] if isinstance(m, dict)]
    paths = [str(m.get("path", "")) for m in media]
    assets = {a.file.name: a for a in Asset.objects.filter(workspace=workspace, file__in=paths)}
    article = sent.get("article") or {}
    return {
        "text": task.get("text", sent.get("text", "")),
        "first_comment": task.get("first_comment", sent.get("first_comment", "")),
        "link": task.get("link", sent.get("link", "")),
        "title": task.get("title", article.get("title", "")),
        "media": [
            {**m, "asset": assets.get(str(m.get("path", ""))), "name": str(m.get("path", ""))}
            for m in media
        ],
        "article": article,
    }


def _annotate(publication: Publication, **values: Any) -> None:
    """What the templates read besides the row's fields (the task, a form's error …)."""
    for name, value in values.items():
        setattr(publication, name, value)


def _context(
    access: Access, errors: dict[int, str] | None = None, values: dict[int, str] | None = None
) -> dict[str, Any]:
    workspace = access.workspace
    manual = list(_rows(workspace, State.MANUAL)[:SHOWN])
    for publication in manual:
        _annotate(publication, task=_task_of(workspace, publication))
    unconfirmed = list(_rows(workspace, State.UNCONFIRMED)[:SHOWN])
    for publication in unconfirmed:
        _annotate(
            publication,
            can_look_up=_can_look_up(publication.channel.connector),
            problem=last_check_problem(publication),
        )
    for publication in manual + unconfirmed:
        _annotate(
            publication,
            form_error=(errors or {}).get(publication.pk, ""),
            form_value=(values or {}).get(publication.pk, ""),
        )
    return {
        "manual": manual,
        "failed": list(_rows(workspace, State.FAILED)[:SHOWN]),
        "unconfirmed": unconfirmed,
        "can_publish": access.can(Perm.CONTENT_PUBLISH),
    }


@workspace_view(Perm.CONTENT_VIEW)
def tasks_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "publishing/tasks.html", _context(access))


def _back(request: HttpRequest, access: Access, publication: Publication) -> HttpResponse:
    if request.POST.get("back") == "post":
        return redirect("content_post", access.workspace.slug, publication.post_id)
    return redirect("content_tasks", access.workspace.slug)


def _invalid(
    request: HttpRequest, access: Access, publication: Publication, error: ValidationError
) -> HttpResponse:
    """A wrong link: on the tasks page it is shown on the row's form; elsewhere as a message."""
    message = " ".join(error.messages)
    if request.POST.get("back") == "post":
        messages.error(request, message)
        return _back(request, access, publication)
    value = (request.POST.get("url") or request.POST.get("published_url") or "").strip()
    context = _context(access, {publication.pk: message}, {publication.pk: value})
    return render(request, "publishing/tasks.html", context, status=422)


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def task_complete(
    request: HttpRequest, access: Access, publication_id: int, section: str
) -> HttpResponse:
    publication = queries.publication(access.workspace, publication_id)
    try:
        complete_manual(
            access=access,
            publication=publication,
            url=request.POST.get("url", ""),
            request=request,
        )
    except ValidationError as error:
        return _invalid(request, access, publication, error)
    except ApiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded as published."))
    return _back(request, access, publication)


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def publication_retry(
    request: HttpRequest, access: Access, publication_id: int, section: str
) -> HttpResponse:
    publication = queries.publication(access.workspace, publication_id)
    try:
        retry_publication(access=access, publication=publication, request=request)
    except ApiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Queued again: it goes out within a minute."))
    return _back(request, access, publication)


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def publication_reconcile(
    request: HttpRequest, access: Access, publication_id: int, section: str
) -> HttpResponse:
    publication = queries.publication(access.workspace, publication_id)
    try:
        state = reconcile_now(access=access, publication=publication, request=request)
    except ApiError as error:
        messages.error(request, error.message)
        return _back(request, access, publication)
    if state == State.PUBLISHED:
        messages.success(request, _("Found on the platform: recorded as published."))
    elif state == State.UNCONFIRMED:
        problem = last_check_problem(publication)
        messages.warning(
            request,
            _("The platform gave no answer (%(problem)s). Settle it by hand below.")
            % {"problem": problem or _("busy, try again in a few minutes")},
        )
    elif state == State.FAILED:
        messages.error(request, _("Not on the platform, and it failed too often: failed."))
    else:
        messages.info(request, _("Not on the platform: queued to be sent again."))
    return _back(request, access, publication)


@require_POST
@workspace_view(Perm.CONTENT_PUBLISH)
def publication_resolve(
    request: HttpRequest, access: Access, publication_id: int, section: str
) -> HttpResponse:
    publication = queries.publication(access.workspace, publication_id)
    retry = request.POST.get("retry") == "1"
    try:
        resolve_unconfirmed(
            access=access,
            publication=publication,
            url=None if retry else request.POST.get("published_url", ""),
            retry=retry,
            request=request,
        )
    except ValidationError as error:
        return _invalid(request, access, publication, error)
    except ApiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Queued again: it goes out within a minute.")
            if retry
            else _("Recorded as published."),
        )
    return _back(request, access, publication)
