"""Every write to the guidebook and canned replies, and the move-to-DM flow.

One transaction each, audited with before and after: the audit log is the guidebook's history.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

from . import defaults
from .canned import render_canned, render_sample
from .lint import REPLY_KINDS, blocking, check_reply, reply_rules
from .models import CannedReply, GuidebookSection, Section

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User, Workspace
    from socialops.inbox.models import Conversation, Message

SECTION_FIELDS = ["key", "title", "body", "position"]
CANNED_FIELDS = ["title", "body", "shortcut", "kinds", "purpose"]
TITLE_LENGTH = 100
BODY_LENGTH = 20_000
CANNED_BODY_LENGTH = 5_000
DM_LABEL = "转私信"
DM_LABEL_COLOR = "#7c3aed"


# The guidebook's sections --------------------------------------------------------------------


def _guidebook_snapshot(workspace: Workspace) -> dict[str, Any]:
    rows = GuidebookSection.objects.filter(workspace=workspace)
    return {"sections": [snapshot(row, SECTION_FIELDS) for row in rows]}


def _clean_section(key: str, title: str, body: str, prefix: str = "") -> dict[str, str]:
    fields: dict[str, str] = {}
    if key not in Section.values:
        fields[f"{prefix}key"] = _("Not a guidebook section.")
    title = " ".join(title.split())
    if not title:
        fields[f"{prefix}title"] = _("Give the section a title.")
    elif len(title) > TITLE_LENGTH:
        fields[f"{prefix}title"] = _("At most %(n)d characters.") % {"n": TITLE_LENGTH}
    body = body.replace("\r\n", "\n").strip()
    if len(body) > BODY_LENGTH:
        fields[f"{prefix}body"] = _("At most %(n)d characters.") % {"n": BODY_LENGTH}
    if fields:
        raise ValidationError(fields)
    return {"key": key, "title": title, "body": body}


@transaction.atomic
def save_section(
    *,
    access: Access,
    section: GuidebookSection | None = None,
    title: str,
    body: str,
    request: HttpRequest | None = None,
) -> GuidebookSection:
    """Add a section of the team's own (section None) or change one's title and text."""
    access.require(Perm.INBOX_MANAGE, request)
    if section is None:
        cleaned = _clean_section(Section.CUSTOM, title, body)
        last = GuidebookSection.objects.filter(workspace=access.workspace).order_by("-position")
        position = (last[0].position + 1) if last else 0
        row = GuidebookSection.objects.create(
            workspace=access.workspace, position=position, updated_by=access.user, **cleaned
        )
        _record(access, "guidebook.section_created", row, request, None)
        return row
    row = GuidebookSection.objects.select_for_update().get(
        pk=section.pk, workspace=access.workspace
    )
    before = snapshot(row, SECTION_FIELDS)
    cleaned = _clean_section(row.key, title, body)
    row.title, row.body = cleaned["title"], cleaned["body"]
    if snapshot(row, SECTION_FIELDS) != before:
        row.updated_by, row.updated_at = access.user, now()
        row.save()
        _record(access, "guidebook.section_updated", row, request, before)
    return row


@transaction.atomic
def delete_section(
    *, access: Access, section: GuidebookSection, request: HttpRequest | None = None
) -> None:
    """Only the team's own sections go; a standard one is emptied instead."""
    access.require(Perm.INBOX_MANAGE, request)
    row = GuidebookSection.objects.select_for_update().get(
        pk=section.pk, workspace=access.workspace
    )
    if row.key != Section.CUSTOM:
        raise ValidationError({"key": _("A standard section cannot be deleted; empty it instead.")})
    audit.record(
        action="guidebook.section_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=row,
        before=snapshot(row, SECTION_FIELDS),
    )
    row.delete()


@transaction.atomic
def replace_sections(
    *, access: Access, sections: list[dict[str, str]], request: HttpRequest | None = None
) -> list[GuidebookSection]:
    """The whole guidebook at once, in order: standard sections at most once each."""
    access.require(Perm.INBOX_MANAGE, request)
    cleaned, fields, seen = [], {}, set()
    for index, item in enumerate(sections):
        key = item.get("key") or Section.CUSTOM
        try:
            cleaned.append(
                _clean_section(
                    key, item.get("title", ""), item.get("body", ""), f"sections.{index}."
                )
            )
        except ValidationError as exc:
            fields.update({k: v[0] for k, v in exc.message_dict.items()})
        if key != Section.CUSTOM and key in seen:
            fields[f"sections.{index}.key"] = _("This section is already in the guidebook.")
        seen.add(key)
    if fields:
        raise ValidationError(fields)
    list(GuidebookSection.objects.select_for_update().filter(workspace=access.workspace))
    before = _guidebook_snapshot(access.workspace)
    existing = {
        row.key: row
        for row in GuidebookSection.objects.filter(workspace=access.workspace).exclude(
            key=Section.CUSTOM
        )
    }
    GuidebookSection.objects.filter(workspace=access.workspace).exclude(
        key__in=[c["key"] for c in cleaned if c["key"] != Section.CUSTOM]
    ).delete()
    rows = []
    for position, item in enumerate(cleaned):
        row = existing.get(item["key"]) or GuidebookSection(workspace=access.workspace)
        changed = (row.pk is None) or any(
            getattr(row, name) != value for name, value in {**item, "position": position}.items()
        )
        for name, value in item.items():
            setattr(row, name, value)
        row.position = position
        if changed:
            row.updated_by, row.updated_at = access.user, now()
            row.save()
        rows.append(row)
    after = _guidebook_snapshot(access.workspace)
    if after != before:
        audit.record(
            action="guidebook.updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target_label=_("Guidebook"),
            before=before,
            after=after,
        )
    return rows


def _record(
    access: Access,
    action: str,
    row: GuidebookSection | CannedReply,
    request: HttpRequest | None,
    before: dict[str, Any] | None,
) -> None:
    fields = SECTION_FIELDS if isinstance(row, GuidebookSection) else CANNED_FIELDS
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=row,
        before=before,
        after=snapshot(row, fields),
    )


@transaction.atomic
def ensure_default_guidebook(workspace: Workspace, *, actor: User | None = None) -> bool:
    """Give a workspace the draft guidebook, canned replies and reply rules it lacks.

    Safe to call again: standard sections are added only where missing, canned replies and
    rules only when the workspace has none of its own yet. True when anything was added.
    """
    from socialops.content.models import EditorialRule

    added = False
    have = set(GuidebookSection.objects.filter(workspace=workspace).values_list("key", flat=True))
    for position, default in enumerate(defaults.SECTIONS):
        if default.key not in have:
            GuidebookSection.objects.create(
                workspace=workspace,
                key=default.key,
                title=default.title,
                body=default.body,
                position=position,
                updated_by=actor,
            )
            added = True
    if not CannedReply.objects.filter(workspace=workspace).exists():
        for canned in defaults.CANNED:
            CannedReply.objects.create(
                workspace=workspace,
                title=canned.title,
                body=canned.body,
                shortcut=canned.shortcut,
                kinds=canned.kinds,
                purpose=canned.purpose,
                created_by=actor,
            )
        added = True
    rules = EditorialRule.objects.filter(workspace=workspace)
    if not rules.exclude(scope=EditorialRule.Scope.POSTS).exists():
        for rule in defaults.RULES:
            EditorialRule.objects.create(
                workspace=workspace,
                name=rule.name,
                kind=rule.kind,
                params=rule.params,
                severity=rule.severity,
                scope=EditorialRule.Scope.REPLIES,
                reply_kinds=rule.reply_kinds,
                created_by=actor,
            )
        added = True
    if added:
        audit.record(
            action="guidebook.defaults_added",
            workspace=workspace,
            actor=actor,
            via="system",
            target_label=_("Guidebook"),
        )
    return added


# Canned replies ------------------------------------------------------------------------------


def canned_problems(workspace: Workspace, body: str, kinds: list[str]) -> list[str]:
    """The guidebook's errors in a canned reply's body, with sample values in its variables."""
    text = render_sample(body)
    problems: dict[str, None] = {}
    for kind in kinds or REPLY_KINDS:
        for finding in blocking(
            check_reply(reply_rules(workspace, kind), platform="", text=text, placeholders=False)
        ):
            problems[f"{finding.message} {finding.fix}".strip()] = None
    return list(problems)


def _clean_canned(
    access: Access,
    reply: CannedReply | None,
    *,
    title: str,
    body: str,
    shortcut: str,
    kinds: list[str],
    purpose: str,
) -> dict[str, Any]:
    fields: dict[str, str] = {}
    title = " ".join(title.split())
    body = body.replace("\r\n", "\n").strip()
    shortcut = shortcut.strip().lstrip("/").lower()
    if not title:
        fields["title"] = _("Give the reply a title.")
    elif len(title) > TITLE_LENGTH:
        fields["title"] = _("At most %(n)d characters.") % {"n": TITLE_LENGTH}
    if not body:
        fields["body"] = _("Write the reply.")
    elif len(body) > CANNED_BODY_LENGTH:
        fields["body"] = _("At most %(n)d characters.") % {"n": CANNED_BODY_LENGTH}
    if shortcut and (len(shortcut) > 30 or not all(c.isalnum() or c in "-_" for c in shortcut)):
        fields["shortcut"] = _("Letters, digits, - and _ only; at most 30.")
    elif shortcut:
        taken = CannedReply.objects.filter(workspace=access.workspace, shortcut=shortcut)
        if reply is not None:
            taken = taken.exclude(pk=reply.pk)
        if taken.exists():
            fields["shortcut"] = _("Another canned reply has this shortcut.")
    unknown = [kind for kind in kinds if kind not in REPLY_KINDS]
    if unknown:
        fields["kinds"] = _("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    if purpose not in CannedReply.Purpose.values:
        fields["purpose"] = _("Not a purpose of canned replies.")
    if not fields.get("body") and not fields.get("kinds"):
        problems = canned_problems(access.workspace, body, kinds)
        if problems:
            fields["body"] = _("The guidebook does not allow this reply: %(problems)s") % {
                "problems": " ".join(problems)
            }
    if fields:
        raise ValidationError(fields)
    ordered = [kind for kind in REPLY_KINDS if kind in kinds]
    return {
        "title": title,
        "body": body,
        "shortcut": shortcut,
        "kinds": ordered,
        "purpose": purpose,
    }


@transaction.atomic
def create_canned(
    *,
    access: Access,
    title: str,
    body: str,
    shortcut: str = "",
    kinds: list[str] | None = None,
    purpose: str = "",
    request: HttpRequest | None = None,
) -> CannedReply:
    access.require(Perm.INBOX_MANAGE, request)
    cleaned = _clean_canned(
        access, None, title=title, body=body, shortcut=shortcut, kinds=kinds or [], purpose=purpose
    )
    reply = CannedReply.objects.create(
        workspace=access.workspace, created_by=access.user, **cleaned
    )
    _record(access, "guidebook.canned_created", reply, request, None)
    return reply


@transaction.atomic
def update_canned(
    *, access: Access, reply: CannedReply, request: HttpRequest | None = None, **changes: Any
) -> CannedReply:
    """Change any of title, body, shortcut, kinds and purpose."""
    access.require(Perm.INBOX_MANAGE, request)
    unknown = set(changes) - set(CANNED_FIELDS)
    if unknown:
        raise TypeError(f"update_canned() got unexpected fields {sorted(unknown)}")
    locked = CannedReply.objects.select_for_update().get(pk=reply.pk, workspace=access.workspace)
    before = snapshot(locked, CANNED_FIELDS)
    merged = {**before, **changes}
    cleaned = _clean_canned(access, locked, **merged)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if snapshot(locked, CANNED_FIELDS) != before:
        locked.updated_at = now()
        locked.save()
        _record(access, "guidebook.canned_updated", locked, request, before)
    return locked


@transaction.atomic
def delete_canned(
    *, access: Access, reply: CannedReply, request: HttpRequest | None = None
) -> None:
    access.require(Perm.INBOX_MANAGE, request)
    locked = CannedReply.objects.select_for_update().get(pk=reply.pk, workspace=access.workspace)
    audit.record(
        action="guidebook.canned_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=snapshot(locked, CANNED_FIELDS),
    )
    locked.delete()


def record_canned_use(*, reply: CannedReply) -> None:
    """Count one use (inserted into a reply); not audited, it changes nothing anyone wrote."""
    CannedReply.objects.filter(pk=reply.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=now()
    )


# Move to DM ----------------------------------------------------------------------------------


def move_to_dm(
    *,
    access: Access,
    conversation: Conversation,
    reply: CannedReply,
    text: str | None = None,
    accept_warnings: bool = False,
    then_status: str = "pending",
    idempotency_key: str = "",
    request: HttpRequest | None = None,
) -> Message:
    """Answer a public complaint with a DM invitation, label the conversation 转私信, note it.

    ``reply`` is a canned reply with purpose dm_invite; ``text`` is the agent's edit of it
    (default: the reply filled in for this conversation). The public answer goes out through
    the inbox's own ``reply`` (guidebook lint, an outbound Message SENDING with an idempotency
    key, committed, then ``inbox.sending.deliver``); the conversation then waits (pending) for
    the person's DM. The same ``idempotency_key`` twice sends and labels once. Raises
    ValidationError ({"reply"|"conversation"|"text": …}; ``inbox.actions.ReplyBlocked`` with
    the findings when the guidebook refuses the text) before anything is written.
    """
    from socialops.inbox import actions as inbox_actions
    from socialops.inbox.models import Kind, Message

    access.require(Perm.INBOX_REPLY, request)
    if conversation.workspace_id != access.workspace.pk:
        raise ValidationError({"conversation": _("No such conversation.")})
    if conversation.kind == Kind.DM:
        raise ValidationError({"conversation": _("This conversation is a DM already.")})
    if reply.workspace_id != access.workspace.pk or reply.purpose != CannedReply.Purpose.DM_INVITE:
        raise ValidationError({"reply": _("Choose a canned reply that invites to a DM.")})
    if text is None:
        text = render_canned(reply, conversation=conversation, agent=access.user)
    key = idempotency_key[:64] or uuid.uuid4().hex
    repeated = Message.objects.filter(idempotency_key=key).exists()
    message: Message = inbox_actions.reply(
        access=access,
        conversation=conversation,
        text=text,
        accept_warnings=accept_warnings,
        then_status=then_status,
        idempotency_key=key,
        request=request,
    )
    if not repeated:
        _mark_moved_to_dm(access=access, conversation=conversation, reply=reply, request=request)
    return message


@transaction.atomic
def _mark_moved_to_dm(
    *,
    access: Access,
    conversation: Conversation,
    reply: CannedReply,
    request: HttpRequest | None,
) -> None:
    from socialops.inbox.models import Label, Note

    label, _created = Label.objects.get_or_create(
        workspace=access.workspace, name=DM_LABEL, defaults={"color": DM_LABEL_COLOR}
    )
    conversation.labels.add(label)
    note = Note.objects.create(
        conversation=conversation,
        author=access.user,
        text=_("Moved to DM: invited the person to continue in a direct message (“%(title)s”).")
        % {"title": reply.title},
    )
    record_canned_use(reply=reply)
    audit.record(
        action="inbox.moved_to_dm",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=conversation,
        after={"canned_reply": reply.pk, "label": DM_LABEL, "note": note.pk},
    )
