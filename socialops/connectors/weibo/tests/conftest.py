"""Weibo connector tests: every HTTP call answered by respx from documented response shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import respx
import time_machine

from socialops.connectors.weibo.connector import WeiboConnector

FIXTURES = Path(__file__).parent / "fixtures"
API = "https://api.weibo.com/2/"
OAUTH = "https://api.weibo.com/oauth2/"
NOW = datetime(2024, 6, 1, 2, 0, 30, tzinfo=UTC)  # 10:00:30 in Beijing

CONFIG = {
    "app_key": "1352222456",
    "app_secret": "app-secret",
    "safe_domain": "example.com",
    "safe_domain_url": "https://www.example.com/launch",
}
CREDENTIALS = {
    "access_token": "2.00ixOpPDIg6znDa273b69da7ZFtzqB",
    "uid": "1726834811",
    "expires_at": "2029-01-01T00:00:00+00:00",
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def form(request: Any) -> dict[str, str]:
    """The urlencoded body of a recorded request, one value per field."""
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


def make(**config: Any) -> WeiboConnector:
    credentials = config.pop("credentials", CREDENTIALS)
    return WeiboConnector(credentials=credentials, config={**CONFIG, **config})


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def weibo() -> Iterator[respx.MockRouter]:
    """Every call must be mocked and every mocked route must be called."""
    with respx.mock(assert_all_called=True, assert_all_mocked=True) as router:
        yield router
