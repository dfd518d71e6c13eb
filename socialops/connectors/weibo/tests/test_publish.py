from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from socialops.connectors.base import (
    AuthExpired,
    ConnectorError,
    Media,
    OutcomeUnknown,
    PublishRequest,
    RateLimited,
)
from socialops.connectors.weibo import parse

from .conftest import API, NOW, fixture, form, make

SHARE = f"{API}statuses/share.json"


def test_it_posts_through_statuses_share(weibo) -> None:
    share = weibo.post(SHARE).respond(200, json=fixture("statuses_share"))

    ref = make().publish(
        PublishRequest(text="新品发布会今晚八点见！ https://www.example.com/launch"),
        idempotency_key="pub-1",
    )

    assert ref.remote_id == "5046781234567890"
    assert ref.url == "https://m.weibo.cn/status/5046781234567890"
    assert ref.published_at == NOW - timedelta(seconds=30)
    sent = form(share.calls.last.request)
    assert sent == {
        "access_token": "2.00ixOpPDIg6znDa273b69da7ZFtzqB",
        "status": "新品发布会今晚八点见！ https://www.example.com/launch",
    }
    assert ref.extra["text_sha256"] == parse.fingerprint(sent["status"])
    assert ref.extra["idempotency_key"] == "pub-1"


def test_it_appends_the_safe_domain_link_when_the_text_has_none(weibo) -> None:
    share = weibo.post(SHARE).respond(200, json=fixture("statuses_share"))

    make().publish(PublishRequest(text="新品发布会今晚八点见！"), idempotency_key="pub-1")

    assert form(share.calls.last.request)["status"] == (
        "新品发布会今晚八点见！ https://www.example.com/launch"
    )


def test_it_uses_the_variants_own_link_when_it_is_on_the_safe_domain(weibo) -> None:
    share = weibo.post(SHARE).respond(200, json=fixture("statuses_share"))

    make().publish(
        PublishRequest(text="新品来了", link="https://shop.example.com/p/9"), idempotency_key="k"
    )

    assert form(share.calls.last.request)["status"] == "新品来了 https://shop.example.com/p/9"


def test_it_keeps_an_off_domain_link_and_adds_the_safe_one(weibo) -> None:
    share = weibo.post(SHARE).respond(200, json=fixture("statuses_share"))

    make().publish(PublishRequest(text="看看", link="https://other.cn/x"), idempotency_key="k")

    assert form(share.calls.last.request)["status"] == (
        "看看 https://other.cn/x https://www.example.com/launch"
    )


def test_it_sends_one_picture_as_multipart(weibo, tmp_path) -> None:
    picture = tmp_path / "poster.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\nposter-bytes")
    share = weibo.post(SHARE).respond(200, json=fixture("statuses_share_with_pic"))

    ref = make().publish(
        PublishRequest(text="看图", media=[Media("image", str(picture), "image/png")]),
        idempotency_key="k",
    )

    request = share.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="pic"; filename="poster.png"' in request.content
    assert b"poster-bytes" in request.content
    assert "看图 https://www.example.com/launch".encode() in request.content
    assert ref.remote_id == "5046781234567891"


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (PublishRequest(text="长" * 140), "text_too_long"),
        (PublishRequest(text="参加 #新品发布# 活动"), "content_rejected"),
        (PublishRequest(text="x", media=[Media("video", "/v.mp4", "video/mp4")]), "media_rejected"),
        (
            PublishRequest(text="x", media=[Media("image", "/a.webp", "image/webp")]),
            "media_rejected",
        ),
    ],
)
def test_it_refuses_what_statuses_share_would_refuse_without_calling(weibo, request_, code) -> None:
    with pytest.raises(ConnectorError) as raised:
        make().publish(request_, idempotency_key="k")

    assert (raised.value.permanent, raised.value.code) == (True, code)


def test_it_refuses_a_post_when_no_safe_domain_link_is_configured(weibo) -> None:
    connector = make(safe_domain="", safe_domain_url="")

    with pytest.raises(ConnectorError) as raised:
        connector.publish(PublishRequest(text="hello"), idempotency_key="k")

    assert raised.value.code == "safe_domain_link_missing"
    assert "安全域名" in raised.value.message


def test_it_waits_out_the_gap_between_posts_before_calling(weibo) -> None:
    connector = make(last_post_at=(NOW - timedelta(seconds=90)).isoformat())

    with pytest.raises(RateLimited) as raised:
        connector.publish(PublishRequest(text="hi"), idempotency_key="k")

    assert raised.value.retry_after == 30  # 30 posts an hour: 120 s apart


def test_it_posts_again_once_the_gap_has_passed(weibo) -> None:
    weibo.post(SHARE).respond(200, json=fixture("statuses_share"))
    connector = make(last_post_at=NOW - timedelta(seconds=121))

    connector.publish(PublishRequest(text="hi"), idempotency_key="k")

    assert connector.last_post_at == NOW


def test_it_flags_an_expired_token_without_calling(weibo) -> None:
    connector = make(credentials={"access_token": "t", "uid": "1", "expires_at": NOW.isoformat()})

    with pytest.raises(AuthExpired):
        connector.publish(PublishRequest(text="hi"), idempotency_key="k")


@pytest.mark.parametrize("name", ["error_expired_token", "error_invalid_access_token"])
def test_it_flags_a_token_weibo_rejects(weibo, name) -> None:
    weibo.post(SHARE).respond(403, json=fixture(name))

    with pytest.raises(AuthExpired) as raised:
        make().publish(PublishRequest(text="hi"), idempotency_key="k")

    assert raised.value.platform_code == str(fixture(name)["error_code"])


@pytest.mark.parametrize("name", ["error_post_too_fast", "error_user_rate_limit"])
def test_it_waits_for_the_next_hour_when_weibo_limits_it(weibo, name) -> None:
    weibo.post(SHARE).respond(403, json=fixture(name))

    with pytest.raises(RateLimited) as raised:
        make().publish(PublishRequest(text="hi"), idempotency_key="k")

    assert raised.value.retry_after == 3600 - 30
    assert not raised.value.permanent


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("error_repeat_content", "duplicate_content"),
        ("error_illegal_website", "illegal_link"),
        ("error_text_too_long", "text_too_long"),
    ],
)
def test_it_reports_refused_content_as_permanent(weibo, name, code) -> None:
    weibo.post(SHARE).respond(400, json=fixture(name))

    with pytest.raises(ConnectorError) as raised:
        make().publish(PublishRequest(text="hi"), idempotency_key="k")

    assert (raised.value.permanent, raised.value.code) == (True, code)
    assert raised.value.platform_code == str(fixture(name)["error_code"])


def test_it_retries_when_weibo_reports_a_system_error(weibo) -> None:
    weibo.post(SHARE).respond(500, json=fixture("error_system"))

    with pytest.raises(ConnectorError) as raised:
        make().publish(PublishRequest(text="hi"), idempotency_key="k")

    assert (raised.value.permanent, raised.value.code) == (False, "platform_unavailable")
    assert not isinstance(raised.value, OutcomeUnknown)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        httpx.Response(200, text='{"created_at": '),
        httpx.Response(400, json=fixture("error_published_slowly")),
    ],
)
def test_it_reports_an_unknown_outcome_when_the_post_may_exist(weibo, answer) -> None:
    weibo.post(SHARE).mock(return_value=answer)

    with pytest.raises(OutcomeUnknown):
        make().publish(PublishRequest(text="hi"), idempotency_key="k")


def test_it_retries_a_post_that_never_left(weibo) -> None:
    weibo.post(SHARE).mock(side_effect=httpx.ConnectError("no route"))

    with pytest.raises(ConnectorError) as raised:
        make().publish(PublishRequest(text="hi"), idempotency_key="k")

    assert (raised.value.permanent, raised.value.code) == (False, "network")
    assert not isinstance(raised.value, OutcomeUnknown)
