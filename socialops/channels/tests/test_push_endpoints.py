"""Accounts whose platform pushes events (WeChat) get a callback endpoint while connected."""

from __future__ import annotations

import json
from pathlib import Path

import respx

from socialops.channels import actions
from socialops.connectors.wechat.models import WechatCallbackEndpoint
from socialops.core import crypto

TOKEN = json.loads(
    (
        Path(__file__).parents[2]
        / "connectors"
        / "wechat"
        / "tests"
        / "fixtures"
        / "stable_token.json"
    ).read_text()
)
FIELDS = {
    "app_id": "wx1234567890abcdef",
    "app_secret": "app-secret",
    "token": "callback-token",
    "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "original_id": "gh_1a2b3c4d5e6f",
}


def _connect(team):
    with respx.mock(assert_all_mocked=True) as router:
        router.post("https://api.weixin.qq.com/cgi-bin/stable_token").respond(200, json=TOKEN)
        return actions.connect_channel(
            access=team.access("alice"), connector="wechat", fields=FIELDS
        )


def test_it_opens_a_callback_endpoint_when_a_wechat_account_connects(team):
    channel = _connect(team)

    key = channel.config["push_key"]
    endpoint = WechatCallbackEndpoint.objects.get(key=key)
    assert endpoint.workspace == team.workspace
    assert crypto.decrypt(endpoint.token_ciphertext) == "callback-token"
    assert channel.config["push_url"].endswith(f"/callbacks/wechat/{key}/")
    assert len(key) >= 24


def test_it_keeps_the_callback_url_across_a_reconnect(team):
    channel = _connect(team)
    url = channel.config["push_url"]

    with respx.mock(assert_all_mocked=True) as router:
        router.post("https://api.weixin.qq.com/cgi-bin/stable_token").respond(200, json=TOKEN)
        again = actions.reconnect_channel(
            access=team.access("alice"), channel=channel, fields=FIELDS
        )

    assert again.config["push_url"] == url
    assert WechatCallbackEndpoint.objects.count() == 1


def test_it_closes_the_endpoint_when_the_account_disconnects(team):
    channel = _connect(team)

    gone = actions.disconnect_channel(access=team.access("alice"), channel=channel)

    assert not WechatCallbackEndpoint.objects.exists()
    assert "push_url" not in gone.config and "push_key" not in gone.config
    response = team.browser("alice").post(f"/callbacks/wechat/{channel.config['push_key']}/")
    assert response.status_code == 404


def test_it_shows_the_callback_url_on_the_accounts_page(team):
    channel = _connect(team)

    page = team.browser("alice").get(f"/w/{team.workspace.slug}/platform/accounts/")

    assert channel.config["push_url"] in page.content.decode()
