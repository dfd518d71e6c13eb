"""Every write to the inbox: one transaction each, one audit row per conversation changed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from socialops.accounts.models import User
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.sla import hooks as sla_hooks

from . import queries
from .models import AssignmentRule, Conversation, Kind, Label, Message, Note, Presence, SavedView

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.content.rules.engine import Finding

CONVERSATION_FIELDS = ["status", "priority", "assignee"]
REPLY_LENGTH = 5000
NOTE_LENGTH = 5000
BULK_LIMIT = 500
LABEL_NAME_LENGTH = 40
VIEW_NAME_LENGTH = 60
RULE_NAME_LENGTH = 100


class ReplyBlocked(ValidationError):
    """The guidebook refused the reply (errors), or warned and the agent did not accept."""

    def __init__(self, findings: list[Finding], *, warnings_only: bool) -> None:
        self.findings = findings
        self.warnings_only = warnings_only
        if warnings_only:
            fields = {
                "accept_warnings": _(
                    "The guidebook warns about this reply: read the findings and send again "
                    "accepting them."
                )
            }
        else:
            fields = {"text": _("The guidebook blocks this reply: fix the errors listed.")}
        super().__init__(fields)


def _locked(access: Access, conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update()
        .select_related("channel")
        .get(pk=conversation.pk, workspace=access.workspace)
    )


def _record(
    access: Access,
    request: HttpRequest | None,
    action: str,
    target: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=target,
        before=before,
        after=after,
    )


# ---- triage: assignee, status, priority, labels, notes ---------------------------------------


@transaction.atomic
def assign(
    *,
    access: Access,
    conversation: Conversation,
    assignee_id: int | None,
    request: HttpRequest | None = None,
) -> Conversation:
    """Assign to a member who may reply in the inbox, or unassign (None)."""
    access.require(Perm.INBOX_REPLY, request)
    if assignee_id is not None and not queries.may_reply(access.workspace, assignee_id):
        raise ValidationError(
            {"assignee_id": _("Assign to a member of this workspace who may reply in the inbox.")}
        )
    locked = _locked(access, conversation)
    if locked.assignee_id == assignee_id:
        return locked
    before = {"assignee": locked.assignee_id}
    locked.assignee_id = assignee_id
    locked.updated_at = now()
    locked.save(update_fields=["assignee", "updated_at"])
    _record(access, request, "inbox.assigned", locked, before, {"assignee": assignee_id})
    return locked


@transaction.atomic
def set_status(
    *,
    access: Access,
    conversation: Conversation,
    status: str,
    request: HttpRequest | None = None,
) -> Conversation:
    access.require(Perm.INBOX_REPLY, request)
    if status not in Conversation.Status.values:
        raise ValidationError(
            {"status": _("Use one of: %(v)s.") % {"v": ", ".join(Conversation.Status.values)}}
        )
    locked = _locked(access, conversation)
    old = locked.status
    if old == status:
        return locked
    locked.status = status
    locked.updated_at = now()
    if status == Conversation.Status.RESOLVED:
        locked.resolved_at = locked.updated_at
    elif old == Conversation.Status.RESOLVED:
        locked.resolved_at = None
    locked.save(update_fields=["status", "resolved_at", "updated_at"])
    sla_hooks.on_status_changed(locked, old)
    _record(access, request, "inbox.status_changed", locked, {"status": old}, {"status": status})
    return locked


@transaction.atomic
def set_priority(
    *,
    access: Access,
    conversation: Conversation,
    priority: int,
    request: HttpRequest | None = None,
) -> Conversation:
    access.require(Perm.INBOX_REPLY, request)
    if priority not in Conversation.Priority.values:
        raise ValidationError({"priority": _("Use 0 (low) to 3 (urgent).")})
    locked = _locked(access, conversation)
    old = locked.priority
    if old == priority:
        return locked
    locked.priority = priority
    locked.updated_at = now()
    locked.save(update_fields=["priority", "updated_at"])
    sla_hooks.on_priority_changed(locked)
    _record(
        access, request, "inbox.priority_changed", locked, {"priority": old}, {"priority": priority}
    )
    return locked


_UNSET: Any = object()


@transaction.atomic
def update_conversation(
    *,
    access: Access,
    conversation: Conversation,
    status: str | None = None,
    priority: int | None = None,
    assignee_id: Any = _UNSET,
    request: HttpRequest | None = None,
) -> Conversation:
    """Any of status, priority and assignee (None unassigns) at once: all or nothing."""
    access.require(Perm.INBOX_REPLY, request)
    if status is not None:
        conversation = set_status(
            access=access, conversation=conversation, status=status, request=request
        )
    if priority is not None:
        conversation = set_priority(
            access=access, conversation=conversation, priority=priority, request=request
        )
    if assignee_id is not _UNSET:
        conversation = assign(
            access=access, conversation=conversation, assignee_id=assignee_id, request=request
        )
    return conversation


@transaction.atomic
def add_label(
    *,
    access: Access,
    conversation: Conversation,
    label: Label,
    request: HttpRequest | None = None,
) -> Conversation:
    access.require(Perm.INBOX_REPLY, request)
    if label.workspace_id != access.workspace.pk:
        raise ValidationError({"label_id": _("No such label in this workspace.")})
    locked = _locked(access, conversation)
    if not locked.labels.filter(pk=label.pk).exists():
        locked.labels.add(label)
        _record(access, request, "inbox.labelled", locked, None, {"label": label.name})
    return locked


@transaction.atomic
def remove_label(
    *,
    access: Access,
    conversation: Conversation,
    label: Label,
    request: HttpRequest | None = None,
) -> Conversation:
    access.require(Perm.INBOX_REPLY, request)
    locked = _locked(access, conversation)
    if locked.labels.filter(pk=label.pk).exists():
        locked.labels.remove(label)
        _record(access, request, "inbox.unlabelled", locked, {"label": label.name}, None)
    return locked


@transaction.atomic
def add_note(
    *,
    access: Access,
    conversation: Conversation,
    text: str,
    request: HttpRequest | None = None,
) -> Note:
    access.require(Perm.INBOX_REPLY, request)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > NOTE_LENGTH:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": NOTE_LENGTH}})
    locked = _locked(access, conversation)
    note = Note.objects.create(conversation=locked, author=access.user, text=text)
    _record(access, request, "inbox.note_added", locked, None, {"note": note.pk, "text": text})
    return note


# ---- replies ---------------------------------------------------------------------------------


def lint(conversation: Conversation, text: str) -> list[Finding]:
    from socialops.guidebook.lint import lint_reply

    return list(
        lint_reply(
            conversation.workspace,
            platform=conversation.channel.platform,
            kind=conversation.kind,
            text=text,
        )
    )


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "kind": finding.kind,
        "severity": finding.severity,
        "message": str(finding.message),
        "start": finding.start,
        "end": finding.end,
        "matched": finding.matched,
        "fix": str(finding.fix),
    }


@transaction.atomic
def _create_reply(
    *,
    access: Access,
    conversation: Conversation,
    text: str,
    accept_warnings: bool,
    then_status: str,
    idempotency_key: str,
    request: HttpRequest | None,
) -> Message:
    access.require(Perm.INBOX_REPLY, request)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    if len(text) > REPLY_LENGTH:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": REPLY_LENGTH}})
    if then_status not in Conversation.Status.values:
        raise ValidationError({"then_status": _("Use open, pending, resolved or spam.")})
    locked = _locked(access, conversation)
    if idempotency_key:
        earlier = Message.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.conversation_id != locked.pk:
                raise ValidationError({"idempotency_key": _("This key was used elsewhere.")})
            return earlier
    findings = lint(locked, text)
    if any(finding.severity == "error" for finding in findings):
        raise ReplyBlocked(findings, warnings_only=False)
    if findings and not accept_warnings:
        raise ReplyBlocked(findings, warnings_only=True)
    at = now()
    channel = locked.channel
    reply_to = locked.messages.filter(direction=Message.Direction.INBOUND).order_by("-created_at")
    parent = reply_to.values_list("remote_id", flat=True).first() or ""
    message = Message.objects.create(
        workspace=access.workspace,
        conversation=locked,
        channel=channel,
        direction=Message.Direction.OUTBOUND,
        parent_remote_id=parent,
        author_remote_id=channel.remote_id,
        author_handle=channel.handle,
        author_name=channel.display_name,
        text=text,
        created_at=at,
        received_at=at,
        sent_by=access.user,
        send_state=Message.SendState.SENDING,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        lint=[finding_json(finding) for finding in findings],
    )
    locked.preview = text[:200]
    locked.message_count += 1
    locked.last_message_at = at
    locked.updated_at = at
    locked.save(update_fields=["preview", "message_count", "last_message_at", "updated_at"])
    _record(
        access,
        request,
        "inbox.replied",
        locked,
        None,
        {"message": message.pk, "text": text, "accepted_warnings": len(findings)},
    )
    if locked.assignee_id is None:
        assign(access=access, conversation=locked, assignee_id=access.user.pk, request=request)
    set_status(access=access, conversation=locked, status=then_status, request=request)
    return message


def _deliver(message: Message) -> Message:
    """Hand the committed SENDING message to the sender (inbox.sending); kept SENDING without it."""
    try:
        from socialops.inbox.sending import deliver  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return message
    return deliver(message.pk)  # type: ignore[no-any-return]


def reply(
    *,
    access: Access,
    conversation: Conversation,
    text: str,
    accept_warnings: bool = False,
    then_status: str = Conversation.Status.OPEN,
    idempotency_key: str = "",
    request: HttpRequest | None = None,
) -> Message:
    """Lint, store the reply as SENDING (committed), then send it through the connector.

    ``then_status`` is the conversation's status after the reply: the UI's "Send" keeps it
    open, "Send and resolve" resolves it. Guidebook errors block (ReplyBlocked); warnings block
    unless ``accept_warnings``, and are then kept on the message.
    """
    message = _create_reply(
        access=access,
        conversation=conversation,
        text=text,
        accept_warnings=accept_warnings,
        then_status=then_status,
        idempotency_key=idempotency_key[:64],
        request=request,
    )
    if message.send_state != Message.SendState.SENDING:
        return message  # a repeated idempotency key: the first request's message
    return _deliver(message)


def retry_reply(*, access: Access, message: Message, request: HttpRequest | None = None) -> Message:
    """Send a FAILED reply again (same idempotency key); an unconfirmed one is never resent."""
    with transaction.atomic():
        access.require(Perm.INBOX_REPLY, request)
        locked = Message.objects.select_for_update().get(pk=message.pk, workspace=access.workspace)
        if locked.send_state != Message.SendState.FAILED:
            raise ValidationError({"message_id": _("Only a reply that failed can be sent again.")})
        before = snapshot(locked, ["send_state", "error_code", "error_message"])
        locked.send_state = Message.SendState.SENDING
        locked.error_code = locked.error_message = ""
        locked.save(update_fields=["send_state", "error_code", "error_message"])
        _record(
            access,
            request,
            "inbox.reply_retried",
            locked.conversation,
            before,
            {"message": locked.pk},
        )
    return _deliver(locked)


# ---- bulk ------------------------------------------------------------------------------------

BULK_ACTIONS = ("assign", "status", "priority", "add_label", "remove_label")


@transaction.atomic
def bulk(
    *,
    access: Access,
    conversation_ids: list[int],
    action: str,
    value: Any,
    request: HttpRequest | None = None,
) -> int:
    """One change over many conversations, all or nothing; one audit row per conversation."""
    access.require(Perm.INBOX_REPLY, request)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Use one of: %(v)s.") % {"v": ", ".join(BULK_ACTIONS)}})
    ids = list(dict.fromkeys(conversation_ids))
    if not ids:
        raise ValidationError({"ids": _("Choose at least one conversation.")})
    if len(ids) > BULK_LIMIT:
        raise ValidationError({"ids": _("At most %(n)d at once.") % {"n": BULK_LIMIT}})
    found = {
        c.pk: c
        for c in Conversation.objects.filter(workspace=access.workspace, pk__in=ids).order_by("pk")
    }
    if len(found) != len(ids):
        raise ValidationError({"ids": _("Some conversations are not in this workspace.")})
    label = None
    if action in ("add_label", "remove_label"):
        label = Label.objects.filter(workspace=access.workspace, pk=_int(value)).first()
        if label is None:
            raise ValidationError({"value": _("No such label in this workspace.")})
    for pk in sorted(found):
        conversation = found[pk]
        if action == "assign":
            assign(
                access=access,
                conversation=conversation,
                assignee_id=None if value in (None, "", "none") else _int(value),
                request=request,
            )
        elif action == "status":
            set_status(access=access, conversation=conversation, status=str(value), request=request)
        elif action == "priority":
            set_priority(
                access=access, conversation=conversation, priority=_int(value), request=request
            )
        elif action == "add_label" and label is not None:
            add_label(access=access, conversation=conversation, label=label, request=request)
        elif label is not None:
            remove_label(access=access, conversation=conversation, label=label, request=request)
    return len(found)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError({"value": _("Give a whole number.")})
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"value": _("Give a whole number.")}) from exc


# ---- labels ----------------------------------------------------------------------------------


def _clean_label(access: Access, label: Label | None, name: str, color: str) -> dict[str, str]:
    import re

    fields: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        fields["name"] = _("Give the label a name.")
    elif len(name) > LABEL_NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": LABEL_NAME_LENGTH}
    else:
        others = Label.objects.filter(workspace=access.workspace, name=name)
        if label is not None:
            others = others.exclude(pk=label.pk)
        if others.exists():
            fields["name"] = _("This workspace already has a label with this name.")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        fields["color"] = _("A colour as #rrggbb.")
    if fields:
        raise ValidationError(fields)
    return {"name": name, "color": color.lower()}


@transaction.atomic
def create_label(
    *, access: Access, name: str, color: str = "#64748b", request: HttpRequest | None = None
) -> Label:
    access.require(Perm.INBOX_MANAGE, request)
    label = Label.objects.create(
        workspace=access.workspace, **_clean_label(access, None, name, color)
    )
    _record(access, request, "inbox.label_created", label, None, snapshot(label, ["name", "color"]))
    return label


@transaction.atomic
def update_label(
    *,
    access: Access,
    label: Label,
    name: str | None = None,
    color: str | None = None,
    request: HttpRequest | None = None,
) -> Label:
    access.require(Perm.INBOX_MANAGE, request)
    locked = Label.objects.select_for_update().get(pk=label.pk, workspace=access.workspace)
    before = snapshot(locked, ["name", "color"])
    cleaned = _clean_label(
        access, locked, locked.name if name is None else name, color or locked.color
    )
    locked.name, locked.color = cleaned["name"], cleaned["color"]
    if snapshot(locked, ["name", "color"]) != before:
        locked.save(update_fields=["name", "color"])
        _record(
            access,
            request,
            "inbox.label_updated",
            locked,
            before,
            snapshot(locked, ["name", "color"]),
        )
    return locked


@transaction.atomic
def delete_label(*, access: Access, label: Label, request: HttpRequest | None = None) -> None:
    access.require(Perm.INBOX_MANAGE, request)
    before = {**snapshot(label, ["name", "color"]), "conversations": label.conversations.count()}
    _record(access, request, "inbox.label_deleted", label, before, None)
    label.delete()


# ---- saved views -----------------------------------------------------------------------------


def _clean_view(access: Access, name: str, filters: Any) -> tuple[str, dict[str, str]]:
    fields: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        fields["name"] = _("Give the view a name.")
    elif len(name) > VIEW_NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": VIEW_NAME_LENGTH}
    params: dict[str, str] = {}
    if not isinstance(filters, dict):
        fields["filters"] = _("Give the filters as an object of names and values.")
    else:
        try:
            params = queries.Filters.parse(filters, access.workspace).as_params()
        except ValidationError as exc:
            fields.update(
                {f"filters.{key}": " ".join(msgs) for key, msgs in exc.message_dict.items()}
            )
    if fields:
        raise ValidationError(fields)
    return name, params


@transaction.atomic
def create_view(
    *,
    access: Access,
    name: str,
    filters: Any,
    shared: bool = False,
    request: HttpRequest | None = None,
) -> SavedView:
    """A member's own view (INBOX_VIEW), or one shared with the team (INBOX_MANAGE)."""
    access.require(Perm.INBOX_MANAGE if shared else Perm.INBOX_VIEW, request)
    name, params = _clean_view(access, name, filters)
    owner = None if shared else access.user
    last = SavedView.objects.filter(workspace=access.workspace, user=owner).aggregate(
        n=Max("position")
    )["n"]
    view = SavedView.objects.create(
        workspace=access.workspace,
        user=owner,
        name=name,
        filters=params,
        position=0 if last is None else last + 1,
    )
    _record(access, request, "inbox.view_created", view, None, _view_snapshot(view))
    return view


def _view_snapshot(view: SavedView) -> dict[str, Any]:
    return {"name": view.name, "filters": view.filters, "shared": view.user_id is None}


def _may_change_view(access: Access, view: SavedView, request: HttpRequest | None) -> None:
    if view.user_id is None:
        access.require(Perm.INBOX_MANAGE, request)
    elif view.user_id != access.user.pk:
        raise ValidationError({"view_id": _("Only its owner may change this view.")})


@transaction.atomic
def update_view(
    *,
    access: Access,
    view: SavedView,
    name: str | None = None,
    filters: Any = None,
    request: HttpRequest | None = None,
) -> SavedView:
    _may_change_view(access, view, request)
    locked = SavedView.objects.select_for_update().get(pk=view.pk, workspace=access.workspace)
    before = _view_snapshot(locked)
    locked.name, locked.filters = _clean_view(
        access,
        locked.name if name is None else name,
        locked.filters if filters is None else filters,
    )
    if _view_snapshot(locked) != before:
        locked.save(update_fields=["name", "filters"])
        _record(access, request, "inbox.view_updated", locked, before, _view_snapshot(locked))
    return locked


@transaction.atomic
def delete_view(*, access: Access, view: SavedView, request: HttpRequest | None = None) -> None:
    _may_change_view(access, view, request)
    _record(access, request, "inbox.view_deleted", view, _view_snapshot(view), None)
    view.delete()


# ---- assignment rules ------------------------------------------------------------------------

RULE_FIELDS = [
    "name",
    "enabled",
    "channel_ids",
    "kinds",
    "langs",
    "intents",
    "strategy",
    "member_ids",
]


def _clean_rule(access: Access, values: dict[str, Any]) -> dict[str, Any]:
    from socialops.channels.models import Channel

    fields: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        fields["name"] = _("Give the rule a name.")
    elif len(name) > RULE_NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": RULE_NAME_LENGTH}
    strategy = values.get("strategy")
    if strategy not in AssignmentRule.Strategy.values:
        fields["strategy"] = _("Use one of: %(v)s.") % {
            "v": ", ".join(AssignmentRule.Strategy.values)
        }
    channel_ids = sorted({int(pk) for pk in values.get("channel_ids") or []})
    known = Channel.objects.filter(workspace=access.workspace, pk__in=channel_ids).count()
    if known != len(channel_ids):
        fields["channel_ids"] = _("Some accounts are not in this workspace.")
    kinds = sorted(set(values.get("kinds") or []))
    if not set(kinds) <= set(Kind.values):
        fields["kinds"] = _("Use some of: %(v)s.") % {"v": ", ".join(Kind.values)}
    langs = sorted({str(lang).strip().lower()[:8] for lang in values.get("langs") or []} - {""})
    intents = sorted({str(i).strip().lower()[:12] for i in values.get("intents") or []} - {""})
    member_ids = list(dict.fromkeys(int(pk) for pk in values.get("member_ids") or []))
    if not member_ids:
        fields["member_ids"] = _("Choose at least one member.")
    elif not all(queries.may_reply(access.workspace, pk) for pk in member_ids):
        fields["member_ids"] = _("Choose members of this workspace who may reply in the inbox.")
    if fields:
        raise ValidationError(fields)
    return {
        "name": name,
        "enabled": bool(values.get("enabled", True)),
        "channel_ids": channel_ids,
        "kinds": kinds,
        "langs": langs,
        "intents": intents,
        "strategy": strategy,
        "member_ids": member_ids,
    }


@transaction.atomic
def create_rule(
    *, access: Access, request: HttpRequest | None = None, **values: Any
) -> AssignmentRule:
    access.require(Perm.INBOX_MANAGE, request)
    cleaned = _clean_rule(access, values)
    last = AssignmentRule.objects.filter(workspace=access.workspace).aggregate(n=Max("position"))
    rule = AssignmentRule.objects.create(
        workspace=access.workspace,
        position=0 if last["n"] is None else last["n"] + 1,
        **cleaned,
    )
    _record(access, request, "inbox.rule_created", rule, None, snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def update_rule(
    *, access: Access, rule: AssignmentRule, request: HttpRequest | None = None, **changes: Any
) -> AssignmentRule:
    access.require(Perm.INBOX_MANAGE, request)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"update_rule() got unexpected fields {sorted(unknown)}")
    locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk, workspace=access.workspace)
    before = snapshot(locked, RULE_FIELDS)
    cleaned = _clean_rule(access, {**before, **changes})
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if snapshot(locked, RULE_FIELDS) != before:
        locked.save()
        _record(
            access, request, "inbox.rule_updated", locked, before, snapshot(locked, RULE_FIELDS)
        )
    return locked


@transaction.atomic
def delete_rule(
    *, access: Access, rule: AssignmentRule, request: HttpRequest | None = None
) -> None:
    access.require(Perm.INBOX_MANAGE, request)
    _record(access, request, "inbox.rule_deleted", rule, snapshot(rule, RULE_FIELDS), None)
    rule.delete()


@transaction.atomic
def reorder_rules(
    *, access: Access, rule_ids: list[int], request: HttpRequest | None = None
) -> list[AssignmentRule]:
    """Put the rules in this order; every rule of the workspace must be listed once."""
    access.require(Perm.INBOX_MANAGE, request)
    rules = {
        r.pk: r
        for r in AssignmentRule.objects.select_for_update().filter(workspace=access.workspace)
    }
    if sorted(rule_ids) != sorted(rules) or len(set(rule_ids)) != len(rule_ids):
        raise ValidationError({"ids": _("List every assignment rule of the workspace once.")})
    before = sorted(rules, key=lambda pk: (rules[pk].position, pk))
    for position, pk in enumerate(rule_ids):
        if rules[pk].position != position:
            rules[pk].position = position
            rules[pk].save(update_fields=["position"])
    if before != rule_ids:
        audit.record(
            action="inbox.rules_reordered",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            before={"ids": before},
            after={"ids": rule_ids},
        )
    return [rules[pk] for pk in rule_ids]


# ---- presence (the collision warning) --------------------------------------------------------


def touch_presence(conversation: Conversation, user: User, typing: bool) -> Presence:
    """The member has the conversation open (and is typing, or not) now.

    Not audited: it is a heartbeat every few seconds, not a change anyone made.
    """
    for _attempt in range(2):
        try:
            with transaction.atomic():
                presence, _created = Presence.objects.update_or_create(
                    conversation=conversation,
                    user=user,
                    defaults={"typing": typing, "seen_at": now()},
                )
                return presence
        except IntegrityError:
            continue  # two heartbeats raced to create the row: the second one updates
    raise RuntimeError("presence could not be stored")
