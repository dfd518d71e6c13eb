"""What each role may do. Every view and API route asks here and nowhere else."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    EDITOR = "editor", _("Editor")
    AGENT = "agent", _("Agent")
    ANALYST = "analyst", _("Analyst")


class Perm(StrEnum):
    WORKSPACE_VIEW = "workspace.view"
    WORKSPACE_MANAGE = "workspace.manage"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    OWNERS_MANAGE = "owners.manage"
    TOKENS_OWN = "tokens.own"
    AUDIT_VIEW = "audit.view"
    PLATFORM_VIEW = "platform.view"
    PLATFORM_MANAGE = "platform.manage"
    CONTENT_VIEW = "content.view"
    CONTENT_EDIT = "content.edit"
    CONTENT_APPROVE = "content.approve"
    CONTENT_PUBLISH = "content.publish"
    INBOX_VIEW = "inbox.view"
    INBOX_REPLY = "inbox.reply"
    INBOX_MANAGE = "inbox.manage"
    CONTACTS_VIEW = "contacts.view"
    CONTACTS_EDIT = "contacts.edit"
    LISTENING_VIEW = "listening.view"
    LISTENING_MANAGE = "listening.manage"
    ANALYTICS_VIEW = "analytics.view"


_EVERYONE = frozenset(
    {
        Perm.WORKSPACE_VIEW,
        Perm.MEMBERS_VIEW,
        Perm.TOKENS_OWN,
        Perm.PLATFORM_VIEW,
        Perm.CONTENT_VIEW,
        Perm.INBOX_VIEW,
        Perm.CONTACTS_VIEW,
        Perm.LISTENING_VIEW,
        Perm.ANALYTICS_VIEW,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.MANAGER: frozenset(Perm) - {Perm.OWNERS_MANAGE},
    Role.EDITOR: _EVERYONE | {Perm.CONTENT_EDIT, Perm.CONTACTS_EDIT},
    Role.AGENT: _EVERYONE | {Perm.INBOX_REPLY, Perm.CONTACTS_EDIT},
    Role.ANALYST: _EVERYONE | {Perm.AUDIT_VIEW, Perm.LISTENING_MANAGE},
}

ROLE_DESCRIPTIONS = {
    Role.OWNER: _("Everything, including managing other owners."),
    Role.MANAGER: _("Sets strategy, manages members and accounts, approves and publishes."),
    Role.EDITOR: _("Plans and writes content; cannot approve or publish."),
    Role.AGENT: _("Answers comments, mentions and messages in the inbox."),
    Role.ANALYST: _("Reads everything, runs listening queries and reports, sees the audit log."),
}


def can(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


def permissions_of(role: str) -> list[str]:
    return sorted(str(perm) for perm in ROLE_PERMISSIONS.get(role, frozenset()))
