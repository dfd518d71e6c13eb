"""`{% open_publishing_tasks current_workspace as n %}` for the Content tab's count badge."""

from __future__ import annotations

from django import template

from socialops.accounts.models import Workspace
from socialops.publishing.views_tasks import open_count

register = template.Library()


@register.simple_tag
def open_publishing_tasks(workspace: Workspace | None) -> int:
    return open_count(workspace) if workspace is not None else 0
