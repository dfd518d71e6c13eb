from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from socialops.connectors import registry
from socialops.connectors.base import AuthKind, ConnectorError
from socialops.connectors.weibo.connector import WeiboConnector

from .conftest import NOW, OAUTH, fixture, form, make


def test_it_is_registered_under_weibo() -> None:
    # registry.get() imports every connector package; importing ours is what registers it.
    assert registry._CONNECTORS["weibo"] is WeiboConnector
    assert WeiboConnector.auth_kind is AuthKind.OAUTH2
    assert WeiboConnector.text_rules == "weibo"


def test_it_sends_the_person_to_weibos_authorize_page() -> None:
    url = make().authorization_url(state="st-42", redirect_uri="https://ops.example.com/cb")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{OAUTH}authorize"
    assert parse_qs(parts.query) == {
        "client_id": ["1352222456"],
        "redirect_uri": ["https://ops.example.com/cb"],
        "response_type": ["code"],
        "state": ["st-42"],
    }


def test_it_trades_the_code_for_credentials_checked_against_the_app(weibo) -> None:
    token = weibo.post(f"{OAUTH}access_token").respond(200, json=fixture("oauth_access_token"))
    info = weibo.post(f"{OAUTH}get_token_info").respond(200, json=fixture("oauth_get_token_info"))

    credentials = make(credentials={}).exchange_code(
        code="4ccb7879bf20", redirect_uri="https://ops.example.com/cb"
    )

    assert credentials == {
        "access_token": "2.00ixOpPDIg6znDa273b69da7ZFtzqB",
        "uid": "1726834811",
        "expires_at": (NOW + timedelta(seconds=157679471)).isoformat(),
    }
    assert form(token.calls.last.request) == {
        "client_id": "1352222456",
        "client_secret": "app-secret",
        "grant_type": "authorization_code",
        "code": "4ccb7879bf20",
        "redirect_uri": "https://ops.example.com/cb",
    }
    assert form(info.calls.last.request) == {"access_token": "2.00ixOpPDIg6znDa273b69da7ZFtzqB"}


def test_it_refuses_a_bad_code_clearly(weibo) -> None:
    weibo.post(f"{OAUTH}access_token").respond(400, json=fixture("oauth_invalid_grant"))

    with pytest.raises(ConnectorError) as raised:
        make(credentials={}).exchange_code(code="used", redirect_uri="https://ops.example.com/cb")

    assert raised.value.permanent
    assert raised.value.code == "oauth_failed"
    assert raised.value.platform_code == "21325"
    assert "authorization code is invalid" in raised.value.message


def test_it_refuses_a_token_issued_to_another_app(weibo) -> None:
    weibo.post(f"{OAUTH}access_token").respond(200, json=fixture("oauth_access_token"))
    weibo.post(f"{OAUTH}get_token_info").respond(
        200, json=fixture("oauth_get_token_info_other_app")
    )

    with pytest.raises(ConnectorError) as raised:
        make(credentials={}).exchange_code(code="c", redirect_uri="https://ops.example.com/cb")

    assert (raised.value.permanent, raised.value.code) == (True, "oauth_failed")


def test_it_reports_an_unreadable_token_answer_as_retryable(weibo) -> None:
    weibo.post(f"{OAUTH}access_token").respond(200, text="<html>busy</html>")

    with pytest.raises(ConnectorError) as raised:
        make(credentials={}).exchange_code(code="c", redirect_uri="https://ops.example.com/cb")

    assert (raised.value.permanent, raised.value.code) == (False, "malformed_response")


def test_it_treats_a_lost_token_answer_as_retryable(weibo) -> None:
    weibo.post(f"{OAUTH}access_token").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(ConnectorError) as raised:
        make(credentials={}).exchange_code(code="c", redirect_uri="https://ops.example.com/cb")

    assert (raised.value.permanent, raised.value.code) == (False, "timeout")
