from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from socialops.connectors import registry
from socialops.connectors.base import AuthKind, ConnectorError
from socialops.connectors.mastodon.connector import MastodonConnector

from .conftest import ACCOUNT_ID, BASE, load

REDIRECT = "https://socialops.example/channels/oauth/callback"


def test_it_is_registered_as_an_oauth_connector_with_mastodon_text_rules() -> None:
    cls = registry.get("mastodon")
    assert cls is MastodonConnector
    assert cls.auth_kind is AuthKind.OAUTH2
    assert cls.text_rules == "mastodon"


@pytest.mark.parametrize(
    "url",
    [
        "http://mastodon.example",
        "mastodon.example",
        "https://mastodon.example/@acme",
        "https://mastodon.example/?x=1",
        "https://user@mastodon.example",
        "",
    ],
)
def test_it_refuses_an_instance_url_that_is_not_https_without_a_path(url: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        MastodonConnector(credentials={}, config={"instance_url": url})
    assert caught.value.permanent
    assert caught.value.code == "invalid_config"


def test_it_normalises_the_instance_url() -> None:
    connector = MastodonConnector(
        credentials={}, config={"instance_url": " https://Mastodon.Example/ "}
    )
    assert connector.base_url == BASE


def test_it_registers_the_app_and_builds_the_authorize_url(mastodon: respx.MockRouter) -> None:
    apps = mastodon.post("/api/v1/apps").respond(200, json=load("app"))
    connector = MastodonConnector(credentials={}, config={"instance_url": BASE})

    url = connector.authorization_url(state="st4te", redirect_uri=REDIRECT)

    sent = parse_qs(apps.calls.last.request.content.decode())
    assert sent == {
        "client_name": ["SocialOps"],
        "redirect_uris": [REDIRECT],
        "scopes": ["read write follow"],
    }
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE}/oauth/authorize"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": ["TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM"],
        "redirect_uri": [REDIRECT],
        "scope": ["read write follow"],
        "state": ["st4te"],
    }
    assert connector.registered_app() == {
        "client_id": "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM",
        "client_secret": "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw",
        "redirect_uri": REDIRECT,
    }


def test_it_reuses_a_stored_app_registration(mastodon: respx.MockRouter) -> None:
    apps = mastodon.post("/api/v1/apps")
    config = {
        "instance_url": BASE,
        "client_id": "stored",
        "client_secret": "s",
        "redirect_uri": REDIRECT,
    }
    connector = MastodonConnector(credentials={}, config=config)

    url = connector.authorization_url(state="x", redirect_uri=REDIRECT)

    assert not apps.called
    assert "client_id=stored" in url
    assert connector.registered_app() is None


def test_it_exchanges_the_code_for_credentials(mastodon: respx.MockRouter) -> None:
    token = mastodon.post("/oauth/token").respond(200, json=load("token"))
    me = mastodon.get("/api/v1/accounts/verify_credentials").respond(200, json=load("account"))
    config = {"instance_url": BASE, "client_id": "cid", "client_secret": "csecret"}
    connector = MastodonConnector(credentials={}, config=config)

    credentials = connector.exchange_code(code="c0de", redirect_uri=REDIRECT)

    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": ["c0de"],
        "client_id": ["cid"],
        "client_secret": ["csecret"],
        "redirect_uri": [REDIRECT],
        "scope": ["read write follow"],
    }
    assert me.calls.last.request.headers["Authorization"] == (
        "Bearer ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    )
    assert credentials == {
        "access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0",
        "scope": "read write follow",
        "account_id": ACCOUNT_ID,
        "acct": "acme@mastodon.example",
        "instance": BASE,
        "client_id": "cid",
        "client_secret": "csecret",
    }


def test_it_reports_a_rejected_code_as_permanent(mastodon: respx.MockRouter) -> None:
    mastodon.post("/oauth/token").respond(
        400,
        json={
            "error": "invalid_grant",
            "error_description": "The provided authorization grant is invalid, expired, revoked.",
        },
    )
    config = {"instance_url": BASE, "client_id": "cid", "client_secret": "csecret"}
    connector = MastodonConnector(credentials={}, config=config)

    with pytest.raises(ConnectorError) as caught:
        connector.exchange_code(code="old", redirect_uri=REDIRECT)

    assert caught.value.permanent
    assert caught.value.code == "oauth_rejected"
    assert caught.value.message.startswith("invalid_grant: The provided authorization grant")


def test_it_reports_an_unreachable_instance_during_connect_as_retryable(
    mastodon: respx.MockRouter,
) -> None:
    mastodon.post("/api/v1/apps").mock(side_effect=httpx.ConnectError("refused"))
    connector = MastodonConnector(credentials={}, config={"instance_url": BASE})

    with pytest.raises(ConnectorError) as caught:
        connector.authorization_url(state="x", redirect_uri=REDIRECT)

    assert not caught.value.permanent
    assert caught.value.code == "network"


def test_it_reads_the_limits_from_the_instance(mastodon: respx.MockRouter) -> None:
    mastodon.get("/api/v2/instance/").respond(200, json=load("instance_v2"))
    connector = MastodonConnector(credentials={"instance": BASE})

    assert connector.instance_limits()["max_characters"] == 500
    assert connector.instance_limits()["max_media_attachments"] == 4
    assert len(mastodon.calls) == 1  # cached


def test_it_reports_an_app_registration_without_credentials_as_malformed(
    mastodon: respx.MockRouter,
) -> None:
    mastodon.post("/api/v1/apps").respond(200, json={"id": "1", "name": "SocialOps"})
    connector = MastodonConnector(credentials={}, config={"instance_url": BASE})

    with pytest.raises(ConnectorError) as caught:
        connector.authorization_url(state="x", redirect_uri=REDIRECT)

    assert not caught.value.permanent
    assert caught.value.code == "malformed_response"
    assert connector.registered_app() is None
