from __future__ import annotations

import json
from datetime import timedelta

import pytest
import respx

from socialops.connectors.base import Author, ConnectorError, InboxItem

from .conftest import API, NOW, fixture, make, sent

ARTICLES = {"comment_articles": [{"msg_data_id": "2247483780", "index": 0}]}


def test_it_lists_new_comments_on_published_articles(wechat: respx.MockRouter) -> None:
    route = wechat.post(API + "comment/list").respond(json=fixture("comment_list"))
    connector = make(config=ARTICLES)

    page = connector.fetch_inbox(json.dumps({"2247483780:0": 1717209000}))

    assert sent(route.calls.last) == {
        "msg_data_id": "2247483780",
        "index": 0,
        "begin": 0,
        "count": 50,
        "type": 0,
    }
    (item,) = page.items
    assert item.kind == "comment"
    assert item.text == "Looks great!"
    assert item.remote_id == "2247483780:0:2"
    assert item.author.remote_id == "oLVPpjkttuMJT2N7hhi1b5Xqde7Y"
    assert json.loads(page.cursor) == {"2247483780:0": 1717209600}


def test_it_replies_to_a_comment(wechat: respx.MockRouter) -> None:
    wechat.post(API + "comment/list").respond(json=fixture("comment_list"))
    route = wechat.post(API + "comment/reply/add").respond(json=fixture("ok"))
    connector = make(config=ARTICLES)
    item = connector.fetch_inbox(None).items[0]

    ref = connector.reply(item, "下周一到店", idempotency_key="r1")

    assert sent(route.calls.last) == {
        "msg_data_id": "2247483780",
        "index": 0,
        "user_comment_id": "1",
        "content": "下周一到店",
    }
    assert ref.remote_id == "2247483780:0:1:reply"


def dm(last_message_at: object) -> InboxItem:
    openid = "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"
    return InboxItem(
        kind="dm",
        remote_id="23456789012345678",
        author=Author(remote_id=openid, handle=openid),
        text="你好",
        created_at=NOW,
        raw={"last_message_at": last_message_at},
    )


def test_it_sends_a_customer_service_reply_inside_48_hours(wechat: respx.MockRouter) -> None:
    route = wechat.post(API + "message/custom/send").respond(json=fixture("ok"))

    make().reply(dm((NOW - timedelta(hours=47)).isoformat()), "您好!", idempotency_key="r1")

    assert sent(route.calls.last) == {
        "touser": "oLVPpjqs9BhvzwPj5A-vTYAX3GLc",
        "msgtype": "text",
        "text": {"content": "您好!"},
    }


def test_it_refuses_a_reply_after_48_hours_without_calling_wechat() -> None:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        route = router.post(API + "message/custom/send").respond(json=fixture("ok"))

        with pytest.raises(ConnectorError) as caught:
            make().reply(
                dm(int((NOW - timedelta(hours=49)).timestamp())), "hi", idempotency_key="r1"
            )

    assert caught.value.permanent and caught.value.code == "outside_reply_window"
    assert not route.called


def test_it_maps_wechats_own_48_hour_refusal_to_a_permanent_error(
    wechat: respx.MockRouter,
) -> None:
    wechat.post(API + "message/custom/send").respond(json=fixture("error_out_of_time"))

    with pytest.raises(ConnectorError) as caught:
        make().reply(dm(NOW.isoformat()), "hi", idempotency_key="r1")

    assert caught.value.permanent
    assert caught.value.code == "outside_reply_window"
    assert caught.value.platform_code == "45015"
    assert "48 hours" in caught.value.message
