"""Small template helpers for the UI: role checks, labels, Bootstrap form widgets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Membership
from socialops.accounts.roles import Perm
from socialops.accounts.roles import can as role_can
from socialops.core import audit

register = template.Library()

PERM_LABELS = {
    Perm.WORKSPACE_VIEW: _("See the workspace"),
    Perm.WORKSPACE_MANAGE: _("Change workspace settings"),
    Perm.MEMBERS_VIEW: _("See members"),
    Perm.MEMBERS_MANAGE: _("Invite and manage members"),
    Perm.OWNERS_MANAGE: _("Make and manage owners"),
    Perm.TOKENS_OWN: _("Own personal API tokens"),
    Perm.AUDIT_VIEW: _("Read the audit log"),
    Perm.PLATFORM_VIEW: _("See platforms and accounts"),
    Perm.PLATFORM_MANAGE: _("Connect and manage accounts"),
    Perm.CONTENT_VIEW: _("See content and the calendar"),
    Perm.CONTENT_EDIT: _("Write and edit content"),
    Perm.CONTENT_APPROVE: _("Approve content"),
    Perm.CONTENT_PUBLISH: _("Publish content"),
    Perm.INBOX_VIEW: _("See the inbox"),
    Perm.INBOX_REPLY: _("Reply in the inbox"),
    Perm.INBOX_MANAGE: _("Assign conversations and set response targets"),
    Perm.CONTACTS_VIEW: _("See contacts"),
    Perm.CONTACTS_EDIT: _("Edit contacts"),
    Perm.LISTENING_VIEW: _("See listening results"),
    Perm.LISTENING_MANAGE: _("Manage listening queries and alerts"),
    Perm.ANALYTICS_VIEW: _("See analytics and reports"),
}

AUDIT_ACTION_LABELS = {
    "access.denied": _("Access denied"),
    "access.outsider": _("Outsider turned away"),
    "api.token_refused": _("API token refused"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.logout": _("Signed out"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.created": _("Invitation created"),
    "invitation.refused": _("Invalid invitation link opened"),
    "invitation.revoked": _("Invitation revoked"),
    "member.added": _("Member added"),
    "security.csrf_failed": _("Form refused (CSRF check failed)"),
    "member.removed": _("Member removed"),
    "member.role_changed": _("Member's role changed"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "user.created": _("Account created"),
    "user.password_changed": _("Password changed"),
    "user.password_reset": _("Password reset"),
    "user.profile_updated": _("Profile updated"),
    "workspace.created": _("Workspace created"),
    "workspace.updated": _("Workspace settings changed"),
}

VIA_LABELS = {
    "web": _("web"),
    "api": _("API"),
    "cli": _("command line"),
    "worker": _("worker"),
    "system": _("system"),
}


@register.filter
def can(holder: Any, perm: str) -> bool:
    """`access|can:"members.manage"`: works on an Access or a Membership; None may nothing."""
    if holder is None:
        return False
    return role_can(holder.role, Perm(perm))


@register.simple_tag(takes_context=True)
def nav_membership(context: template.Context) -> Membership | None:
    """The workspace the navigation points at: the current one, else the last one used."""
    access = context.get("access")
    if access is not None:
        return access.membership  # type: ignore[no-any-return]
    memberships: list[Membership] = list(context.get("my_memberships") or [])
    user = context.get("user")
    last_id = getattr(user, "last_workspace_id", None)
    for membership in memberships:
        if membership.workspace_id == last_id:
            return membership
    return memberships[0] if memberships else None


@register.filter
def perm_label(perm: str) -> str:
    label = PERM_LABELS.get(Perm(perm))
    return str(label) if label is not None else perm


@register.filter
def audit_label(action: str) -> str:
    label = AUDIT_ACTION_LABELS.get(action) or audit.ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@register.filter
def via_label(via: str) -> str:
    label = VIA_LABELS.get(via)
    return str(label) if label is not None else via


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    changed: bool


@register.filter
def changes(event: Any) -> list[Change]:
    """An audit event's before/after as one row per field, changed fields first."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    for key in list(before) + [key for key in after if key not in before]:
        old = _show(before[key]) if key in before else ""
        new = _show(after[key]) if key in after else ""
        both = key in before and key in after
        rows.append(Change(key, old, new, changed=not both or before[key] != after[key]))
    return sorted(rows, key=lambda row: not row.changed)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@register.filter
def settings_page(request: HttpRequest) -> str:
    """Which settings page is showing, for the settings navigation."""
    match = request.resolver_match
    name = match.url_name if match is not None else ""
    # The invitation form posts to the invitations address and answers with the members page.
    if name == "invitations" and request.method == "POST":
        return "members"
    return name or ""


@register.filter
def minutes(value: timedelta | None) -> int:
    return int(value.total_seconds() // 60) if value else 0


@register.filter
def one_of(value: str | None, choices: str) -> bool:
    """`url_name|one_of:"members,tokens"`."""
    return value is not None and value in choices.split(",")


@register.filter
def bootstrap(field: BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap's classes (and is-invalid on errors)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
