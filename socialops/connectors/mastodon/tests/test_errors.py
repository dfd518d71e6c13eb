from __future__ import annotations

from datetime import UTC, datetime

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

from .conftest import LIMITS_500, error, load, make_connector

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
RATE_HEADERS = {
    "X-RateLimit-Limit": "300",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": "2025-06-01T12:04:30.000Z",
}


def test_it_reports_a_revoked_token_as_auth_expired(mastodon: respx.MockRouter) -> None:
    mastodon.get("/api/v1/accounts/verify_credentials").respond(
        401, json=error("The access token was revoked")
    )

    with pytest.raises(AuthExpired) as caught:
        make_connector().fetch_profile()

    assert caught.value.permanent
    assert caught.value.message == "The access token was revoked"


def test_it_reports_auth_expiry_on_publish_too(mastodon: respx.MockRouter) -> None:
    mastodon.post("/api/v1/statuses").respond(401, json=error("The access token is invalid"))

    with pytest.raises(AuthExpired):
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text="x"), idempotency_key="k"
        )


@time_machine.travel(NOW, tick=False)
def test_it_reports_the_rate_limit_with_seconds_until_reset(mastodon: respx.MockRouter) -> None:
    post = mastodon.post("/api/v1/statuses").respond(
        429, json=error("Too many requests"), headers=RATE_HEADERS
    )

    with pytest.raises(RateLimited) as caught:
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text="x"), idempotency_key="k"
        )

    assert caught.value.retry_after == 270.0
    assert not caught.value.permanent
    assert post.call_count == 1  # Mastodon.py must not sleep and retry by itself


@time_machine.travel(NOW, tick=False)
def test_it_measures_the_reset_against_the_server_clock(mastodon: respx.MockRouter) -> None:
    headers = dict(RATE_HEADERS, Date="Sun, 01 Jun 2025 12:04:00 GMT")  # our clock is behind
    mastodon.get("/api/v1/notifications").respond(
        429, json=error("Too many requests"), headers=headers
    )

    with pytest.raises(RateLimited) as caught:
        make_connector().fetch_inbox(None)

    assert caught.value.retry_after == 30.0


@pytest.mark.parametrize(
    ("status", "message", "code"),
    [
        (403, "This action is not allowed", "forbidden"),
        (404, "Record not found", "not_found"),
        (
            422,
            "Validation failed: Note is too long (maximum is 500 characters)",
            "content_rejected",
        ),
    ],
)
def test_it_reports_client_errors_as_permanent_with_the_server_message(
    mastodon: respx.MockRouter, status: int, message: str, code: str
) -> None:
    mastodon.patch("/api/v1/accounts/update_credentials").respond(status, json=error(message))

    with pytest.raises(ConnectorError) as caught:
        make_connector().update_profile({"bio": "x"})

    assert caught.value.permanent
    assert (caught.value.message, caught.value.code) == (message, code)
    assert caught.value.platform_code == str(status)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_it_reports_server_errors_on_reads_as_retryable(
    mastodon: respx.MockRouter, status: int
) -> None:
    mastodon.get("/api/v1/statuses/1").respond(status, text="<html>oops</html>")

    with pytest.raises(ConnectorError) as caught:
        make_connector().fetch_metrics([RemoteRef("1")])

    assert not caught.value.permanent
    assert not isinstance(caught.value, OutcomeUnknown)
    assert caught.value.code == "server_error"


@pytest.mark.parametrize(
    ("failure", "code"),
    [(httpx.ConnectError("refused"), "network"), (httpx.ReadTimeout("slow"), "timeout")],
)
def test_it_reports_connection_failures_on_reads_as_retryable(
    mastodon: respx.MockRouter, failure: Exception, code: str
) -> None:
    mastodon.get("/api/v1/accounts/verify_credentials").mock(side_effect=failure)

    with pytest.raises(ConnectorError) as caught:
        make_connector().fetch_profile()

    assert not caught.value.permanent
    assert caught.value.code == code


@pytest.mark.parametrize("body", ["<html>maintenance</html>", '{"id": "1"', '{"unexpected": true}'])
def test_it_reports_a_malformed_answer_as_retryable(mastodon: respx.MockRouter, body: str) -> None:
    mastodon.get("/api/v1/accounts/verify_credentials").respond(
        200, text=body, headers={"Content-Type": "application/json"}
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector().fetch_profile()

    assert not caught.value.permanent
    assert caught.value.code == "malformed_response"


def test_it_reports_a_malformed_answer_to_a_post_as_outcome_unknown(
    mastodon: respx.MockRouter,
) -> None:
    mastodon.post("/api/v1/statuses").respond(
        200, text="<html>", headers={"Content-Type": "text/html"}
    )

    with pytest.raises(OutcomeUnknown):
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text="x"), idempotency_key="k"
        )


def test_it_reports_a_malformed_instance_answer_as_retryable(mastodon: respx.MockRouter) -> None:
    broken = load("instance_v2")
    del broken["configuration"]["statuses"]
    mastodon.get("/api/v2/instance/").respond(200, json=broken)

    with pytest.raises(ConnectorError) as caught:
        make_connector().publish(PublishRequest(text="x"), idempotency_key="k")

    assert caught.value.code == "malformed_response"
