"""API routes of the interaction database (contacts) and the proactive-engagement queue.

No `from __future__ import annotations` here: ninja's @paginate re-reads the handler's
annotations at run time, and `Query[...]` must then resolve.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.errors import ApiError
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import QueryInt, errors, given_fields

from . import actions, engagement, queries
from .models import Contact, EngagementTask
from .schemas import (
    ActIn,
    ByHandIn,
    CheckOut,
    ContactFilters,
    ContactImportOut,
    ContactIn,
    ContactOut,
    ContactPatchIn,
    DiscoverOut,
    EngagementFilters,
    EngagementOut,
    IdentityIn,
    IdentityOut,
    TimelineOut,
    TopFanOut,
)

router = Router(tags=["contacts"])
DAYS = Query(30, ge=1, le=90, description="The period: the last N days.")
KIND = Query("", max_length=12, description="Only contacts of this kind.")
LIMIT = Query(50, ge=1, le=200)
CURSOR = Query(None, min_length=1, max_length=200, description="`next` of the page before.")
PAGE_SIZE = Query(30, ge=1, le=100)

CSV_RESPONSE = {
    "responses": {
        "200": {
            "description": "UTF-8 CSV with a BOM, one row per identity; POST /contacts/import "
            "takes it back.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"csv": {"type": "string", "minLength": 1}},
                    "required": ["csv"],
                    "additionalProperties": False,
                }
            }
        },
    }
}


def _contact(request: HttpRequest, contact_id: int, perm: Perm) -> Contact:
    access = access_of(request, perm)
    return queries.contact(access.workspace, contact_id)


@router.get("/contacts", response={200: list[ContactOut], **errors(403)})
@paginate(CursorPagination, ordering=("name_key", "id"))
def contacts(request: HttpRequest, filters: Query[ContactFilters]) -> QuerySet[Contact]:
    """Contacts sorted by name in pinyin order; q matches part of a name, handle or organisation
    (Chinese too)."""
    access = access_of(request, Perm.CONTACTS_VIEW)
    return queries.workspace_contacts(
        access.workspace,
        q=filters.q,
        kind=filters.kind,
        tag=filters.tag,
        importance=filters.importance,
        platform=filters.platform,
        tier=filters.tier,
    )


@router.post("/contacts", response={201: ContactOut, **errors(403, 409)})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """A contact with its platform accounts; an account another contact has is a 422 naming it,
    and the inbox's conversations by these accounts are linked to the contact."""
    contact = actions.create_contact(
        access=access_of(request),
        name=payload.name,
        kind=payload.kind,
        importance=payload.importance,
        organisation=payload.organisation,
        tags=payload.tags,
        notes=payload.notes,
        identities=[identity.model_dump() for identity in payload.identities],
        request=request,
    )
    return Status(201, contact)


@router.get("/contacts/export", response={200: None, **errors(403)}, openapi_extra=CSV_RESPONSE)
def export_contacts(request: HttpRequest) -> StreamingHttpResponse:
    """Every contact as CSV (streamed), in the layout the import takes."""
    from .imports import export_rows

    access = access_of(request, Perm.CONTACTS_VIEW)
    response = StreamingHttpResponse(
        export_rows(access.workspace), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
    return response


@router.post(
    "/contacts/import",
    response={200: ContactImportOut, 201: ContactImportOut, **errors(403, 409, 415)},
    openapi_extra=IMPORT_BODY,
)
def import_contacts(request: HttpRequest, dry_run: bool = False) -> Status[dict[str, Any]]:
    """Contacts from CSV, all or nothing: a `text/csv` body (UTF-8, with or without BOM, or GBK)
    or JSON `{"csv": "..."}`. Columns: contact_id, name, kind, importance, organisation, tags
    (split by `;` or `、`), notes, and identities either as platform, handle, remote_id, url
    (one per row) or as columns named by a platform (`weibo`, `微博`, `sandbox`…) holding
    handles. A row whose account is already a contact's merges into that contact. A bad row is
    a 422 with fields like `row 3.handle` (the header is row 1) and nothing is written;
    `dry_run=true` answers 200 with what would happen."""
    from .imports import csv_from_request

    access = access_of(request, Perm.CONTACTS_EDIT)
    plans = actions.import_contacts(
        access=access, data=csv_from_request(request), dry_run=dry_run, request=request
    )
    return Status(
        200 if dry_run else 201,
        {"dry_run": dry_run, "count": len(plans), "contacts": [p.as_dict() for p in plans]},
    )


@router.get("/contacts/top-fans", response={200: list[TopFanOut], **errors(403)})
def top_fans(
    request: HttpRequest,
    days: QueryInt = DAYS,
    kind: str = KIND,
    limit: QueryInt = LIMIT,
) -> list[dict[str, Any]]:
    """Contacts ranked by the messages they sent us in the period, with their tier."""
    access = access_of(request, Perm.CONTACTS_VIEW)
    ranked = queries.top_fans(access.workspace, days=days, kind=kind, limit=limit)
    return [
        {"rank": index, "interactions": fan.period_count, "contact": fan}  # type: ignore[attr-defined]
        for index, fan in enumerate(ranked, start=1)
    ]


@router.get("/contacts/{contact_id}", response={200: ContactOut, **errors(403, 404)})
def contact(request: HttpRequest, contact_id: int) -> Contact:
    return _contact(request, contact_id, Perm.CONTACTS_VIEW)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **errors(403, 404)})
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatchIn) -> Contact:
    found = _contact(request, contact_id, Perm.CONTACTS_EDIT)
    return actions.update_contact(
        access=access_of(request), contact=found, request=request, **given_fields(payload)
    )


@router.delete("/contacts/{contact_id}", response={204: None, **errors(403, 404)})
def delete_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    """Delete the contact; their inbox conversations stay, unlinked."""
    found = _contact(request, contact_id, Perm.CONTACTS_EDIT)
    actions.delete_contact(access=access_of(request), contact=found, request=request)
    return Status(204, None)


@router.get("/contacts/{contact_id}/timeline", response={200: TimelineOut, **errors(403, 404)})
def timeline(
    request: HttpRequest,
    contact_id: int,
    cursor: str | None = CURSOR,
    page_size: QueryInt = PAGE_SIZE,
) -> dict[str, Any]:
    """Newest first: every inbox message by or to them (comments, mentions, DMs, our replies),
    their engagement tasks and the changes made to the contact."""
    found = _contact(request, contact_id, Perm.CONTACTS_VIEW)
    events, next_cursor = queries.timeline(found, cursor=cursor, size=page_size)
    return {"results": [queries.describe(e) for e in events], "next": next_cursor}


@router.post(
    "/contacts/{contact_id}/identities", response={201: IdentityOut, **errors(403, 404, 409)}
)
def add_identity(request: HttpRequest, contact_id: int, payload: IdentityIn) -> Status[Any]:
    """One more platform account; the inbox's conversations by it are linked to the contact."""
    found = _contact(request, contact_id, Perm.CONTACTS_EDIT)
    identity = actions.add_identity(
        access=access_of(request), contact=found, request=request, **payload.model_dump()
    )
    return Status(201, identity)


@router.delete(
    "/contacts/{contact_id}/identities/{identity_id}", response={204: None, **errors(403, 404)}
)
def remove_identity(request: HttpRequest, contact_id: int, identity_id: int) -> Status[None]:
    found = _contact(request, contact_id, Perm.CONTACTS_EDIT)
    identity = queries.identity(found, identity_id)
    actions.remove_identity(access=access_of(request), identity=identity, request=request)
    return Status(204, None)


# ---- engagement -----------------------------------------------------------------------------


def _task(request: HttpRequest, task_id: int, perm: Perm) -> EngagementTask:
    access = access_of(request, perm)
    return queries.engagement_task(access.workspace, task_id)


@router.get("/engagement/tasks", response={200: list[EngagementOut], **errors(403)})
@paginate(CursorPagination, ordering=("-id",))
def engagement_tasks(
    request: HttpRequest, filters: Query[EngagementFilters]
) -> QuerySet[EngagementTask]:
    """Public posts worth engaging with, newest found first; `state=all` for every state."""
    access = access_of(request, Perm.CONTACTS_VIEW)
    state = "" if filters.state == "all" else filters.state
    if state and state not in EngagementTask.State.values:
        raise ApiError(422, "invalid", "Some fields are invalid.", {"state": "unknown state"})
    return queries.engagement_tasks(
        access.workspace,
        state=state,
        source=filters.source,
        action=filters.action,
        contact_id=filters.contact_id,
    )


@router.post("/engagement/discover", response={200: DiscoverOut, **errors(403, 409)})
def discover(request: HttpRequest) -> dict[str, int]:
    """Scan the accounts' public feeds now (the worker also does it every 10 minutes)."""
    access = access_of(request, Perm.INBOX_REPLY)
    return {"created": engagement.discover(access.workspace)}


@router.get("/engagement/tasks/{task_id}", response={200: EngagementOut, **errors(403, 404)})
def engagement_task(request: HttpRequest, task_id: int) -> EngagementTask:
    return _task(request, task_id, Perm.CONTACTS_VIEW)


@router.post("/engagement/tasks/{task_id}/check", response={200: CheckOut, **errors(403, 404, 409)})
def check(request: HttpRequest, task_id: int, payload: ActIn) -> dict[str, Any]:
    """The guidebook's findings on a draft; nothing is sent or saved."""
    found = _task(request, task_id, Perm.INBOX_REPLY)
    action = payload.action or found.action
    if action not in EngagementTask.Action.values:
        raise ApiError(422, "invalid", "Some fields are invalid.", {"action": "unknown action"})
    text, findings = engagement.prepare(found, action, payload.text)
    return {
        "text": text,
        "findings": findings,
        "blocked": any(f.severity == "error" for f in findings),
    }


@router.post(
    "/engagement/tasks/{task_id}/act", response={200: EngagementOut, **errors(403, 404, 409)}
)
def act(request: HttpRequest, task_id: int, payload: ActIn) -> EngagementTask:
    """Do it through the account (reply, repost, mention, follow). A guidebook error is a 422;
    a platform failure leaves the task open with `error` set (retrying sends nothing twice)."""
    found = _task(request, task_id, Perm.INBOX_REPLY)
    return engagement.act(
        access=access_of(request),
        task=found,
        action=payload.action or found.action,
        text=payload.text,
        request=request,
    )


@router.post(
    "/engagement/tasks/{task_id}/done", response={200: EngagementOut, **errors(403, 404, 409)}
)
def done_by_hand(request: HttpRequest, task_id: int, payload: ByHandIn) -> EngagementTask:
    """Mark it done by hand on the platform, with the link to what was posted."""
    found = _task(request, task_id, Perm.INBOX_REPLY)
    return engagement.complete_by_hand(
        access=access_of(request),
        task=found,
        action=payload.action,
        text=payload.text,
        result_url=payload.result_url,
        request=request,
    )


@router.post(
    "/engagement/tasks/{task_id}/skip", response={200: EngagementOut, **errors(403, 404, 409)}
)
def skip(request: HttpRequest, task_id: int) -> EngagementTask:
    found = _task(request, task_id, Perm.INBOX_REPLY)
    return engagement.skip(access=access_of(request), task=found, request=request)


@router.post(
    "/engagement/tasks/{task_id}/reopen", response={200: EngagementOut, **errors(403, 404, 409)}
)
def reopen(request: HttpRequest, task_id: int) -> EngagementTask:
    """A skipped task back in the queue."""
    found = _task(request, task_id, Perm.INBOX_REPLY)
    return engagement.reopen(access=access_of(request), task=found, request=request)
