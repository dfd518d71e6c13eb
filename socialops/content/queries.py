"""Reads of publishing rules, scoped to a workspace; another workspace's ids are a 404."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace

from .models import EditorialRule
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
    return [row.as_rule() for row in workspace_rules(workspace).filter(enabled=True)]


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
