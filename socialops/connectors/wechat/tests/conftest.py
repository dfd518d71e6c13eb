"""WeChat connector tests: every HTTP call answered by respx from documented response shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import respx
import time_machine

from socialops.connectors.wechat.connector import WechatConnector

FIXTURES = Path(__file__).parent / "fixtures"
API = "https://api.weixin.qq.com/cgi-bin/"
NOW = datetime(2024, 6, 1, 2, 0, 30, tzinfo=UTC)  # 10:00:30 in Beijing

CONFIG = {"app_id": "wx1234567890abcdef", "original_id": "gh_1a2b3c4d5e6f", "workspace_id": 1}
CREDENTIALS = {
    "app_secret": "app-secret",
    "token": "callback-token",
    "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "remote_id": "gh_1a2b3c4d5e6f",
    "access_token": "ACCESS_TOKEN_0",
    "expires_at": "2024-06-01T03:00:00+00:00",
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def sent(call: Any) -> Any:
    return json.loads(call.request.content.decode())


def make(**credentials: Any) -> WechatConnector:
    config = credentials.pop("config", {})
    return WechatConnector(credentials={**CREDENTIALS, **credentials}, config={**CONFIG, **config})


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def wechat() -> Iterator[respx.MockRouter]:
    """Every call must be mocked and every mocked route must be called."""
    with respx.mock(assert_all_called=True, assert_all_mocked=True) as router:
        yield router
