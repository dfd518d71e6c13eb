"""A Mastodon instance played by respx from the API's documented response shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx

from socialops.connectors.mastodon.connector import MastodonConnector

BASE = "https://mastodon.example"
FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNT_ID = "109302436954721982"
TOKEN = "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
LIMITS_500 = {
    "max_characters": 500,
    "characters_reserved_per_url": 23,
    "max_media_attachments": 4,
    "image_size_limit": 16777216,
    "supported_mime_types": ["image/jpeg", "image/png"],
}


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def error(message: str) -> dict[str, str]:
    """Mastodon's error entity."""
    return {"error": message}


def make_connector(*, limits: dict[str, Any] | None = None, **config: Any) -> MastodonConnector:
    credentials = {
        "access_token": TOKEN,
        "account_id": ACCOUNT_ID,
        "acct": "acme@mastodon.example",
        "instance": BASE,
    }
    if limits is not None:
        config["limits"] = limits
    return MastodonConnector(credentials=credentials, config=config)


@pytest.fixture
def mastodon() -> Iterator[respx.MockRouter]:
    """Every request must hit a declared route; nothing reaches the network."""
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as router:
        yield router


@pytest.fixture
def connector() -> MastodonConnector:
    return make_connector(limits=dict(LIMITS_500))


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MastodonConnector, "media_poll_delays", (0, 0, 0))
