"""Comments and mentions, merged into one inbox page; replies."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from socialops.connectors.base import (
    Author,
    ConnectorError,
    InboxItem,
    OutcomeUnknown,
    RateLimited,
    Unsupported,
)

from .conftest import API, NOW, fixture, form, make

TO_ME = f"{API}comments/to_me.json"
MENTIONS = f"{API}statuses/mentions.json"


def test_it_merges_comments_and_mentions_oldest_first(weibo) -> None:
    weibo.get(TO_ME).respond(200, json=fixture("comments_to_me"))
    weibo.get(MENTIONS).respond(200, json=fixture("statuses_mentions"))

    page = make().fetch_inbox(None)

    assert [(item.kind, item.remote_id) for item in page.items] == [
        ("comment", "5046782000000001"),
        ("mention", "5046783000000009"),
        ("comment", "5046782000000002"),
    ]
    reply = page.items[2]
    assert reply.thread_id == "5046781234567890"
    assert reply.parent_id == "5046782000000001"
    assert reply.author.handle == "zaku"
    assert reply.created_at == datetime(2024, 6, 1, 2, 7, tzinfo=UTC)
    assert page.cursor == "comments:5046782000000002,mentions:5046783000000009"
    assert not page.has_more


def test_it_asks_each_stream_only_for_what_is_newer_than_the_cursor(weibo) -> None:
    to_me = weibo.get(TO_ME).respond(200, json=fixture("comments_to_me_empty"))
    mentions = weibo.get(MENTIONS).respond(200, json=fixture("statuses_mentions_empty"))

    page = make().fetch_inbox("comments:5046782000000002,mentions:5046783000000009")

    assert to_me.calls.last.request.url.params["since_id"] == "5046782000000002"
    assert mentions.calls.last.request.url.params["since_id"] == "5046783000000009"
    assert page.items == []
    assert page.cursor == "comments:5046782000000002,mentions:5046783000000009"


def test_it_drops_an_item_weibo_returns_twice(weibo) -> None:
    answer = fixture("comments_to_me")
    answer["comments"].append(answer["comments"][0])
    weibo.get(TO_ME).respond(200, json=answer)
    weibo.get(MENTIONS).respond(200, json=fixture("statuses_mentions_empty"))

    page = make().fetch_inbox(None)

    assert sorted(item.remote_id for item in page.items) == [
        "5046782000000001",
        "5046782000000002",
    ]


def test_it_refuses_a_cursor_it_did_not_make(weibo) -> None:
    with pytest.raises(ConnectorError) as raised:
        make().fetch_inbox("page=2")

    assert (raised.value.permanent, raised.value.code) == (True, "bad_cursor")


def test_it_waits_for_the_next_hour_when_reading_is_limited(weibo) -> None:
    weibo.get(TO_ME).respond(403, json=fixture("error_user_rate_limit"))

    with pytest.raises(RateLimited) as raised:
        make().fetch_inbox(None)

    assert raised.value.retry_after == 3570
    assert raised.value.platform_code == "10023"


def test_it_reports_a_malformed_inbox_as_retryable(weibo) -> None:
    weibo.get(TO_ME).respond(200, json={"comments": "nope"})

    with pytest.raises(ConnectorError) as raised:
        make().fetch_inbox(None)

    assert (raised.value.permanent, raised.value.code) == (False, "malformed_response")


def _item(kind: str, remote_id: str, thread_id: str) -> InboxItem:
    return InboxItem(
        kind=kind,
        remote_id=remote_id,
        author=Author(remote_id="1404376560", handle="zaku"),
        text="…",
        created_at=NOW,
        thread_id=thread_id,
    )


def test_it_answers_a_comment_with_comments_reply(weibo) -> None:
    route = weibo.post(f"{API}comments/reply.json").respond(200, json=fixture("comments_reply"))

    ref = make().reply(
        _item("comment", "5046782000000001", "5046781234567890"),
        "晚上八点整，不见不散！",
        idempotency_key="r-1",
    )

    assert form(route.calls.last.request) == {
        "access_token": "2.00ixOpPDIg6znDa273b69da7ZFtzqB",
        "cid": "5046782000000001",
        "id": "5046781234567890",
        "comment": "晚上八点整，不见不散！",
    }
    assert ref.remote_id == "5046784000000001"
    assert ref.extra["status_id"] == "5046781234567890"


def test_it_answers_a_mention_with_comments_create(weibo) -> None:
    route = weibo.post(f"{API}comments/create.json").respond(200, json=fixture("comments_create"))

    ref = make().reply(
        _item("mention", "5046783000000009", "5046783000000009"),
        "明天北京有小雨，记得带伞。",
        idempotency_key="r-2",
    )

    assert form(route.calls.last.request)["id"] == "5046783000000009"
    assert ref.remote_id == "5046784000000002"


def test_it_reports_an_unknown_outcome_when_a_reply_times_out(weibo) -> None:
    weibo.post(f"{API}comments/reply.json").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(OutcomeUnknown):
        make().reply(_item("comment", "1", "2"), "好的", idempotency_key="r-3")


def test_it_cannot_answer_direct_messages(weibo) -> None:
    with pytest.raises(Unsupported):
        make().reply(_item("dm", "1", "2"), "好的", idempotency_key="r-4")


def test_it_refuses_a_reply_longer_than_weibo_allows(weibo) -> None:
    with pytest.raises(ConnectorError) as raised:
        make().reply(_item("comment", "1", "2"), "长" * 141, idempotency_key="r-5")

    assert (raised.value.permanent, raised.value.code) == (True, "text_too_long")
