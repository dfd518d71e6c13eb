"""API routes of the inbox: conversations, replies, notes, labels, bulk, views, rules, presence."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from socialops.accounts.auth import access_of
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core.errors import error_body
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import QueryInt, errors, given_fields

from . import actions, queries
from .models import AssignmentRule, Conversation, Label, Message, Note, SavedView
from .schemas import (
    AssignmentRuleIn,
    AssignmentRuleOut,
    AssignmentRulePatchIn,
    BulkIn,
    BulkOut,
    ConversationDetailOut,
    ConversationNoteIn,
    ConversationOut,
    ConversationPageOut,
    ConversationPatchIn,
    InboxLintIn,
    InboxLintOut,
    LabelIn,
    LabelOut,
    LabelPatchIn,
    LabelRefIn,
    MessageOut,
    NoteOut,
    PresenceIn,
    PresenceOut,
    ReorderIn,
    ReplyIn,
    SavedViewIn,
    SavedViewOut,
    SavedViewPatchIn,
)

router = Router(tags=["inbox"])
BASE = "/inbox"


class ListQuery(Schema):
    status: str | None = Field(None, max_length=60, description='e.g. "open,pending" or "all".')
    kind: str | None = Field(None, max_length=10, description="comment, mention or dm")
    channel_id: str | None = Field(None, max_length=20)
    assignee: str | None = Field(None, max_length=20, description='"me", "none" or a user id.')
    priority: str | None = Field(None, max_length=2, description="0 (low) to 3 (urgent)")
    label_id: str | None = Field(None, max_length=20)
    sentiment: str | None = Field(None, max_length=10)
    intent: str | None = Field(None, max_length=12)
    q: str | None = Field(None, max_length=100, description="Substring of the text or author.")
    sort: str | None = Field(None, max_length=10, description="newest, priority or due")
    cursor: str | None = Field(None, min_length=1, max_length=500)
    page_size: QueryInt | None = Field(None, ge=1, le=200, description="Default 50.")


def _conversation(request: HttpRequest, conversation_id: int, perm: Perm) -> Conversation:
    access = access_of(request, perm)
    return queries.conversation(access.workspace, conversation_id)


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get(f"{BASE}/conversations", response={200: ConversationPageOut, **errors(403)})
def conversations(request: HttpRequest, params: Query[ListQuery]) -> dict[str, Any]:
    """The inbox list: open and pending by default, newest first; walk it with `next`."""
    access = access_of(request, Perm.INBOX_VIEW)
    given = params.model_dump(exclude_none=True)
    filters = queries.Filters.parse(given, access.workspace)
    found = queries.page_values(
        access, filters, cursor=params.cursor, size=params.page_size or queries.PAGE_SIZE
    )
    payload = {
        "results": found.rows,
        "next": _next_url(request, found.next_cursor),
        "previous": None,
    }
    # written out directly: ConversationPageOut documents it, a test holds the two equal
    body = json.dumps(payload, cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")  # type: ignore[return-value]


def _detail(access: Access, conversation: Conversation) -> Conversation:
    queries.annotate_rows(access, [conversation])
    extra: Any = conversation
    extra.messages_list = list(queries.messages_of(conversation))
    extra.notes_list = list(queries.notes_of(conversation))
    extra.history_list = queries.history(conversation)
    extra.contact_card = queries.contact_card(conversation)
    extra.present = queries.others_present(conversation, access.user)
    return conversation


class _DetailOut(ConversationDetailOut):
    @staticmethod
    def resolve_messages(obj: Any) -> list[Message]:
        return list(obj.messages_list)

    @staticmethod
    def resolve_notes(obj: Any) -> list[Note]:
        return list(obj.notes_list)

    @staticmethod
    def resolve_history(obj: Any) -> list[Conversation]:
        return list(obj.history_list)

    @staticmethod
    def resolve_contact(obj: Any) -> Any:
        return obj.contact_card

    @staticmethod
    def resolve_others_present(obj: Any) -> list[Any]:
        return list(obj.present)


@router.get(
    f"{BASE}/conversations/{{conversation_id}}", response={200: _DetailOut, **errors(403, 404)}
)
def conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    """Messages, notes, labels, the author's history, the contact card and who else is here.

    Reading writes nothing: a client that shows the conversation to someone announces it with
    POST …/presence every few seconds (that also clears its unread mark).
    """
    access = access_of(request, Perm.INBOX_VIEW)
    return _detail(access, queries.conversation(access.workspace, conversation_id))


@router.patch(
    f"{BASE}/conversations/{{conversation_id}}",
    response={200: ConversationOut, **errors(403, 404)},
)
def update_conversation(
    request: HttpRequest, conversation_id: int, payload: ConversationPatchIn
) -> Conversation:
    """Change status, priority and assignee (null unassigns) at once, all or nothing."""
    found = _conversation(request, conversation_id, Perm.INBOX_REPLY)
    changes: dict[str, Any] = given_fields(payload)
    if "assignee_id" in payload.model_fields_set:
        changes["assignee_id"] = payload.assignee_id
    updated = actions.update_conversation(
        access=access_of(request), conversation=found, request=request, **changes
    )
    return _row(request, updated.pk)


def _row(request: HttpRequest, conversation_id: int) -> Conversation:
    access = access_of(request)
    found = (
        queries.conversations(access, queries.Filters(statuses=())).filter(pk=conversation_id).get()
    )
    queries.annotate_rows(access, [found])
    return found


@router.post(
    f"{BASE}/conversations/{{conversation_id}}/labels",
    response={200: ConversationOut, **errors(403, 404, 409)},
)
def add_label(request: HttpRequest, conversation_id: int, payload: LabelRefIn) -> Conversation:
    access = access_of(request, Perm.INBOX_REPLY)
    found = queries.conversation(access.workspace, conversation_id)
    label = queries.label(access.workspace, payload.label_id)
    actions.add_label(access=access, conversation=found, label=label, request=request)
    return _row(request, found.pk)


@router.delete(
    f"{BASE}/conversations/{{conversation_id}}/labels/{{label_id}}",
    response={204: None, **errors(403, 404)},
)
def remove_label(request: HttpRequest, conversation_id: int, label_id: int) -> Status[None]:
    access = access_of(request, Perm.INBOX_REPLY)
    found = queries.conversation(access.workspace, conversation_id)
    label = queries.label(access.workspace, label_id)
    actions.remove_label(access=access, conversation=found, label=label, request=request)
    return Status(204, None)


@router.post(
    f"{BASE}/conversations/{{conversation_id}}/notes",
    response={201: NoteOut, **errors(403, 404, 409)},
)
def add_note(
    request: HttpRequest, conversation_id: int, payload: ConversationNoteIn
) -> Status[Note]:
    """An internal note: the team sees it, the customer never does."""
    found = _conversation(request, conversation_id, Perm.INBOX_REPLY)
    note = actions.add_note(
        access=access_of(request), conversation=found, text=payload.text, request=request
    )
    return Status(201, note)


def _blocked(exc: actions.ReplyBlocked) -> JsonResponse:
    body = error_body(
        "guidebook_warnings" if exc.warnings_only else "guidebook",
        "The guidebook flags this reply." if exc.warnings_only else "The guidebook blocks it.",
        {key: " ".join(msgs) for key, msgs in exc.message_dict.items()},
    )
    body["findings"] = [actions.finding_json(finding) for finding in exc.findings]
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


@router.post(
    f"{BASE}/conversations/{{conversation_id}}/replies",
    response={201: MessageOut, **errors(403, 404, 409)},
)
def reply(request: HttpRequest, conversation_id: int, payload: ReplyIn) -> Any:
    """Send a reply through the account. Guidebook errors block it (422 with `findings`);
    warnings block it unless `accept_warnings`. The message comes back `sending`, `sent` or
    `failed` (with error_code and error_message)."""
    found = _conversation(request, conversation_id, Perm.INBOX_REPLY)
    try:
        message = actions.reply(
            access=access_of(request),
            conversation=found,
            text=payload.text,
            accept_warnings=payload.accept_warnings,
            then_status=payload.then_status,
            request=request,
        )
    except actions.ReplyBlocked as exc:
        return _blocked(exc)
    return Status(201, message)


@router.post(
    f"{BASE}/messages/{{message_id}}/retry", response={200: MessageOut, **errors(403, 404, 409)}
)
def retry(request: HttpRequest, message_id: int) -> Message:
    """Send a failed reply again (an unconfirmed one is reconciled, never resent)."""
    access = access_of(request, Perm.INBOX_REPLY)
    found = queries.message(access.workspace, message_id)
    return actions.retry_reply(access=access, message=found, request=request)


@router.post(
    f"{BASE}/conversations/{{conversation_id}}/lint",
    response={200: InboxLintOut, **errors(403, 404, 409)},
)
def lint(request: HttpRequest, conversation_id: int, payload: InboxLintIn) -> dict[str, Any]:
    """The guidebook's findings on a draft reply, without sending anything."""
    found = _conversation(request, conversation_id, Perm.INBOX_VIEW)
    findings = actions.lint(found, payload.text)
    return {
        "findings": [actions.finding_json(finding) for finding in findings],
        "errors": sum(1 for finding in findings if finding.severity == "error"),
        "warnings": sum(1 for finding in findings if finding.severity != "error"),
    }


@router.post(
    f"{BASE}/conversations/{{conversation_id}}/presence",
    response={200: list[PresenceOut], **errors(403, 404, 409)},
)
def presence(request: HttpRequest, conversation_id: int, payload: PresenceIn) -> list[Any]:
    """I have it open (and am typing, or not): who else has, for the collision warning."""
    access = access_of(request, Perm.INBOX_VIEW)
    found = queries.conversation(access.workspace, conversation_id)
    actions.touch_presence(found, access.user, typing=payload.typing)
    return queries.others_present(found, access.user)


class SyncOut(Schema):
    accounts: int = Field(description="Accounts whose new messages a worker fetches now.")


@router.post(f"{BASE}/sync", response={202: SyncOut, **errors(403, 409)})
def sync(request: HttpRequest) -> Status[SyncOut]:
    """Fetch new comments, mentions and DMs of every account now, instead of within the minute."""
    from .ingest import request_workspace_sync

    access = access_of(request, Perm.INBOX_REPLY)
    return Status(202, SyncOut(accounts=request_workspace_sync(access.workspace)))


@router.post(f"{BASE}/bulk", response={200: BulkOut, **errors(403, 409)})
def bulk(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    """One change over listed conversations or all the filters match (at most 500): all or
    nothing, one audit entry per conversation."""
    access = access_of(request, Perm.INBOX_REPLY)
    if (payload.ids is None) == (payload.filters is None):
        from django.core.exceptions import ValidationError

        raise ValidationError({"ids": "Give either ids or filters."})
    if payload.ids is not None:
        ids = list(payload.ids)
    else:
        assert payload.filters is not None  # noqa: S101 - checked above
        given = payload.filters.model_dump(exclude_none=True)
        filters = queries.Filters.parse(given, access.workspace)
        ids = list(
            queries.conversations(access, filters).values_list("pk", flat=True)[
                : actions.BULK_LIMIT + 1
            ]
        )
        if not ids:
            return {"changed": 0}  # the filters match nothing: nothing to change
    changed = actions.bulk(
        access=access,
        conversation_ids=ids,
        action=payload.action,
        value=payload.value,
        request=request,
    )
    return {"changed": changed}


# ---- labels ----------------------------------------------------------------------------------


@router.get(f"{BASE}/labels", response={200: list[LabelOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def labels(request: HttpRequest) -> QuerySet[Label]:
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.workspace_labels(access.workspace)


@router.post(f"{BASE}/labels", response={201: LabelOut, **errors(403, 409)})
def create_label(request: HttpRequest, payload: LabelIn) -> Status[Label]:
    label = actions.create_label(
        access=access_of(request), name=payload.name, color=payload.color, request=request
    )
    return Status(201, label)


@router.patch(f"{BASE}/labels/{{label_id}}", response={200: LabelOut, **errors(403, 404)})
def update_label(request: HttpRequest, label_id: int, payload: LabelPatchIn) -> Label:
    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.label(access.workspace, label_id)
    return actions.update_label(
        access=access, label=found, request=request, **given_fields(payload)
    )


@router.delete(f"{BASE}/labels/{{label_id}}", response={204: None, **errors(403, 404)})
def delete_label(request: HttpRequest, label_id: int) -> Status[None]:
    access = access_of(request, Perm.INBOX_MANAGE)
    actions.delete_label(
        access=access, label=queries.label(access.workspace, label_id), request=request
    )
    return Status(204, None)


# ---- saved views -----------------------------------------------------------------------------


@router.get(f"{BASE}/views", response={200: list[SavedViewOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def views(request: HttpRequest) -> QuerySet[SavedView]:
    """Your own saved views and the team's shared ones."""
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.saved_views(access)


@router.post(f"{BASE}/views", response={201: SavedViewOut, **errors(403, 409)})
def create_view(request: HttpRequest, payload: SavedViewIn) -> Status[SavedView]:
    """Your own view, or with `shared` (inbox.manage) one for the whole team."""
    view = actions.create_view(
        access=access_of(request),
        name=payload.name,
        filters=payload.filters.model_dump(exclude_none=True),
        shared=payload.shared,
        request=request,
    )
    return Status(201, view)


@router.patch(f"{BASE}/views/{{view_id}}", response={200: SavedViewOut, **errors(403, 404)})
def update_view(request: HttpRequest, view_id: int, payload: SavedViewPatchIn) -> SavedView:
    access = access_of(request, Perm.INBOX_VIEW)
    found = queries.saved_view(access, view_id)
    return actions.update_view(
        access=access,
        view=found,
        name=payload.name,
        filters=payload.filters.model_dump(exclude_none=True) if payload.filters else None,
        request=request,
    )


@router.delete(f"{BASE}/views/{{view_id}}", response={204: None, **errors(403, 404)})
def delete_view(request: HttpRequest, view_id: int) -> Status[None]:
    access = access_of(request, Perm.INBOX_VIEW)
    actions.delete_view(access=access, view=queries.saved_view(access, view_id), request=request)
    return Status(204, None)


# ---- assignment rules ------------------------------------------------------------------------


@router.get(f"{BASE}/assignment-rules", response={200: list[AssignmentRuleOut], **errors(403)})
@paginate(CursorPagination, ordering=("position",))
def rules(request: HttpRequest) -> QuerySet[AssignmentRule]:
    """In the order they are tried: the first enabled rule that matches assigns."""
    access = access_of(request, Perm.INBOX_VIEW)
    return queries.assignment_rules(access.workspace)


@router.post(f"{BASE}/assignment-rules", response={201: AssignmentRuleOut, **errors(403, 409)})
def create_rule(request: HttpRequest, payload: AssignmentRuleIn) -> Status[AssignmentRule]:
    rule = actions.create_rule(access=access_of(request), request=request, **payload.model_dump())
    return Status(201, rule)


@router.post(
    f"{BASE}/assignment-rules/reorder", response={200: list[AssignmentRuleOut], **errors(403, 409)}
)
def reorder_rules(request: HttpRequest, payload: ReorderIn) -> list[AssignmentRule]:
    """Give every rule's id once, in the new order."""
    return actions.reorder_rules(access=access_of(request), rule_ids=payload.ids, request=request)


@router.patch(
    f"{BASE}/assignment-rules/{{assignment_rule_id}}",
    response={200: AssignmentRuleOut, **errors(403, 404)},
)
def update_rule(
    request: HttpRequest, assignment_rule_id: int, payload: AssignmentRulePatchIn
) -> AssignmentRule:
    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.assignment_rule(access.workspace, assignment_rule_id)
    return actions.update_rule(access=access, rule=found, request=request, **given_fields(payload))


@router.delete(
    f"{BASE}/assignment-rules/{{assignment_rule_id}}", response={204: None, **errors(403, 404)}
)
def delete_rule(request: HttpRequest, assignment_rule_id: int) -> Status[None]:
    access = access_of(request, Perm.INBOX_MANAGE)
    found = queries.assignment_rule(access.workspace, assignment_rule_id)
    actions.delete_rule(access=access, rule=found, request=request)
    return Status(204, None)
