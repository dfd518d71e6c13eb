from __future__ import annotations

import httpx
import pytest

from socialops.connectors.base import AuthExpired, ConnectorError, RemoteRef

from .conftest import API, NOW, fixture, make

COUNT = f"{API}statuses/count.json"
SHOW = f"{API}users/show.json"


def test_it_reads_reposts_comments_and_likes(weibo) -> None:
    route = weibo.get(COUNT).respond(200, json=fixture("statuses_count"))

    metrics = make().fetch_metrics(
        [RemoteRef(remote_id="5046781234567890"), RemoteRef(remote_id="5046770000000001")]
    )

    assert route.calls.last.request.url.params["ids"] == "5046781234567890,5046770000000001"
    first = metrics[0]
    assert (first.remote_id, first.reposts, first.comments, first.likes) == (
        "5046781234567890",
        38,
        16,
        120,
    )
    assert first.collected_at == NOW


def test_it_asks_for_at_most_100_posts_at_a_time(weibo) -> None:
    route = weibo.get(COUNT).respond(200, json=[])

    make().fetch_metrics([RemoteRef(remote_id=str(n)) for n in range(150)])

    assert [len(call.request.url.params["ids"].split(",")) for call in route.calls] == [100, 50]


def test_it_retries_a_metrics_read_that_timed_out(weibo) -> None:
    weibo.get(COUNT).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(ConnectorError) as raised:
        make().fetch_metrics([RemoteRef(remote_id="1")])

    assert (raised.value.permanent, raised.value.code) == (False, "timeout")


def test_it_reports_malformed_json_as_retryable(weibo) -> None:
    weibo.get(COUNT).respond(200, text='[{"id": ')

    with pytest.raises(ConnectorError) as raised:
        make().fetch_metrics([RemoteRef(remote_id="1")])

    assert (raised.value.permanent, raised.value.code) == (False, "malformed_response")


def test_it_reads_the_accounts_facade(weibo) -> None:
    route = weibo.get(SHOW).respond(200, json=fixture("users_show"))

    profile = make().fetch_profile()

    assert route.calls.last.request.url.params["uid"] == "1726834811"
    assert profile.remote_id == "1726834811"
    assert profile.handle == "天气通"
    assert profile.bio.startswith("天气通官方微博")
    assert profile.avatar_url.endswith(".1024/66ed687bjw1ev7qufa6ebj20e80e8wf5.jpg")
    assert "640.640" in profile.banner_url
    assert profile.url == "https://weibo.com/tqtong"
    assert profile.website == "http://tianqitong.sina.cn/"
    assert profile.verified
    assert profile.verification_label == "天气通APP官方微博 微博官方出品天气软件"
    assert (profile.followers, profile.following, profile.posts) == (4416300, 444, 15095)


def test_it_flags_a_revoked_token_when_reading_the_profile(weibo) -> None:
    weibo.get(SHOW).respond(403, json=fixture("error_invalid_access_token"))

    with pytest.raises(AuthExpired) as raised:
        make().fetch_profile()

    assert raised.value.code == "auth_expired"


def test_it_retries_when_weibo_is_down(weibo) -> None:
    weibo.get(SHOW).respond(503, text="Service Unavailable")

    with pytest.raises(ConnectorError) as raised:
        make().fetch_profile()

    assert (raised.value.permanent, raised.value.code) == (False, "platform_unavailable")
