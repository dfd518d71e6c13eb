from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import pytest
import respx
import time_machine

from socialops.connectors.base import (
    Article,
    ConnectorError,
    Media,
    OutcomeUnknown,
    PublishRequest,
    RemoteRef,
    Unsupported,
)

from .conftest import ACCOUNT_ID, LIMITS_500, error, load, make_connector

LAUNCH = "新品发布会今晚 8 点开始 #Acme https://acme.example/launch"
KEY = "publication-42-attempt"


def form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


def test_it_publishes_a_public_status_with_the_idempotency_key(mastodon: respx.MockRouter) -> None:
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    connector = make_connector(limits=dict(LIMITS_500))

    ref = connector.publish(PublishRequest(text=LAUNCH), idempotency_key=KEY)

    sent = post.calls.last.request
    assert sent.headers["Idempotency-Key"] == KEY
    assert sent.headers["Authorization"].startswith("Bearer ")
    assert form(sent) == {"status": [LAUNCH], "visibility": ["public"], "sensitive": ["0"]}
    assert ref.remote_id == "113526467651466208"
    assert ref.url == "https://mastodon.example/@acme/113526467651466208"
    assert ref.published_at == datetime(2025, 6, 1, 2, 0, tzinfo=UTC)


def test_it_sends_the_same_key_again_on_a_retry(mastodon: respx.MockRouter) -> None:
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    connector = make_connector(limits=dict(LIMITS_500))

    first = connector.publish(PublishRequest(text=LAUNCH), idempotency_key=KEY)
    again = connector.publish(PublishRequest(text=LAUNCH), idempotency_key=KEY)

    assert [call.request.headers["Idempotency-Key"] for call in post.calls] == [KEY, KEY]
    assert first == again


def test_it_replies_to_a_status_and_appends_the_link(mastodon: respx.MockRouter) -> None:
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    connector = make_connector(limits=dict(LIMITS_500))
    request = PublishRequest(
        text="详情见", link="https://acme.example/a", reply_to=RemoteRef("113526400000000000")
    )

    connector.publish(request, idempotency_key=KEY)

    sent = form(post.calls.last.request)
    assert sent["in_reply_to_id"] == ["113526400000000000"]
    assert sent["status"] == ["详情见\n\nhttps://acme.example/a"]


def test_it_refuses_a_post_over_the_instance_limit_before_posting(
    mastodon: respx.MockRouter,
) -> None:
    instance = mastodon.get("/api/v2/instance/").respond(200, json=load("instance_v2"))
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    connector = make_connector()

    with pytest.raises(ConnectorError) as caught:
        connector.publish(PublishRequest(text="字" * 600), idempotency_key=KEY)

    assert caught.value.permanent
    assert caught.value.code == "text_too_long"
    assert "600" in caught.value.message and "500" in caught.value.message
    assert instance.call_count == 1
    assert not post.called


def test_it_refuses_with_stored_limits_without_any_http_call(mastodon: respx.MockRouter) -> None:
    connector = make_connector(limits=dict(LIMITS_500))

    with pytest.raises(ConnectorError, match="500"):
        connector.publish(PublishRequest(text="a" * 600), idempotency_key=KEY)

    assert len(mastodon.calls) == 0


def test_it_accepts_the_same_post_on_a_1000_character_instance(mastodon: respx.MockRouter) -> None:
    roomy = load("instance_v2")
    roomy["configuration"]["statuses"]["max_characters"] = 1000
    mastodon.get("/api/v2/instance/").respond(200, json=roomy)
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))

    make_connector().publish(PublishRequest(text="字" * 600), idempotency_key=KEY)

    assert form(post.calls.last.request)["status"] == ["字" * 600]


def test_it_counts_a_link_as_23_characters(mastodon: respx.MockRouter) -> None:
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    long_link = "https://acme.com/" + "x" * 600
    text = "a" * 470 + " " + long_link  # 470 + 1 + 23 = 494

    make_connector(limits=dict(LIMITS_500)).publish(PublishRequest(text=text), idempotency_key=KEY)

    assert post.called


def test_it_uploads_images_with_alt_text_and_waits_for_processing(
    mastodon: respx.MockRouter, no_waiting: None, settings: pytest.FixtureRequest, tmp_path: str
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    (tmp_path / "launch.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg bytes")  # type: ignore[operator]
    upload = mastodon.post("/api/v2/media").respond(202, json=load("media_processing"))
    poll = mastodon.get("/api/v1/media/22348641").mock(
        side_effect=[
            httpx.Response(206, json=load("media_processing")),
            httpx.Response(206),  # the docs show 206 with an empty body
            httpx.Response(200, json=load("media")),
        ]
    )
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    request = PublishRequest(
        text=LAUNCH,
        media=[Media(kind="image", path="launch.jpg", mime_type="image/jpeg", alt="发布会现场")],
    )

    make_connector(limits=dict(LIMITS_500)).publish(request, idempotency_key=KEY)

    body = upload.calls.last.request.content
    assert b'name="description"\r\n\r\n' + "发布会现场".encode() in body
    assert b"jpeg bytes" in body
    assert poll.call_count == 3
    assert form(post.calls.last.request)["media_ids[]"] == ["22348641"]


def test_it_gives_up_waiting_for_media_as_retryable(
    mastodon: respx.MockRouter, no_waiting: None, settings: pytest.FixtureRequest, tmp_path: str
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    (tmp_path / "a.png").write_bytes(b"png")  # type: ignore[operator]
    mastodon.post("/api/v2/media").respond(202, json=load("media_processing"))
    mastodon.get("/api/v1/media/22348641").respond(206, json=load("media_processing"))
    post = mastodon.post("/api/v1/statuses")
    request = PublishRequest(
        text="x", media=[Media(kind="image", path="a.png", mime_type="image/png")]
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector(limits=dict(LIMITS_500)).publish(request, idempotency_key=KEY)

    assert not caught.value.permanent
    assert caught.value.code == "media_processing"
    assert not post.called


def test_it_reports_a_rejected_image_as_permanent(
    mastodon: respx.MockRouter, settings: pytest.FixtureRequest, tmp_path: str
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    (tmp_path / "a.png").write_bytes(b"not a png")  # type: ignore[operator]
    mastodon.post("/api/v2/media").respond(
        422, json=error("Validation failed: File content type is invalid, File is invalid")
    )
    request = PublishRequest(
        text="x", media=[Media(kind="image", path="a.png", mime_type="image/png")]
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector(limits=dict(LIMITS_500)).publish(request, idempotency_key=KEY)

    assert caught.value.permanent
    assert caught.value.code == "content_rejected"
    assert (
        caught.value.message == "Validation failed: File content type is invalid, File is invalid"
    )


def test_it_refuses_articles_and_video(mastodon: respx.MockRouter) -> None:
    connector = make_connector(limits=dict(LIMITS_500))
    with pytest.raises(Unsupported):
        connector.publish(
            PublishRequest(text="x", article=Article("t", "<p>b</p>")), idempotency_key=KEY
        )
    with pytest.raises(Unsupported):
        video = Media(kind="video", path="v.mp4", mime_type="video/mp4")
        connector.publish(PublishRequest(text="x", media=[video]), idempotency_key=KEY)
    assert len(mastodon.calls) == 0


def test_it_reports_a_validation_error_with_the_server_message(mastodon: respx.MockRouter) -> None:
    mastodon.post("/api/v1/statuses").respond(
        422, json=error("Validation failed: Text character limit of 500 exceeded")
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text="x"), idempotency_key=KEY
        )

    assert caught.value.permanent
    assert caught.value.platform_code == "422"
    assert caught.value.message == "Validation failed: Text character limit of 500 exceeded"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
)
def test_it_reports_a_timeout_while_posting_as_outcome_unknown(
    mastodon: respx.MockRouter, failure: Exception
) -> None:
    mastodon.post("/api/v1/statuses").mock(side_effect=failure)

    with pytest.raises(OutcomeUnknown) as caught:
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text=LAUNCH), idempotency_key=KEY
        )

    assert not caught.value.permanent
    assert caught.value.code == "outcome_unknown"


def test_it_reports_a_gateway_error_while_posting_as_outcome_unknown(
    mastodon: respx.MockRouter,
) -> None:
    mastodon.post("/api/v1/statuses").respond(504, text="<html>Gateway Time-out</html>")

    with pytest.raises(OutcomeUnknown):
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text=LAUNCH), idempotency_key=KEY
        )


def test_it_reports_a_refused_connection_while_posting_as_retryable(
    mastodon: respx.MockRouter,
) -> None:
    mastodon.post("/api/v1/statuses").mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(ConnectorError) as caught:
        make_connector(limits=dict(LIMITS_500)).publish(
            PublishRequest(text=LAUNCH), idempotency_key=KEY
        )

    assert not isinstance(caught.value, OutcomeUnknown)  # never sent: nothing to reconcile
    assert not caught.value.permanent


@time_machine.travel(datetime(2025, 6, 1, 2, 5, tzinfo=UTC), tick=False)
def test_it_finds_the_status_an_unknown_outcome_created(mastodon: respx.MockRouter) -> None:
    mastodon.post("/api/v1/statuses").mock(side_effect=httpx.ReadTimeout("timed out"))
    statuses = mastodon.get(f"/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(
        200, json=load("account_statuses_with")
    )
    connector = make_connector(limits=dict(LIMITS_500))
    request = PublishRequest(text=LAUNCH)
    with pytest.raises(OutcomeUnknown):
        connector.publish(request, idempotency_key=KEY)

    found = connector.find_published(
        idempotency_key=KEY, since=datetime(2025, 6, 1, 1, 59, tzinfo=UTC), request=request
    )

    assert found is not None
    assert found.remote_id == "113526467651466208"
    assert statuses.calls.last.request.url.params["limit"] == "40"


@time_machine.travel(datetime(2025, 6, 1, 2, 5, tzinfo=UTC), tick=False)
def test_it_finds_nothing_when_the_attempt_never_landed(mastodon: respx.MockRouter) -> None:
    statuses = mastodon.get(f"/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(
        200, json=load("account_statuses_without")
    )
    connector = make_connector(limits=dict(LIMITS_500))

    found = connector.find_published(
        idempotency_key=KEY,
        since=datetime(2025, 6, 1, 1, 59, tzinfo=UTC),
        request=PublishRequest(text=LAUNCH),
    )

    assert found is None
    assert statuses.call_count == 1  # the page reached statuses older than the attempt


def test_it_cannot_reconcile_without_the_attempted_request(mastodon: respx.MockRouter) -> None:
    with pytest.raises(ConnectorError) as caught:
        make_connector().find_published(idempotency_key=KEY, since=datetime(2025, 6, 1, tzinfo=UTC))
    assert caught.value.code == "reconcile_needs_request"
    assert len(mastodon.calls) == 0
