"""API authentication: a personal token bound to one workspace, sent as a Bearer header."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from socialops.accounts.models import ApiToken
from socialops.accounts.queries import Access, hash_secret, token_and_access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.clock import now

LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token from Settings → API tokens: `Bearer so_…`"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found, access = token_and_access(token)
        if found is None or access is None:
            _log_refused(request, token)
            return None
        if found.last_used_at is None or now() - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now())
        request.user = access.user
        request.access = access  # type: ignore[attr-defined]
        return found


def _log_refused(request: HttpRequest, raw: str) -> None:
    known = ApiToken.objects.select_related("workspace").filter(token_hash=hash_secret(raw)).first()
    audit.record(
        action="api.token_refused",
        workspace=known.workspace if known else None,
        actor=known.user if known else None,
        request=request,
        after={
            "reason": "revoked_or_expired" if known else "unknown_token",
            "prefix": raw[:10],
            "path": request.path,
        },
    )


def access_of(request: HttpRequest, perm: Perm | None = None) -> Access:
    """The token's access to its workspace; with perm, refused (403, logged) unless allowed."""
    access: Any = getattr(request, "access", None)
    assert access is not None, "TokenAuth sets request.access"  # noqa: S101
    if perm is not None:
        access.require(perm, request)
    return access  # type: ignore[no-any-return]
