"""Reads of the guidebook and canned replies, scoped to a workspace; others' ids are a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from socialops.core.models import AuditEvent

from .models import CannedReply, GuidebookSection

if TYPE_CHECKING:
    from socialops.accounts.models import Workspace
    from socialops.channels.models import Channel
    from socialops.content.models import EditorialRule
    from socialops.inbox.models import Conversation

HISTORY_ACTIONS = (
    "guidebook.updated",
    "guidebook.section_created",
    "guidebook.section_updated",
    "guidebook.section_deleted",
    "guidebook.defaults_added",
)


def sections(workspace: Workspace) -> QuerySet[GuidebookSection]:
    return GuidebookSection.objects.filter(workspace=workspace).select_related("updated_by")


def section(workspace: Workspace, section_id: int) -> GuidebookSection:
    found = sections(workspace).filter(pk=section_id).first()
    if found is None:
        raise Http404("No such section.")
    return found


def reply_rules(workspace: Workspace) -> QuerySet[EditorialRule]:
    """Every rule the reply linter may use (enabled or not): scope replies or both."""
    from socialops.content.models import EditorialRule

    return EditorialRule.objects.filter(workspace=workspace).exclude(
        scope=EditorialRule.Scope.POSTS
    )


def reply_rule(workspace: Workspace, rule_id: int) -> EditorialRule:
    found = reply_rules(workspace).filter(pk=rule_id).first()
    if found is None:
        raise Http404("No such rule.")
    return found


def history(workspace: Workspace, limit: int = 50) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(workspace=workspace, action__in=HISTORY_ACTIONS)
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def canned_replies(workspace: Workspace) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(workspace=workspace)


def canned_reply(workspace: Workspace, reply_id: int) -> CannedReply:
    found = canned_replies(workspace).filter(pk=reply_id).first()
    if found is None:
        raise Http404("No such canned reply.")
    return found


def channel(workspace: Workspace, channel_id: int) -> Channel:
    from socialops.channels.models import Channel

    found = Channel.objects.filter(workspace=workspace, pk=channel_id).first()
    if found is None:
        raise Http404("No such account.")
    return found


def conversation(workspace: Workspace, conversation_id: int) -> Conversation:
    from socialops.inbox.models import Conversation

    found = (
        Conversation.objects.filter(workspace=workspace, pk=conversation_id)
        .select_related("channel")
        .first()
    )
    if found is None:
        raise Http404("No such conversation.")
    return found
