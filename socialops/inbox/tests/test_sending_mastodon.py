"""A real connector end to end: Mastodon's inbox synced and answered, played by respx."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from django.utils import translation

from socialops.channels.actions.credentials import seal
from socialops.channels.models import Channel
from socialops.connectors.mastodon.tests.conftest import ACCOUNT_ID, BASE, LIMITS_500, TOKEN, load
from socialops.inbox import sending
from socialops.inbox.models import Conversation, Message

from .factories import reply, sync


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def mastodon() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as router:
        router.get("/api/v1/notifications").respond(200, json=load("notifications"))
        router.get("/api/v1/conversations/").respond(200, json=load("conversations"))
        yield router


@pytest.fixture
def channel(team) -> Channel:
    credentials = {
        "access_token": TOKEN,
        "account_id": ACCOUNT_ID,
        "acct": "acme@mastodon.example",
        "instance": BASE,
    }
    return Channel.objects.create(
        workspace=team.workspace,
        platform="mastodon",
        connector="mastodon",
        remote_id=ACCOUNT_ID,
        handle="acme@mastodon.example",
        credentials_ciphertext=seal(credentials),
        config={"limits": dict(LIMITS_500)},
    )


def test_it_ingests_comments_mentions_and_dms_from_mastodon(channel, mastodon):
    result = sync(channel)

    assert (result.fetched, result.stored, result.error) == (3, 3, "")
    kinds = {c.kind: c for c in Conversation.objects.all()}
    assert set(kinds) == {"comment", "mention", "dm"}
    comment = kinds["comment"]
    assert comment.thread_key == "113526467651466208:14715"
    assert comment.author_handle == "lihua@social.example" and comment.author_name == "李华"
    assert Message.objects.get(conversation=comment).text == "@acme 几点开始直播？"
    assert sync(channel).stored == 0  # the cursor moved on; nothing is stored twice


def test_it_answers_a_mastodon_comment_with_the_idempotency_key(team, channel, mastodon):
    sync(channel)
    comment = Conversation.objects.get(kind="comment")
    post = mastodon.post("/api/v1/statuses").respond(200, json=load("status"))
    row = reply(comment, "今晚 8 点！", by=team.dave)

    sent = sending.deliver(row.pk)

    request = post.calls.last.request
    assert request.headers["Idempotency-Key"] == row.idempotency_key
    assert parse_qs(request.content.decode()) == {
        "status": ["@lihua@social.example 今晚 8 点！"],
        "in_reply_to_id": ["113526500000000001"],
        "visibility": ["public"],
        "sensitive": ["0"],
    }
    assert (sent.send_state, sent.remote_id) == ("sent", load("status")["id"])
    assert sent.url == load("status")["url"]


def test_it_leaves_a_mastodon_timeout_for_a_person(team, channel, mastodon):
    sync(channel)
    comment = Conversation.objects.get(kind="comment")
    post = mastodon.post("/api/v1/statuses").mock(side_effect=httpx.ReadTimeout("timed out"))
    row = reply(comment, "今晚 8 点！")

    unknown = sending.deliver(row.pk)
    sending.sweep()

    assert (unknown.send_state, unknown.error_code) == ("unconfirmed", "outcome_unknown")
    assert Message.objects.get(pk=row.pk).send_state == "unconfirmed"
    assert post.call_count == 1  # never sent again blindly
