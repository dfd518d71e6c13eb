"""Test-only connectors: a form-connected one and an OAuth one, with switches for failures."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import urlencode

from socialops.connectors import registry
from socialops.connectors.base import (
    AuthExpired,
    AuthKind,
    Capability,
    ConnectField,
    Connector,
    ConnectorError,
    Profile,
)

SECRET = "s3cret-app-password-不可泄露"  # noqa: S105 - a test fixture


class FakeFormConnector(Connector):
    code = "fakeform"
    name = "Fake form network"
    auth_kind = AuthKind.FORM
    connect_fields = (
        ConnectField(name="handle", label="Handle"),
        ConnectField(name="password", label="App password", secret=True),
    )
    capabilities = frozenset({Capability.PROFILE_READ, Capability.PUBLISH_TEXT})

    profiles: ClassVar[dict[str, dict[str, Any]]] = {}
    expired: ClassVar[set[str]] = set()
    renew_to: ClassVar[dict[str, str]] = {}

    def connect(self, fields: Mapping[str, str]) -> dict[str, Any]:
        if fields.get("password") != SECRET:
            raise AuthExpired("wrong app password", platform_code="401")
        return {"handle": fields["handle"], "password": fields["password"]}

    def fetch_profile(self) -> Profile:
        handle = str(self.credentials["handle"])
        if handle in self.expired:
            raise AuthExpired("token revoked", platform_code="invalid_token")
        if handle == "broken":
            raise ConnectorError("malformed response", permanent=False, code="bad_response")
        data = {"remote_id": f"id-{handle}", "handle": handle, **self.profiles.get(handle, {})}
        return Profile(**data)

    def refreshed_credentials(self) -> dict[str, Any] | None:
        new = self.renew_to.get(str(self.credentials.get("handle")))
        return {**self.credentials, "password": new} if new else None


class FakeOAuthConnector(Connector):
    code = "fakeoauth"
    name = "Fake OAuth network"
    auth_kind = AuthKind.OAUTH2
    capabilities = frozenset({Capability.PROFILE_READ})

    def authorization_url(self, *, state: str, redirect_uri: str) -> str:
        query = urlencode({"state": state, "redirect_uri": redirect_uri})
        return f"https://fake.example/authorize?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> dict[str, Any]:
        if code == "denied":
            raise ConnectorError("invalid_grant", permanent=True, code="rejected")
        return {"access_token": f"token-{code}", "user": code}

    def fetch_profile(self) -> Profile:
        user = str(self.credentials["user"])
        return Profile(remote_id=f"oauth-{user}", handle=user, display_name=f"示例 {user}")


@contextmanager
def registered() -> Iterator[None]:
    for cls in (FakeFormConnector, FakeOAuthConnector):
        registry.register(cls)
    try:
        yield
    finally:
        for cls in (FakeFormConnector, FakeOAuthConnector):
            registry._CONNECTORS.pop(cls.code, None)  # noqa: SLF001 - test-only clean-up
        FakeFormConnector.profiles.clear()
        FakeFormConnector.expired.clear()
        FakeFormConnector.renew_to.clear()
