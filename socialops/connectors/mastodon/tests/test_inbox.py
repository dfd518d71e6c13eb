from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import respx

from socialops.connectors.base import Author, ConnectorError, InboxItem
from socialops.connectors.mastodon.inbox import Cursor

from .conftest import LIMITS_500, load, make_connector

KEY = "reply-7"


def route_inbox(mastodon: respx.MockRouter, notifications: str) -> respx.Route:
    mastodon.get("/api/v1/conversations/").respond(200, json=load("conversations"))
    return mastodon.get("/api/v1/notifications").respond(200, json=load(notifications))


def test_it_merges_comments_mentions_and_dms(mastodon: respx.MockRouter) -> None:
    notifications = route_inbox(mastodon, "notifications")

    page = make_connector().fetch_inbox(None)

    assert [(item.kind, item.remote_id) for item in page.items] == [
        ("dm", "113526470000000003"),
        ("mention", "113526480000000002"),
        ("comment", "113526500000000001"),
    ]
    dm, mention, comment = page.items
    assert dm.thread_id == "418450"
    assert dm.author.handle == "amic@nulled.example"
    assert dm.text == "@acme my order #1234 has not arrived"
    assert mention.text == "Has anyone tried the new @acme kettle? It's great & quiet."
    assert comment.thread_id == comment.parent_id == "113526467651466208"
    assert comment.author == Author(
        remote_id="14715",
        handle="lihua@social.example",
        name="李华",
        avatar_url="https://social.example/avatars/lihua.png",
        followers=310,
    )
    assert comment.raw["status"]["created_at"].startswith("2025-06-01T03:10:00")
    params = notifications.calls.last.request.url.params
    assert params.get_list("types[]") == ["mention"]
    assert "min_id" not in params
    assert not page.has_more


def test_it_returns_nothing_twice_across_calls(mastodon: respx.MockRouter) -> None:
    notifications = route_inbox(mastodon, "notifications")
    connector = make_connector()
    first = connector.fetch_inbox(None)

    notifications.respond(200, json=load("notifications_later"))
    second = connector.fetch_inbox(first.cursor)

    assert notifications.calls.last.request.url.params["min_id"] == "34975861"
    assert [(item.kind, item.remote_id) for item in second.items] == [
        ("comment", "113526700000000004")
    ]
    assert Cursor.decode(second.cursor).notification_id == "34975870"
    assert Cursor.decode(second.cursor).conversations == {
        "418450": "113526470000000003",
        "418374": "113526300000000009",
    }


def test_it_delivers_a_new_message_in_a_known_conversation(mastodon: respx.MockRouter) -> None:
    route_inbox(mastodon, "notifications")
    connector = make_connector()
    first = connector.fetch_inbox(None)
    newer = load("conversations")
    newer[0]["last_status"]["id"] = "113526900000000020"
    newer[0]["last_status"]["content"] = "<p>还在等</p>"
    mastodon.get("/api/v1/conversations/").respond(200, json=newer)
    mastodon.get("/api/v1/notifications").respond(200, json=[])

    second = connector.fetch_inbox(first.cursor)

    assert [(item.kind, item.remote_id, item.text) for item in second.items] == [
        ("dm", "113526900000000020", "还在等")
    ]


def test_it_starts_over_on_an_unreadable_cursor(mastodon: respx.MockRouter) -> None:
    notifications = route_inbox(mastodon, "notifications")

    page = make_connector().fetch_inbox("not-a-cursor")

    assert len(page.items) == 3
    assert "min_id" not in notifications.calls.last.request.url.params


def test_it_reports_more_when_the_page_is_full(mastodon: respx.MockRouter) -> None:
    full = [dict(load("notifications")[1], id=str(34975000 + n)) for n in range(40)]
    mastodon.get("/api/v1/conversations/").respond(200, json=[])
    mastodon.get("/api/v1/notifications").respond(200, json=full)

    page = make_connector().fetch_inbox(None)

    assert page.has_more
    assert len(page.items) == 1  # forty notifications of one status: one item


def _item(kind: str, visibility: str = "public") -> InboxItem:
    notification = load("notifications")[0]
    notification["status"]["visibility"] = visibility
    return InboxItem(
        kind=kind,
        remote_id="113526500000000001",
        author=Author(remote_id="14715", handle="lihua@social.example"),
        text="几点开始直播？",
        created_at=notification["status"]["created_at"],
        raw=notification,
    )


@pytest.mark.parametrize(
    ("kind", "visibility", "expected"),
    [
        ("comment", "public", "public"),
        ("mention", "unlisted", "unlisted"),
        ("dm", "direct", "direct"),
    ],
)
def test_it_replies_in_the_same_visibility_to_the_author(
    mastodon: respx.MockRouter, kind: str, visibility: str, expected: str
) -> None:
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))

    make_connector(limits=dict(LIMITS_500)).reply(
        _item(kind, visibility), "今晚 8 点！", idempotency_key=KEY
    )

    sent = post.calls.last.request
    assert sent.headers["Idempotency-Key"] == KEY
    assert parse_qs(sent.content.decode()) == {
        "status": ["@lihua@social.example 今晚 8 点！"],
        "in_reply_to_id": ["113526500000000001"],
        "visibility": [expected],
        "sensitive": ["0"],
    }


def test_it_refuses_a_reply_over_the_limit(mastodon: respx.MockRouter) -> None:
    with pytest.raises(ConnectorError, match="this instance allows 500"):
        make_connector(limits=dict(LIMITS_500)).reply(
            _item("comment"), "好" * 500, idempotency_key=KEY
        )
    assert len(mastodon.calls) == 0
