"""API routes of listening: the mention stream, turning a mention into work, the dashboard."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.clock import now
from socialops.core.errors import ApiError
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

from . import charts, convert, mentions
from .models import Mention
from .schemas_mentions import (
    ListeningDashboardOut,
    MentionContactIn,
    MentionContactOut,
    MentionConversationOut,
    MentionOut,
    MentionTaskOut,
)

router = Router(tags=["listening"])


def _fields(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {key: " ".join(str(m) for m in msgs) for key, msgs in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _invalid(exc: ValidationError) -> ApiError:
    return ApiError(422, "invalid", "Some fields are invalid.", _fields(exc))


@router.get("/listening/mentions", response={200: list[MentionOut], **errors(403)})
@paginate(CursorPagination, ordering=("-posted_at", "-id"))
def mention_list(
    request: HttpRequest,
    query: str | None = Query(None, description="Only mentions of this query (its id)."),
    sentiment: str | None = Query(None, description="positive, neutral or negative."),
    intent: str | None = Query(None, description="complaint, question, praise, …"),
    platform: str | None = Query(None, description="Platform code, e.g. weibo."),
    author_type: str | None = Query(
        None, description='Contact kind of the author; "none": not a contact.'
    ),
    start: str | None = Query(None, alias="from", description="First day (local), YYYY-MM-DD."),
    end: str | None = Query(None, alias="to", description="Last day (local), included."),
    q: str | None = Query(None, description="Text contains (case-insensitive)."),
) -> QuerySet[Mention]:
    """Mentions, newest first, with the spans each query matched (for highlighting)."""
    access = access_of(request, Perm.LISTENING_VIEW)
    params = {
        "query": query,
        "sentiment": sentiment,
        "intent": intent,
        "platform": platform,
        "author_type": author_type,
        "from": start,
        "to": end,
        "q": q,
    }
    try:
        wanted = mentions.parse_filter(params, access.workspace)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return mentions.with_matches(mentions.filtered(access.workspace, wanted))


@router.get("/listening/mentions/{mention_id}", response={200: MentionOut, **errors(403, 404)})
def mention_detail(request: HttpRequest, mention_id: int) -> Any:
    access = access_of(request, Perm.LISTENING_VIEW)
    return mentions.mention(access.workspace, mention_id)


def _conflict(exc: ValidationError) -> ApiError:
    fields = _fields(exc)
    return ApiError(409, "conflict", " ".join(fields.values()), fields)


@router.post(
    "/listening/mentions/{mention_id}/conversation",
    response={200: MentionConversationOut, **errors(403, 404, 409)},
)
def mention_to_conversation(request: HttpRequest, mention_id: int) -> dict[str, Any]:
    """Put the mention in the inbox (as the inbox would have); repeats answer the same one.

    409 when the workspace has no connected account on the mention's platform."""
    access = access_of(request, Perm.INBOX_REPLY)
    found = mentions.mention(access.workspace, mention_id)
    try:
        conversation = convert.to_conversation(access=access, mention=found, request=request)
    except ValidationError as exc:
        raise _conflict(exc) from exc
    return {
        "mention_id": found.pk,
        "conversation_id": conversation.pk,
        "channel_id": conversation.channel_id,
    }


@router.post(
    "/listening/mentions/{mention_id}/engagement-task",
    response={200: MentionTaskOut, **errors(403, 404, 409)},
)
def mention_to_task(request: HttpRequest, mention_id: int) -> dict[str, Any]:
    """An engagement task (reply) for the mention; the post's existing task if it has one."""
    access = access_of(request, Perm.INBOX_REPLY)
    found = mentions.mention(access.workspace, mention_id)
    task = convert.to_engagement_task(access=access, mention=found, request=request)
    return {"mention_id": found.pk, "engagement_task_id": task.pk, "state": task.state}


@router.post(
    "/listening/mentions/{mention_id}/contact",
    response={200: MentionContactOut, **errors(403, 404, 409)},
)
def mention_to_contact(
    request: HttpRequest, mention_id: int, payload: MentionContactIn
) -> dict[str, Any]:
    """The author as a contact of this kind, or linked to the contact they already are."""
    access = access_of(request, Perm.CONTACTS_EDIT)
    found = mentions.mention(access.workspace, mention_id)
    try:
        contact, created = convert.to_contact(
            access=access, mention=found, kind=payload.kind, name=payload.name, request=request
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return {
        "mention_id": found.pk,
        "contact_id": contact.pk,
        "created": created,
        "kind": contact.kind,
        "name": contact.name,
    }


def dashboard_period(access: Any, start: str, end: str) -> charts.Period:
    try:
        return charts.parse_period(start, end, zone=ZoneInfo(access.workspace.time_zone), at=now())
    except charts.PeriodError as exc:
        messages = {
            "unreadable": _("Give a date (YYYY-MM-DD) or a date and time (ISO 8601)."),
            "inverted": _("The period ends before it starts."),
            "too_long": _("At most %(n)d days.") % {"n": charts.MAX_PERIOD.days},
        }
        message = messages[exc.reason]
        raise ApiError(422, "invalid", message, {exc.field: message}) from exc


@router.get("/listening/dashboard", response={200: ListeningDashboardOut, **errors(403)})
def dashboard(
    request: HttpRequest,
    start: str | None = Query(None, alias="from", description="Date or ISO datetime."),
    end: str | None = Query(None, alias="to", description="Date (included) or ISO datetime."),
) -> dict[str, Any]:
    """Volume per query, sentiment, share of voice, trending terms and top authors."""
    access = access_of(request, Perm.LISTENING_VIEW)
    found = dashboard_period(access, start or "", end or "")
    return charts.dashboard(access.workspace, found)
