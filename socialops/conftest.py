"""Shared fixtures: one workspace with a persona per role, an outsider, API clients."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from socialops.accounts import actions
from socialops.accounts.models import ApiToken, Membership, User, Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Role
from socialops.core.errors import has_error_shape
from socialops.core.models import AuditEvent

PASSWORD = "Tr0ub4dor&3-horse-staple"  # noqa: S105 - a test fixture
API = "/api/v1"

# Who holds which role in alice's workspace; charlie owns another one.
PERSONAS = {
    "alice": Role.OWNER,
    "bob": Role.MANAGER,
    "carol": Role.EDITOR,
    "dave": Role.AGENT,
    "erin": Role.ANALYST,
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that check hashing put it back themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class ApiClient:
    """A Django test client that speaks JSON to /api/v1 with one bearer token."""

    def __init__(self, raw_token: str = "", **defaults: Any) -> None:
        headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}
        self.raw_token = raw_token
        self.client = Client(headers=headers, **defaults)

    def _url(self, path: str) -> str:
        return path if path.startswith(API) else API + path

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.client.get(self._url(path), params or {}, **extra)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._send("post", path, body, **extra)

    def patch(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._send("patch", path, body, **extra)

    def put(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._send("put", path, body, **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self.client.delete(self._url(path), **extra)

    def _send(self, method: str, path: str, body: Any, **extra: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body if body else {})
        return getattr(self.client, method)(
            self._url(path), data, content_type="application/json", **extra
        )


@dataclass
class Team:
    workspace: Workspace
    other: Workspace
    alice: User
    bob: User
    carol: User
    dave: User
    erin: User
    charlie: User

    def user(self, name: str) -> User:
        return getattr(self, name)  # type: ignore[no-any-return]

    def membership(self, name: str, workspace: Workspace | None = None) -> Membership:
        return Membership.objects.get(workspace=workspace or self.workspace, user=self.user(name))

    def access(self, name: str, workspace: Workspace | None = None) -> Access:
        membership = self.membership(name, workspace)
        return Access(workspace=membership.workspace, membership=membership)

    def token(self, name: str, workspace: Workspace | None = None, **options: Any) -> str:
        """A new raw API token for this persona in the workspace (alice's by default)."""
        if name == "charlie" and workspace is None:
            workspace = self.other
        _token, raw = actions.create_api_token(
            access=self.access(name, workspace), name=f"{name} test token", **options
        )
        return raw

    def api(self, name: str, workspace: Workspace | None = None) -> ApiClient:
        return ApiClient(self.token(name, workspace))

    def browser(self, name: str, **defaults: Any) -> Client:
        client = Client(**defaults)
        client.force_login(self.user(name), backend="django.contrib.auth.backends.ModelBackend")
        return client


def make_user(name: str, password: str = PASSWORD) -> User:
    return actions.create_user(
        email=f"{name}@example.com", password=password, name=name.title(), via="system"
    )


@pytest.fixture
def team(db: Any) -> Team:
    alice = make_user("alice")
    workspace = actions.create_workspace(actor=alice, name="Acme 示例品牌", slug="acme")
    people = {"alice": alice}
    for name, role in PERSONAS.items():
        if name == "alice":
            continue
        people[name] = make_user(name)
        Membership.objects.create(workspace=workspace, user=people[name], role=role)
    charlie = make_user("charlie")
    other = actions.create_workspace(actor=charlie, name="Globex", slug="globex")
    return Team(workspace=workspace, other=other, charlie=charlie, **people)  # type: ignore[arg-type]


def error_of(response: Any) -> dict[str, Any]:
    """The `error` object of an API response, after checking the shared shape."""
    assert has_error_shape(response), (response.status_code, response.content[:500])
    return response.json()["error"]  # type: ignore[no-any-return]


def logged_after(event: AuditEvent) -> dict[str, Any]:
    """The `after` details of an audit event, which these tests expect to be there."""
    assert isinstance(event.after, dict), event.after
    return event.after


def audit_count(action: str, **filters: Any) -> int:
    return AuditEvent.objects.filter(action=action, **filters).count()


def row_counts() -> dict[str, int]:
    """Rows of every table a request might write to except the audit log, for nothing-written."""
    from socialops.accounts.models import Invitation
    from socialops.core.models import IdempotencyRecord

    return {
        "users": User.objects.count(),
        "workspaces": Workspace.objects.count(),
        "memberships": Membership.objects.count(),
        "invitations": Invitation.objects.count(),
        "tokens": ApiToken.objects.count(),
        "active_tokens": ApiToken.objects.filter(revoked_at__isnull=True).count(),
        "idempotency": IdempotencyRecord.objects.count(),
        "roles": hash(tuple(Membership.objects.order_by("id").values_list("role", flat=True))),
        "names": hash(tuple(Workspace.objects.order_by("id").values_list("name", "time_zone"))),
    }
