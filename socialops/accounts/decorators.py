"""The one gate every workspace page passes: signed in, a member, and a role that allows it."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from socialops.accounts.actions import remember_workspace
from socialops.accounts.queries import workspace_access
from socialops.accounts.roles import Perm

View = Callable[..., HttpResponse]


def workspace_view(perm: Perm = Perm.WORKSPACE_VIEW) -> Callable[[View], View]:
    """Resolve /w/<slug>/ to request.access, require perm, show times in the workspace's zone."""

    def decorate(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            access = workspace_access(request.user, slug, request)  # type: ignore[arg-type]
            access.require(perm, request)
            request.access = access  # type: ignore[attr-defined]
            remember_workspace(user=access.user, workspace=access.workspace)
            timezone.activate(zoneinfo.ZoneInfo(access.workspace.time_zone))
            try:
                return view(request, access, *args, **kwargs)
            finally:
                timezone.deactivate()

        return wrapper

    return decorate
