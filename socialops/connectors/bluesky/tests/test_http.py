"""Responses the local PDS cannot give (AppView reads, limits, failures), played by respx.

Shapes follow the lexicons and docs.bsky.app: listNotifications, getProfile, getPosts, the
XRPC error body {"error", "message"} and the ratelimit-* headers.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import time_machine

from socialops.connectors.base import (
    AuthExpired,
    ConnectorError,
    OutcomeUnknown,
    PublishRequest,
    RateLimited,
    RemoteRef,
)
from socialops.connectors.bluesky.connector import BlueskyConnector
from socialops.connectors.bluesky.rkeys import TID_PATTERN, rkey_for

BASE = "https://pds.example.com"
XRPC = f"{BASE}/xrpc"
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
FIXTURES = Path(__file__).parent / "fixtures"
POST_URI = f"at://{DID}/app.bsky.feed.post/3lbv7pbzwzk2a"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def jwt(exp: int) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part({'sub': DID, 'exp': exp})}.c2ln"


def make_connector() -> BlueskyConnector:
    session = ":::".join(["acme.bsky.social", DID, jwt(4102444800), jwt(4102444800), BASE])
    return BlueskyConnector(
        credentials={"session": session, "did": DID, "handle": "acme.bsky.social", "service": BASE}
    )


def xrpc_error(status: int, error: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


@pytest.fixture
def pds() -> Any:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def test_it_reads_mentions_and_replies_from_notifications(pds: respx.MockRouter) -> None:
    route = pds.get(f"{XRPC}/app.bsky.notification.listNotifications").respond(
        json=load("list_notifications")
    )
    page = make_connector().fetch_inbox("2024-11-26T08:01:00.412Z")

    assert [(i.kind, i.author.handle, i.text) for i in page.items] == [
        ("mention", "wang.example.com", "推荐 @acme.bsky.social 的春季新品"),
        ("comment", "lin.bsky.social", "请问新品什么时候到货？"),
    ]
    comment = page.items[1]
    assert comment.thread_id == POST_URI and comment.parent_id == POST_URI
    assert comment.author.name == "林小姐"
    assert comment.created_at == datetime(2024, 11, 26, 9, 15, 31, 23000, tzinfo=UTC)
    assert page.cursor == "2024-11-26T09:15:31.502Z"
    assert page.has_more is False
    assert route.calls.last.request.url.params["limit"] == "50"


def test_it_reads_nothing_new_with_the_newest_cursor(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/app.bsky.notification.listNotifications").respond(
        json=load("list_notifications")
    )

    page = make_connector().fetch_inbox("2024-11-26T09:15:31.502Z")

    assert (list(page.items), page.cursor) == ([], "2024-11-26T09:15:31.502Z")


def test_it_reads_the_profile_view(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/app.bsky.actor.getProfile", params={"actor": DID}).respond(
        json=load("get_profile")
    )

    profile = make_connector().fetch_profile()

    assert (profile.handle, profile.display_name, profile.bio) == (
        "acme.bsky.social",
        "Acme 官方",
        "Acme 的官方账号 🌸",
    )
    assert (profile.followers, profile.following, profile.posts) == (1532, 48, 317)
    assert profile.pinned_post_id == POST_URI
    assert profile.url == "https://bsky.app/profile/acme.bsky.social"


@time_machine.travel(datetime(2024, 11, 27, 1, 0, tzinfo=UTC), tick=False)
def test_it_reads_counts_from_the_appview(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/app.bsky.feed.getPosts").respond(json=load("get_posts"))

    [metrics] = make_connector().fetch_metrics([RemoteRef(remote_id=POST_URI)])

    assert (metrics.likes, metrics.reposts, metrics.comments) == (87, 12, 4)
    assert metrics.collected_at == datetime(2024, 11, 27, 1, 0, tzinfo=UTC)


@time_machine.travel(datetime(2024, 11, 27, 1, 0, tzinfo=UTC), tick=False)
def test_it_turns_429_into_rate_limited_with_the_reset(pds: respx.MockRouter) -> None:
    reset = int(datetime(2024, 11, 27, 1, 2, tzinfo=UTC).timestamp())
    pds.get(f"{XRPC}/app.bsky.actor.getProfile").mock(
        return_value=xrpc_error(
            429,
            "RateLimitExceeded",
            "Rate Limit Exceeded",
            **{
                "ratelimit-limit": "3000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(reset),
            },
        )
    )

    with pytest.raises(RateLimited) as caught:
        make_connector().fetch_profile()

    assert caught.value.retry_after == 120
    assert caught.value.permanent is False


def test_it_turns_an_expired_token_into_auth_expired(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/com.atproto.repo.getRecord").mock(
        return_value=xrpc_error(400, "ExpiredToken", "Token has expired")
    )

    with pytest.raises(AuthExpired) as caught:
        make_connector().publish(PublishRequest(text="你好"), idempotency_key="k")

    assert caught.value.platform_code == "ExpiredToken"


def test_it_reports_a_create_timeout_as_outcome_unknown(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/com.atproto.repo.getRecord").mock(
        return_value=xrpc_error(400, "RecordNotFound", "Could not locate record")
    )
    create = pds.post(f"{XRPC}/com.atproto.repo.createRecord").mock(
        side_effect=httpx.ReadTimeout("timed out")
    )

    with pytest.raises(OutcomeUnknown):
        make_connector().publish(PublishRequest(text="你好"), idempotency_key="launch-1")

    sent = json.loads(create.calls.last.request.content)
    assert sent["rkey"] == rkey_for("launch-1")


def test_it_retries_after_a_server_error(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/app.bsky.actor.getProfile").mock(
        return_value=xrpc_error(500, "InternalServerError", "Internal Server Error")
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector().fetch_profile()

    assert (caught.value.permanent, caught.value.code) == (False, "server_error")


def test_it_refuses_an_invalid_record_for_good(pds: respx.MockRouter) -> None:
    pds.get(f"{XRPC}/com.atproto.repo.getRecord").mock(
        return_value=xrpc_error(400, "RecordNotFound", "Could not locate record")
    )
    pds.post(f"{XRPC}/com.atproto.repo.createRecord").mock(
        return_value=xrpc_error(400, "InvalidRequest", "Invalid app.bsky.feed.post record")
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector().publish(PublishRequest(text="你好"), idempotency_key="bad")

    assert (caught.value.permanent, caught.value.platform_code) == (True, "InvalidRequest")


def test_it_derives_a_stable_valid_tid_from_the_key() -> None:
    keys = [f"publication-{n}" for n in range(200)]

    rkeys = [rkey_for(key) for key in keys]

    assert rkeys == [rkey_for(key) for key in keys]
    assert len(set(rkeys)) == len(keys)
    assert all(TID_PATTERN.match(rkey) for rkey in rkeys)
