"""API routes of listening: saved queries, checking and testing a query, its counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.clock import now
from socialops.core.errors import ApiError, error_body
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import DateTimeParam, errors, given_fields

from . import actions, preview, queries
from .matcher import required
from .models import ListeningQuery
from .preview import caret_excerpt
from .query import QuerySyntaxError, parse
from .schemas_queries import (
    ListeningCountsOut,
    ListeningPreviewIn,
    ListeningPreviewOut,
    ListeningQueryIn,
    ListeningQueryOut,
    ListeningQueryPatchIn,
    ListeningQuerySyntaxOut,
    ListeningQueryTextIn,
    ListeningQueryValidOut,
)

router = Router(tags=["listening"])
FROM_QUERY = Query(None, alias="from", description="Default: 24 h before the end.")
TO_QUERY = Query(None, alias="to", description="Excluded; default: now.")


def syntax_error(error: QuerySyntaxError, fields: dict[str, str] | None = None) -> JsonResponse:
    """422 in the common error shape, on field ``text``, with the position and a caret excerpt."""
    body = error_body("invalid_query", error.message, {**(fields or {}), "text": str(error)})
    body["error"]["position"] = error.position
    body["error"]["caret"] = caret_excerpt(error)
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


def call(write: Any, **arguments: Any) -> Any:
    """Run an action; its field errors as the API's: 409 for a duplicate name (or a busy
    source), 422 with the position for a query that does not parse, 422 for the rest."""
    try:
        return write(**arguments)
    except actions.QueryTextError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items() if k != "text"}
        return syntax_error(exc.syntax, fields)
    except (actions.DuplicateName, actions.SourceBusy) as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        raise ApiError(409, "conflict", " ".join(fields.values()), fields) from exc
    except ValidationError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        raise ApiError(422, "invalid", _("Some fields are invalid."), fields) from exc


@router.get("/listening/queries", response={200: list[ListeningQueryOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def list_queries(request: HttpRequest) -> QuerySet[ListeningQuery]:
    access = access_of(request, Perm.LISTENING_VIEW)
    return queries.workspace_queries(access.workspace)


@router.post(
    "/listening/queries",
    response={**errors(403, 409), 201: ListeningQueryOut, 422: ListeningQuerySyntaxOut},
)
def create_query(request: HttpRequest, payload: ListeningQueryIn) -> Any:
    """A 422 on ``text`` carries the error's ``position`` and a ``caret`` excerpt."""
    access = access_of(request, Perm.LISTENING_MANAGE)
    created = call(actions.create_query, access=access, request=request, **payload.model_dump())
    return created if isinstance(created, JsonResponse) else Status(201, created)


@router.post(
    "/listening/queries/validate",
    response={**errors(403, 409), 200: ListeningQueryValidOut, 422: ListeningQuerySyntaxOut},
)
def validate_query(request: HttpRequest, payload: ListeningQueryTextIn) -> Any:
    """Check a query without saving it: its canonical form, or where and why it is wrong."""
    access_of(request, Perm.LISTENING_VIEW)
    try:
        parsed = parse(payload.text)
    except QuerySyntaxError as error:
        return syntax_error(error)
    needed = required(parsed.root)
    return {
        "ok": True,
        "canonical": str(parsed),
        "required": None if needed is None else sorted(lit.text for lit in needed),
    }


@router.post(
    "/listening/queries/preview",
    response={**errors(403, 409), 200: ListeningPreviewOut, 422: ListeningQuerySyntaxOut},
)
def preview_query(request: HttpRequest, payload: ListeningPreviewIn) -> Any:
    """Run a query over the workspace's newest stored posts (at most 5,000), newest first."""
    access = access_of(request, Perm.LISTENING_VIEW)
    try:
        found = preview.preview(
            access.workspace, payload.text, limit=payload.limit, days=payload.days
        )
    except QuerySyntaxError as error:
        return syntax_error(error)
    return {
        "hits": found.hits,
        "scanned": found.scanned,
        "matched": found.matched,
        "per_day": found.per_day,
        "milliseconds": round(found.seconds * 1000),
    }


@router.get("/listening/queries/{query_id}", response={200: ListeningQueryOut, **errors(403, 404)})
def get_query(request: HttpRequest, query_id: int) -> ListeningQuery:
    access = access_of(request, Perm.LISTENING_VIEW)
    return queries.listening_query(access.workspace, query_id)


@router.patch(
    "/listening/queries/{query_id}",
    response={**errors(403, 404, 409), 200: ListeningQueryOut, 422: ListeningQuerySyntaxOut},
)
def update_query(request: HttpRequest, query_id: int, payload: ListeningQueryPatchIn) -> Any:
    """Each change bumps ``version``; the pipeline picks the new text up within seconds."""
    access = access_of(request, Perm.LISTENING_MANAGE)
    found = queries.listening_query(access.workspace, query_id)
    return call(
        actions.update_query,
        access=access,
        query=found,
        request=request,
        **given_fields(payload),
    )


@router.delete("/listening/queries/{query_id}", response={204: None, **errors(403, 404)})
def delete_query(request: HttpRequest, query_id: int) -> Status[None]:
    access = access_of(request, Perm.LISTENING_MANAGE)
    found = queries.listening_query(access.workspace, query_id)
    actions.delete_query(access=access, query=found, request=request)
    return Status(204, None)


@router.get(
    "/listening/queries/{query_id}/counts", response={200: ListeningCountsOut, **errors(403, 404)}
)
def query_counts(
    request: HttpRequest,
    query_id: int,
    start: DateTimeParam | None = FROM_QUERY,
    end: DateTimeParam | None = TO_QUERY,
    bucket: Literal["minute", "hour", "day"] = "hour",
) -> dict[str, Any]:
    """Mentions per bucket (by the posts' time) with the sentiment split; days are local."""
    access = access_of(request, Perm.LISTENING_VIEW)
    found = queries.listening_query(access.workspace, query_id)
    end = end or now()
    start = start or end - timedelta(days=1)
    check_period(start, end, bucket)
    counts = queries.query_counts(
        found, start=start, end=end, bucket=bucket, time_zone=access.workspace.time_zone
    )
    return {"query_id": found.pk, "bucket": bucket, "start": start, "end": end, "counts": counts}


def check_period(start: datetime, end: datetime, bucket: str) -> None:
    if start >= end:
        message = _("The period ends before it starts.")
        raise ApiError(422, "invalid", message, {"from": message})
    if queries.bucket_count(start, end, bucket) > queries.MAX_BUCKETS[bucket]:
        message = _("At most %(n)d buckets of a %(bucket)s: shorten the period.") % {
            "n": queries.MAX_BUCKETS[bucket],
            "bucket": bucket,
        }
        raise ApiError(422, "invalid", message, {"from": message})
