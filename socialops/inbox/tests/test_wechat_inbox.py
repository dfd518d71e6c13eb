"""WeChat end to end: a follower's message pushed to the callback lands in the inbox as a DM.

The test plays the WeChat server (signatures and AES made independently of the code under
test, see the connector's test_callback.py) and answers the customer-service API with respx.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import respx
import time_machine
from django.test import Client
from django.utils import translation

from socialops.channels.actions.credentials import seal
from socialops.channels.models import Channel
from socialops.connectors.wechat import actions as wechat
from socialops.connectors.wechat.models import WechatCallbackEvent
from socialops.connectors.wechat.tests.conftest import API, CONFIG, CREDENTIALS, NOW, fixture
from socialops.connectors.wechat.tests.test_callback import (
    AES_KEY,
    APP_ID,
    IMAGE,
    KEY,
    TEXT,
    TOKEN,
    event,
    post_plain,
    post_safe,
    rejections,
    sign,
)
from socialops.inbox import sending
from socialops.inbox.models import Conversation, Message

from .factories import reply, sync

OPENID = "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def channel(team) -> Channel:
    """A connected Official Account whose callback endpoint is KEY, as channels sets it up."""
    account = Channel.objects.create(
        workspace=team.workspace,
        platform="wechat",
        connector="wechat",
        remote_id="gh_1a2b3c4d5e6f",
        handle="acme_oa",
        credentials_ciphertext=seal(CREDENTIALS),
        config={"app_id": CONFIG["app_id"], "push_key": KEY},
    )
    wechat.register_endpoint(
        key=KEY, app_id=APP_ID, token=TOKEN, encoding_aes_key=AES_KEY, workspace=team.workspace
    )
    return account


def test_it_puts_a_signed_text_message_in_the_inbox_as_a_dm(client: Client, channel):
    response = post_plain(client, TEXT, nonce="n1")

    assert (response.status_code, response.content) == (200, b"success")
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.kind, conversation.thread_key) == (
        channel,
        "dm",
        OPENID,
    )
    message = Message.objects.get()
    assert (message.text, message.remote_id, message.direction) == (
        "新品什么时候到?",
        "23456789012345678",
        "in",
    )
    assert message.created_at == NOW.replace(microsecond=0)
    assert conversation.unanswered and conversation.preview == "新品什么时候到?"
    assert WechatCallbackEvent.objects.get().ingested_at == NOW


def test_it_puts_an_encrypted_message_in_the_inbox(client: Client, channel):
    response = post_safe(client, IMAGE, nonce="n-safe")

    assert response.status_code == 200
    message = Message.objects.get()
    assert message.text == "[image] http://mmbiz.qpic.cn/pic1"
    assert message.conversation.author_remote_id == OPENID


def test_it_keeps_events_out_of_the_inbox(client: Client, channel):
    post_safe(client, event("subscribe"), nonce="n1")

    assert not Conversation.objects.exists()
    assert WechatCallbackEvent.objects.get().ingested_at == NOW


def test_it_refuses_a_bad_signature_and_logs_it(client: Client, channel):
    response = post_plain(client, TEXT, nonce="n1", signature=sign("guess", "1", "n1"))

    assert response.status_code == 403
    assert not Message.objects.exists()
    assert rejections() == [{"key": KEY, "reason": "bad signature", "status": 403}]


def test_it_stores_a_message_wechat_delivers_twice_once(client: Client, channel):
    first = post_plain(client, TEXT, nonce="n1")
    again = post_plain(client, TEXT, nonce="n2")  # WeChat's retry: same MsgId, new nonce

    assert (first.status_code, again.status_code) == (200, 200)
    assert Message.objects.count() == 1
    assert Conversation.objects.get().message_count == 1


def test_it_refuses_a_replayed_call(client: Client, channel):
    post_plain(client, TEXT, nonce="n1")

    replay = post_plain(client, TEXT, nonce="n1")

    assert replay.status_code == 403
    assert Message.objects.count() == 1
    assert rejections()[0]["reason"] == "replayed nonce"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<xml>" + "x" * 70_000 + "</xml>", "body too large"),
        ("<xml><MsgType>text</MsgType", "malformed XML"),
        ("<message><MsgType>text</MsgType></message>", "not a WeChat message"),
    ],
)
def test_it_refuses_oversized_and_malformed_bodies(client: Client, channel, body, reason):
    response = post_plain(client, body, nonce="n1")

    assert response.status_code == 400
    assert response.content.decode() == reason
    assert not Message.objects.exists()


def test_it_leaves_a_message_the_inbox_could_not_take_to_the_next_sync(
    client: Client, channel, monkeypatch
):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("socialops.inbox.ingest.ingest_pushed", broken)
    assert post_plain(client, TEXT, nonce="n1").content == b"success"
    assert not Message.objects.exists()
    monkeypatch.undo()

    result = sync(channel)

    assert (result.stored, result.error) == (1, "")
    assert Message.objects.get().text == "新品什么时候到?"


def test_it_answers_the_follower_with_a_customer_service_message(client: Client, channel, team):
    post_plain(client, TEXT, nonce="n1")
    conversation = Conversation.objects.get()
    with respx.mock(assert_all_mocked=True) as router:
        send = router.post(API + "message/custom/send").respond(json=fixture("ok"))

        sent = sending.deliver(reply(conversation, "下周一到货", by=team.dave).pk)

    assert json.loads(send.calls.last.request.content) == {
        "touser": OPENID,
        "msgtype": "text",
        "text": {"content": "下周一到货"},
    }
    assert (sent.send_state, sent.remote_id) == ("sent", "23456789012345678:reply")
    with respx.mock(assert_all_mocked=True) as router:
        router.post(API + "message/custom/send").respond(json=fixture("ok"))
        again = sending.deliver(reply(conversation, "还有别的问题吗?").pk)
    assert again.remote_id == f"23456789012345678:reply#{again.pk}"


def test_it_refuses_a_reply_outside_the_48_hour_window(client: Client, channel):
    post_plain(client, TEXT, nonce="n1")
    conversation = Conversation.objects.get()

    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        failed = sending.deliver(reply(conversation).pk)

    assert (failed.send_state, failed.error_code) == ("failed", "outside_reply_window")
