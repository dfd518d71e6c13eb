from __future__ import annotations

import httpx
import pytest
import respx

from socialops.connectors.base import AuthExpired, ConnectorError, RateLimited
from socialops.connectors.wechat.connector import WechatConnector

from .conftest import API, CONFIG, fixture, make, sent


def test_it_connects_by_fetching_a_stable_token(wechat: respx.MockRouter) -> None:
    route = wechat.post(API + "stable_token").respond(json=fixture("stable_token"))
    connector = WechatConnector(credentials={}, config=CONFIG)

    credentials = connector.connect(
        {
            "app_id": "wx1234567890abcdef",
            "app_secret": " app-secret ",
            "token": "callback-token",
            "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "original_id": "gh_1a2b3c4d5e6f",
        }
    )

    assert sent(route.calls.last) == {
        "grant_type": "client_credential",
        "appid": "wx1234567890abcdef",
        "secret": "app-secret",
        "force_refresh": False,
    }
    assert credentials == {
        "app_secret": "app-secret",
        "token": "callback-token",
        "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "remote_id": "gh_1a2b3c4d5e6f",
        "access_token": "ACCESS_TOKEN_1",
        "expires_at": "2024-06-01T04:00:30+00:00",
    }


def test_it_refuses_a_wrong_app_secret_as_auth_expired(wechat: respx.MockRouter) -> None:
    wechat.post(API + "stable_token").respond(json=fixture("error_invalid_appsecret"))
    connector = WechatConnector(credentials={}, config=CONFIG)

    with pytest.raises(AuthExpired) as caught:
        connector.connect(
            {"app_id": "wx1", "app_secret": "bad", "token": "t", "original_id": "gh_1"}
        )

    assert caught.value.platform_code == "40125"


def test_it_refuses_an_aes_key_of_the_wrong_length() -> None:
    connector = WechatConnector(credentials={}, config=CONFIG)

    with pytest.raises(ConnectorError) as caught:
        connector.connect(
            {
                "app_id": "wx1",
                "app_secret": "s",
                "token": "t",
                "encoding_aes_key": "short",
                "original_id": "gh_1",
            }
        )

    assert caught.value.permanent


def test_it_can_use_the_legacy_token_endpoint(wechat: respx.MockRouter) -> None:
    route = wechat.get(API + "token").respond(json=fixture("token"))
    wechat.get(API + "user/info").respond(json=fixture("user_info"))
    connector = make(access_token="", config={"token_api": "token"})

    connector.fetch_user("oLVPpjqs9BhvzwPj5A-vTYAX3GLc")

    assert route.calls.last.request.url.params["secret"] == "app-secret"
    renewed = connector.refreshed_credentials()
    assert renewed is not None and renewed["access_token"] == "ACCESS_TOKEN_LEGACY"


def test_it_reuses_a_cached_token_and_reports_nothing_renewed(wechat: respx.MockRouter) -> None:
    route = wechat.get(API + "user/info").respond(json=fixture("user_info"))
    connector = make()

    connector.fetch_user("oLVPpjqs9BhvzwPj5A-vTYAX3GLc")

    assert route.calls.last.request.url.params["access_token"] == "ACCESS_TOKEN_0"
    assert connector.refreshed_credentials() is None


def test_it_renews_a_token_five_minutes_before_it_expires(wechat: respx.MockRouter) -> None:
    wechat.post(API + "stable_token").respond(json=fixture("stable_token"))
    route = wechat.get(API + "user/info").respond(json=fixture("user_info"))
    connector = make(expires_at="2024-06-01T02:04:00+00:00")

    connector.fetch_user("oLVPpjqs9BhvzwPj5A-vTYAX3GLc")

    assert route.calls.last.request.url.params["access_token"] == "ACCESS_TOKEN_1"
    renewed = connector.refreshed_credentials()
    assert renewed is not None
    assert renewed["expires_at"] == "2024-06-01T04:00:30+00:00"
    assert renewed["app_secret"] == "app-secret"


def test_it_refreshes_once_on_40001_and_retries(wechat: respx.MockRouter) -> None:
    token = wechat.post(API + "stable_token").respond(json=fixture("stable_token"))
    info = wechat.get(API + "user/info").mock(
        side_effect=[
            httpx.Response(200, json=fixture("error_invalid_credential")),
            httpx.Response(200, json=fixture("user_info")),
        ]
    )
    connector = make()

    author = connector.fetch_user("oLVPpjqs9BhvzwPj5A-vTYAX3GLc")

    assert author.name == "上海门店老客户"
    assert sent(token.calls.last)["force_refresh"] is True
    assert [c.request.url.params["access_token"] for c in info.calls] == [
        "ACCESS_TOKEN_0",
        "ACCESS_TOKEN_1",
    ]
    renewed = connector.refreshed_credentials()
    assert renewed is not None and renewed["access_token"] == "ACCESS_TOKEN_1"


def test_it_gives_up_when_the_fresh_token_is_refused_too(wechat: respx.MockRouter) -> None:
    wechat.post(API + "stable_token").respond(json=fixture("stable_token"))
    wechat.get(API + "user/info").respond(json=fixture("error_invalid_credential"))

    with pytest.raises(AuthExpired) as caught:
        make().fetch_user("o1")

    assert caught.value.platform_code == "40001"


def test_it_maps_the_daily_quota_to_rate_limited_until_beijing_midnight(
    wechat: respx.MockRouter,
) -> None:
    wechat.get(API + "user/info").respond(json=fixture("error_daily_quota"))

    with pytest.raises(RateLimited) as caught:
        make().fetch_user("o1")

    assert caught.value.platform_code == "45009"
    assert caught.value.retry_after == 14 * 3600 - 30  # 10:00:30 → 24:00 Beijing


def test_it_maps_the_minute_quota_to_rate_limited(wechat: respx.MockRouter) -> None:
    wechat.get(API + "user/info").respond(json=fixture("error_minute_quota"))

    with pytest.raises(RateLimited) as caught:
        make().fetch_user("o1")

    assert caught.value.retry_after == 60.0


def test_it_treats_system_busy_as_retryable(wechat: respx.MockRouter) -> None:
    wechat.get(API + "user/info").respond(json=fixture("error_system"))

    with pytest.raises(ConnectorError) as caught:
        make().fetch_user("o1")

    assert not caught.value.permanent
    assert caught.value.code == "platform_busy"


def test_it_reads_user_info(wechat: respx.MockRouter) -> None:
    route = wechat.get(API + "user/info").respond(json=fixture("user_info"))

    author = make().fetch_user("oLVPpjqs9BhvzwPj5A-vTYAX3GLc")

    assert route.calls.last.request.url.params["lang"] == "zh_CN"
    assert author.remote_id == "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"
    assert author.name == "上海门店老客户"
