"""API routes for the audit log.

No `from __future__ import annotations` here: ninja's @paginate re-reads the handler's
annotations from its own module, so they must be real objects, not strings.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.models import AuditEvent
from socialops.core.pagination import CursorPagination
from socialops.core.queries import AuditFilter, audit_events
from socialops.core.schemas import DateTimeParam, InputSchema, errors

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None
    actor: str = Field(alias="actor_label")
    via: str
    action: str
    target_type: str
    target_id: str
    target: str = Field(alias="target_label")
    before: dict[str, object] | None
    after: dict[str, object] | None
    ip_address: str | None


class AuditFilterIn(InputSchema):
    # min_length: an empty parameter is an error rather than "no filter"; leave it out instead.
    action: str = Field(
        "", min_length=1, max_length=64, description="action or its prefix, e.g. `member.`"
    )
    actor: str = Field("", min_length=1, max_length=254, description="part of the actor's email")
    target_type: str = Field("", min_length=1, max_length=64)
    since: DateTimeParam | None = None
    until: DateTimeParam | None = None


@router.get("/audit-events", response={200: list[AuditEventOut], **errors(403)})
@paginate(CursorPagination, ordering=("-id",))
def list_audit_events(request: HttpRequest, filters: Query[AuditFilterIn]) -> QuerySet[AuditEvent]:
    access = access_of(request, Perm.AUDIT_VIEW)
    return audit_events(access.workspace.pk, AuditFilter(**filters.model_dump()))
