"""API routes for publishing rules and the lint endpoint."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors, given_fields

from . import actions, queries
from .models import ContentPillar, EditorialRule
from .rules import Severity
from .schemas import (
    LintIn,
    LintOut,
    PillarIn,
    PillarOut,
    PillarPatchIn,
    RuleIn,
    RuleOut,
    RulePatchIn,
)

router = Router(tags=["content"])


@router.post("/lint", response={200: LintOut, **errors(403, 409)})
def lint(request: HttpRequest, payload: LintIn) -> dict[str, Any]:
    """Check a text against the workspace's enabled rules; messages in the caller's language."""
    access = access_of(request, Perm.CONTENT_VIEW)
    with translation.override(access.user.language or "zh-hans"):  # messages in theirs
        findings = queries.lint_for(
            access.workspace,
            payload.text,
            platform=payload.platform,
            paid=payload.paid,
            topics=payload.topics,
        )
    return {
        "ok": not any(f.severity == Severity.ERROR for f in findings),
        "findings": [asdict(f) for f in findings],
    }


@router.get("/editorial-rules", response={200: list[RuleOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def rules(request: HttpRequest) -> QuerySet[EditorialRule]:
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.workspace_rules(access.workspace)


@router.post("/editorial-rules", response={201: RuleOut, **errors(403, 409)})
def create(request: HttpRequest, payload: RuleIn) -> Status[EditorialRule]:
    rule = actions.create_rule(
        access=access_of(request),
        kind=payload.kind,
        name=payload.name,
        params=payload.params,
        severity=payload.severity,
        enabled=payload.enabled,
        applies_to=payload.applies_to,
        scope=payload.scope,
        reply_kinds=list(payload.reply_kinds),
        request=request,
    )
    return Status(201, rule)


def _rule(request: HttpRequest, rule_id: int, perm: Perm) -> EditorialRule:
    access = access_of(request, perm)
    return queries.rule(access.workspace, rule_id, request)


@router.get("/editorial-rules/{rule_id}", response={200: RuleOut, **errors(403, 404)})
def rule(request: HttpRequest, rule_id: int) -> EditorialRule:
    return _rule(request, rule_id, Perm.CONTENT_VIEW)


@router.patch("/editorial-rules/{rule_id}", response={200: RuleOut, **errors(403, 404)})
def update(request: HttpRequest, rule_id: int, payload: RulePatchIn) -> EditorialRule:
    found = _rule(request, rule_id, Perm.CONTENT_APPROVE)
    changes = given_fields(payload)
    return actions.update_rule(access=access_of(request), rule=found, request=request, **changes)


@router.delete("/editorial-rules/{rule_id}", response={204: None, **errors(403, 404)})
def delete(request: HttpRequest, rule_id: int) -> Status[None]:
    found = _rule(request, rule_id, Perm.CONTENT_APPROVE)
    actions.delete_rule(access=access_of(request), rule=found, request=request)
    return Status(204, None)


# Content pillars (内容构成) ---------------------------------------------------------------------


@router.get("/pillars", response={200: list[PillarOut], **errors(403)})
@paginate(CursorPagination, ordering=("position", "id"))
def pillars(request: HttpRequest, include_archived: bool = False) -> QuerySet[ContentPillar]:
    """The workspace's pillars in their order; archived ones only when asked."""
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.workspace_pillars(access.workspace, None if include_archived else False)


@router.post("/pillars", response={201: PillarOut, **errors(403, 409)})
def create_pillar(request: HttpRequest, payload: PillarIn) -> Status[ContentPillar]:
    """A 422 on target_share when active targets would add up to more than 100 percent."""
    pillar = actions.create_pillar(
        access=access_of(request),
        name=payload.name,
        description=payload.description,
        colour=payload.colour,
        target_share=payload.target_share,
        request=request,
    )
    return Status(201, pillar)


def _pillar(request: HttpRequest, pillar_id: int, perm: Perm) -> ContentPillar:
    access = access_of(request, perm)
    return queries.pillar(access.workspace, pillar_id)


@router.get("/pillars/{pillar_id}", response={200: PillarOut, **errors(403, 404)})
def pillar(request: HttpRequest, pillar_id: int) -> ContentPillar:
    return _pillar(request, pillar_id, Perm.CONTENT_VIEW)


@router.patch("/pillars/{pillar_id}", response={200: PillarOut, **errors(403, 404)})
def update_pillar(request: HttpRequest, pillar_id: int, payload: PillarPatchIn) -> ContentPillar:
    """A 422 on target_share when active targets would add up to more than 100 percent."""
    found = _pillar(request, pillar_id, Perm.CONTENT_APPROVE)
    changes = given_fields(payload)
    return actions.update_pillar(
        access=access_of(request), pillar=found, request=request, **changes
    )


@router.delete("/pillars/{pillar_id}", response={204: None, **errors(403, 404)})
def archive_pillar(request: HttpRequest, pillar_id: int) -> Status[None]:
    """Archives the pillar (tags on posts stay); PATCH archived=false restores it."""
    found = _pillar(request, pillar_id, Perm.CONTENT_APPROVE)
    actions.archive_pillar(access=access_of(request), pillar=found, request=request)
    return Status(204, None)
