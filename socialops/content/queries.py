"""Reads of publishing rules, scoped to a workspace; another workspace's ids are a 404."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum
from django.http import Http404

from socialops.accounts.models import Workspace

from .models import ContentPillar, EditorialRule
from .rules import Context, Finding, Rule, lint

if TYPE_CHECKING:
    from django.http import HttpRequest


def workspace_rules(workspace: Workspace) -> QuerySet[EditorialRule]:
    return EditorialRule.objects.filter(workspace=workspace).select_related("created_by")


def rule(workspace: Workspace, rule_id: int, request: HttpRequest | None = None) -> EditorialRule:
    found = workspace_rules(workspace).filter(pk=rule_id).first()
    if found is None:
        raise Http404("No such rule.")
    return found


def active_rules(workspace: Workspace) -> list[Rule]:
    """The rules posts are checked with: the guidebook's reply-only rules are left out."""
    rows = workspace_rules(workspace).filter(enabled=True)
    return [row.as_rule() for row in rows.exclude(scope=EditorialRule.Scope.REPLIES)]


def lint_for(
    workspace: Workspace,
    text: str,
    *,
    platform: str,
    paid: bool = False,
    topics: Sequence[str] = (),
) -> list[Finding]:
    """The workspace's enabled rules applied to a text for one platform."""
    context = Context(paid=paid, topics=tuple(topics))
    return lint(text, platform=platform, rules=active_rules(workspace), context=context)


def workspace_pillars(
    workspace: Workspace, archived: bool | None = False
) -> QuerySet[ContentPillar]:
    """The workspace's pillars in their order; archived=None: active and archived."""
    found = ContentPillar.objects.filter(workspace=workspace)
    return found if archived is None else found.filter(archived=archived)


def pillar(workspace: Workspace, pillar_id: int) -> ContentPillar:
    found = workspace_pillars(workspace, archived=None).filter(pk=pillar_id).first()
    if found is None:
        raise Http404("No such pillar.")
    return found


def allocated_share(workspace: Workspace, exclude: int | None = None) -> int:
    """The sum of the active pillars' target shares, in percent."""
    rows = workspace_pillars(workspace)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return int(rows.aggregate(total=Sum("target_share"))["total"] or 0)
