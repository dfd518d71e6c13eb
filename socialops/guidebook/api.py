"""API routes of the guidebook: its sections, the reply check, canned replies."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.content.rules import Severity
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors, given_fields

from . import actions, queries
from .canned import render_canned
from .lint import PLACEHOLDER, lint_reply
from .models import CannedReply
from .schemas import (
    CannedIn,
    CannedOut,
    CannedPatchIn,
    CannedRenderOut,
    GuidebookIn,
    GuidebookOut,
    RenderIn,
    ReplyLintIn,
    ReplyLintOut,
)

router = Router(tags=["guidebook"])
KIND_FILTER = Query(
    None, pattern="^(comment|mention|dm)$", description="Only those usable in this kind."
)


def _guidebook(request: HttpRequest, perm: Perm) -> dict[str, Any]:
    access = access_of(request, perm)
    return {
        "sections": list(queries.sections(access.workspace)),
        "rules": list(queries.reply_rules(access.workspace)),
    }


@router.get("/guidebook", response={200: GuidebookOut, **errors(403)})
def guidebook(request: HttpRequest) -> dict[str, Any]:
    """The guidebook's sections in order, and the rules replies are checked against."""
    return _guidebook(request, Perm.INBOX_VIEW)


@router.put("/guidebook", response={200: GuidebookOut, **errors(403)})
def replace_guidebook(request: HttpRequest, payload: GuidebookIn) -> dict[str, Any]:
    """Replace every section (one audited change); rules are edited at /editorial-rules."""
    access = access_of(request, Perm.INBOX_MANAGE)
    actions.replace_sections(
        access=access,
        sections=[item.model_dump(mode="json") for item in payload.sections],
        request=request,
    )
    return _guidebook(request, Perm.INBOX_VIEW)


@router.post("/guidebook/lint", response={200: ReplyLintOut, **errors(403, 404, 409)})
def lint(request: HttpRequest, payload: ReplyLintIn) -> dict[str, Any]:
    """Check a reply for one account and kind; messages in the caller's language."""
    access = access_of(request, Perm.INBOX_VIEW)
    channel = queries.channel(access.workspace, payload.channel_id)
    with translation.override(access.user.language or "zh-hans"):
        findings = lint_reply(
            access.workspace, platform=channel.platform, kind=payload.kind, text=payload.text
        )
        return {
            "ok": not any(f.severity == Severity.ERROR for f in findings),
            "findings": [asdict(f) for f in findings],
        }


@router.get("/canned-replies", response={200: list[CannedOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def canned_replies(request: HttpRequest, kind: str | None = KIND_FILTER) -> QuerySet[CannedReply]:
    """The workspace's canned replies; with kind, only those usable in that kind."""
    access = access_of(request, Perm.INBOX_VIEW)
    found = queries.canned_replies(access.workspace)
    if kind is not None:
        found = found.filter(pk__in=[r.pk for r in found if not r.kinds or kind in r.kinds])
    return found


@router.post("/canned-replies", response={201: CannedOut, **errors(403, 409)})
def create_canned(request: HttpRequest, payload: CannedIn) -> Status[CannedReply]:
    reply = actions.create_canned(
        access=access_of(request),
        title=payload.title,
        body=payload.body,
        shortcut=payload.shortcut,
        kinds=list(payload.kinds),
        purpose=payload.purpose,
        request=request,
    )
    return Status(201, reply)


def _canned(request: HttpRequest, reply_id: int, perm: Perm) -> CannedReply:
    access = access_of(request, perm)
    return queries.canned_reply(access.workspace, reply_id)


@router.get("/canned-replies/{reply_id}", response={200: CannedOut, **errors(403, 404)})
def canned_reply(request: HttpRequest, reply_id: int) -> CannedReply:
    return _canned(request, reply_id, Perm.INBOX_VIEW)


@router.patch("/canned-replies/{reply_id}", response={200: CannedOut, **errors(403, 404)})
def update_canned(request: HttpRequest, reply_id: int, payload: CannedPatchIn) -> CannedReply:
    found = _canned(request, reply_id, Perm.INBOX_MANAGE)
    changes = given_fields(payload)
    if "kinds" in changes:
        changes["kinds"] = list(changes["kinds"])
    return actions.update_canned(access=access_of(request), reply=found, request=request, **changes)


@router.delete("/canned-replies/{reply_id}", response={204: None, **errors(403, 404)})
def delete_canned(request: HttpRequest, reply_id: int) -> Status[None]:
    found = _canned(request, reply_id, Perm.INBOX_MANAGE)
    actions.delete_canned(access=access_of(request), reply=found, request=request)
    return Status(204, None)


@router.post(
    "/canned-replies/{reply_id}/render", response={200: CannedRenderOut, **errors(403, 404, 409)}
)
def render(request: HttpRequest, reply_id: int, payload: RenderIn) -> dict[str, Any]:
    """The reply filled in for a conversation by the caller; counts as one use."""
    found = _canned(request, reply_id, Perm.INBOX_REPLY)
    access = access_of(request)
    conversation = queries.conversation(access.workspace, payload.conversation_id)
    text = render_canned(found, conversation=conversation, agent=access.user)
    actions.record_canned_use(reply=found)
    return {"text": text, "unfilled": [m.group(0) for m in PLACEHOLDER.finditer(text)]}
