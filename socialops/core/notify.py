"""In-app notifications: one row per person, shown in the bell menu until read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from socialops.core.models import Notification

if TYPE_CHECKING:
    from socialops.accounts.models import User, Workspace


def notify(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    workspace: Workspace | None = None,
    skip: User | None = None,
) -> int:
    """Tell each person (once, however often they appear) except ``skip``; how many were told."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen or (skip is not None and user.pk == skip.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                workspace=workspace, user=user, kind=kind, title=title[:200], body=body, url=url
            )
        )
    Notification.objects.bulk_create(rows)
    return len(rows)


def members_who_can(workspace: Workspace, perm: str) -> list[User]:
    """The workspace's members whose role holds ``perm``."""
    from socialops.accounts.models import Membership
    from socialops.accounts.roles import ROLE_PERMISSIONS

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    memberships = Membership.objects.filter(workspace=workspace, role__in=roles).select_related(
        "user"
    )
    return [m.user for m in memberships if m.user.is_active]
