from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from socialops.accounts.queries import user_memberships


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace access (set by workspace views) and the switcher's list."""
    access = getattr(request, "access", None)
    user = getattr(request, "user", None)
    memberships = list(user_memberships(user)) if user is not None and user.is_authenticated else []
    return {
        "access": access,
        "current_workspace": access.workspace if access else None,
        "my_memberships": memberships,
    }
