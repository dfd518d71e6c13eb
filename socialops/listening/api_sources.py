"""API routes of listening: sources (where public posts are read from)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors, given_fields

from . import actions, queries
from .api_queries import call
from .models import Source
from .schemas_queries import ListeningSourceIn, ListeningSourceOut, ListeningSourcePatchIn

router = Router(tags=["listening"])


def _changes(payload: ListeningSourcePatchIn) -> dict[str, Any]:
    changes = given_fields(payload)
    if "channel_id" in changes:
        changes["channel"] = changes.pop("channel_id")
    return changes


@router.get("/listening/sources", response={200: list[ListeningSourceOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def list_sources(request: HttpRequest) -> QuerySet[Source]:
    access = access_of(request, Perm.LISTENING_VIEW)
    return queries.workspace_sources(access.workspace)


@router.post("/listening/sources", response={201: ListeningSourceOut, **errors(403, 409)})
def create_source(request: HttpRequest, payload: ListeningSourceIn) -> Status[Source]:
    """The config is checked per kind; replay paths must be inside the allowed directories."""
    access = access_of(request, Perm.LISTENING_MANAGE)
    values = payload.model_dump()
    values["channel"] = values.pop("channel_id")
    created = call(actions.create_source, access=access, request=request, **values)
    return Status(201, created)


@router.get(
    "/listening/sources/{source_id}", response={200: ListeningSourceOut, **errors(403, 404)}
)
def get_source(request: HttpRequest, source_id: int) -> Source:
    access = access_of(request, Perm.LISTENING_VIEW)
    return queries.source(access.workspace, source_id)


@router.patch(
    "/listening/sources/{source_id}", response={200: ListeningSourceOut, **errors(403, 404, 409)}
)
def update_source(request: HttpRequest, source_id: int, payload: ListeningSourcePatchIn) -> Source:
    access = access_of(request, Perm.LISTENING_MANAGE)
    found = queries.source(access.workspace, source_id)
    return call(  # type: ignore[no-any-return]
        actions.update_source, access=access, source=found, request=request, **_changes(payload)
    )


@router.delete("/listening/sources/{source_id}", response={204: None, **errors(403, 404)})
def delete_source(request: HttpRequest, source_id: int) -> Status[None]:
    access = access_of(request, Perm.LISTENING_MANAGE)
    found = queries.source(access.workspace, source_id)
    actions.delete_source(access=access, source=found, request=request)
    return Status(204, None)


@router.post(
    "/listening/sources/{source_id}/reset",
    response={200: ListeningSourceOut, **errors(403, 404, 409)},
)
def reset_source(request: HttpRequest, source_id: int) -> Source:
    """Clear the cursor and the error (state idle): the reader starts over. 409 while read."""
    access = access_of(request, Perm.LISTENING_MANAGE)
    found = queries.source(access.workspace, source_id)
    return call(  # type: ignore[no-any-return]
        actions.reset_source, access=access, source=found, request=request
    )
