"""The demo workspace's content pillars: the suggested set, loaded once."""

from __future__ import annotations

from socialops.accounts.models import Membership, Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Role

from . import actions
from .models import ContentPillar


def load_demo_pillars(workspace: Workspace) -> list[ContentPillar]:
    """Give a workspace without any pillar (active or archived) the suggested set."""
    if ContentPillar.objects.filter(workspace=workspace).exists():
        return []
    owner = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, role=Role.OWNER)
        .order_by("id")
        .first()
    )
    if owner is None:
        raise ValueError("the demo workspace has no owner")
    return actions.load_default_pillars(access=Access(workspace=workspace, membership=owner))
