"""API routes for publications: their history, retrying failures, completing manual tasks.

No `from __future__ import annotations` here: ninja's @paginate re-reads the handler's
annotations from its own module, so they must be real objects, not strings.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

from . import queries
from .interventions import (
    complete_manual,
    last_check_problem,
    reconcile_now,
    resolve_unconfirmed,
    retry_publication,
)
from .models import Publication
from .schemas import (
    CompleteIn,
    PublicationFilterIn,
    PublicationOut,
    ReconcileOut,
    ResolveIn,
)

router = Router(tags=["publishing"])


@router.get(
    "/posts/{post_id}/publications", response={200: list[PublicationOut], **errors(403, 404)}
)
def post_publications(request: HttpRequest, post_id: int) -> list[Publication]:
    """One publication per account the post goes to, each with its attempts."""
    access = access_of(request, Perm.CONTENT_VIEW)
    return list(queries.post_publications(access.workspace, post_id).order_by("id"))


@router.get("/publications", response={200: list[PublicationOut], **errors(403)})
@paginate(CursorPagination, ordering=("-due_at", "-id"))
def publications(
    request: HttpRequest, filters: Query[PublicationFilterIn]
) -> QuerySet[Publication]:
    """The workspace's publications, latest due first; e.g. state=manual for the tasks to do."""
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.workspace_publications(access.workspace, filters.state)


@router.post(
    "/publications/{publication_id}/retry",
    response={200: PublicationOut, **errors(403, 404, 409)},
)
def retry(request: HttpRequest, publication_id: int) -> Publication:
    """Put a failed publication back in the queue, due now (409 unless failed)."""
    access = access_of(request, Perm.CONTENT_PUBLISH)
    found = queries.publication(access.workspace, publication_id)
    retry_publication(access=access, publication=found, request=request)
    return queries.workspace_publications(access.workspace).get(pk=found.pk)


@router.post(
    "/publications/{publication_id}/complete",
    response={200: PublicationOut, **errors(403, 404, 409)},
)
def complete(request: HttpRequest, publication_id: int, payload: CompleteIn) -> Publication:
    """A manual task was published by hand: record its link (checked against the platform)."""
    access = access_of(request, Perm.CONTENT_PUBLISH)
    found = queries.publication(access.workspace, publication_id)
    complete_manual(access=access, publication=found, url=payload.url, request=request)
    return queries.workspace_publications(access.workspace).get(pk=found.pk)


@router.post(
    "/publications/{publication_id}/reconcile",
    response={200: ReconcileOut, **errors(403, 404, 409)},
)
def reconcile(request: HttpRequest, publication_id: int) -> dict[str, object]:
    """Ask the platform now whether an unconfirmed publication went out (409 unless unconfirmed
    or when the account is not connected). Found: published; not found: queued again; no answer
    (e.g. the platform cannot look up past posts): still unconfirmed, with the problem."""
    access = access_of(request, Perm.CONTENT_PUBLISH)
    found = queries.publication(access.workspace, publication_id)
    state = reconcile_now(access=access, publication=found, request=request)
    fresh = queries.workspace_publications(access.workspace).get(pk=found.pk)
    problem = last_check_problem(fresh) if state == Publication.State.UNCONFIRMED else ""
    return {"state": state, "problem": problem, "publication": fresh}


@router.post(
    "/publications/{publication_id}/resolve",
    response={200: PublicationOut, **errors(403, 404, 409)},
)
def resolve(request: HttpRequest, publication_id: int, payload: ResolveIn) -> Publication:
    """Settle an unconfirmed publication by hand: {"published_url": ...} records it as live (the
    link is checked against the platform, 422 if wrong); {"retry": true} sends it again now.
    409 unless unconfirmed."""
    access = access_of(request, Perm.CONTENT_PUBLISH)
    found = queries.publication(access.workspace, publication_id)
    resolve_unconfirmed(
        access=access,
        publication=found,
        url=payload.published_url,
        retry=bool(payload.retry),
        request=request,
    )
    return queries.workspace_publications(access.workspace).get(pk=found.pk)
