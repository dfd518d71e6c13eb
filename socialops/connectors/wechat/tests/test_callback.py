"""The callback endpoint end to end: the test plays the WeChat server.

It signs and encrypts on its own (sha1 over the sorted parts; AES-256-CBC, PKCS#7 to 32 bytes,
random16 + length + message + AppID, base64), independent of the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.test import Client

from socialops.connectors.wechat import actions
from socialops.connectors.wechat.models import WechatCallbackEndpoint, WechatCallbackEvent
from socialops.core.models import AuditEvent

from .conftest import NOW

pytestmark = pytest.mark.django_db

KEY = "acme-oa"
TOKEN = "callback-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx1234567890abcdef"
URL = f"/callbacks/wechat/{KEY}/"
TIMESTAMP = str(int(NOW.timestamp()))

TEXT = (
    "<xml><ToUserName><![CDATA[gh_1a2b3c4d5e6f]]></ToUserName>"
    "<FromUserName><![CDATA[oLVPpjqs9BhvzwPj5A-vTYAX3GLc]]></FromUserName>"
    f"<CreateTime>{TIMESTAMP}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[新品什么时候到?]]></Content><MsgId>23456789012345678</MsgId></xml>"
)
IMAGE = (
    "<xml><ToUserName><![CDATA[gh_1a2b3c4d5e6f]]></ToUserName>"
    "<FromUserName><![CDATA[oLVPpjqs9BhvzwPj5A-vTYAX3GLc]]></FromUserName>"
    f"<CreateTime>{TIMESTAMP}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
    "<PicUrl><![CDATA[http://mmbiz.qpic.cn/pic1]]></PicUrl><MediaId><![CDATA[media_id_1]]></MediaId>"
    "<MsgId>23456789012345679</MsgId></xml>"
)


def event(name: str, *, key: str = "") -> str:
    extra = f"<EventKey><![CDATA[{key}]]></EventKey>" if key else ""
    return (
        "<xml><ToUserName><![CDATA[gh_1a2b3c4d5e6f]]></ToUserName>"
        "<FromUserName><![CDATA[oLVPpjkttuMJT2N7hhi1b5Xqde7Y]]></FromUserName>"
        f"<CreateTime>{TIMESTAMP}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{name}]]></Event>{extra}</xml>"
    )


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324


def wechat_encrypt(message: str, *, app_id: str = APP_ID) -> str:
    key = base64.b64decode(AES_KEY + "=")
    body = message.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def post_plain(
    client: Client, xml: str, *, nonce: str, timestamp: str = TIMESTAMP, signature: str = ""
) -> Any:
    query = {
        "signature": signature or sign(TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": "oLVPpjqs9BhvzwPj5A-vTYAX3GLc",
    }
    return client.post(URL, xml, content_type="text/xml", QUERY_STRING=urlencode(query))


def post_safe(client: Client, xml: str, *, nonce: str, app_id: str = APP_ID) -> Any:
    encrypted = wechat_encrypt(xml, app_id=app_id)
    envelope = (
        "<xml><ToUserName><![CDATA[gh_1a2b3c4d5e6f]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    )
    query = {
        "signature": sign(TOKEN, TIMESTAMP, nonce),
        "timestamp": TIMESTAMP,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": sign(TOKEN, TIMESTAMP, nonce, encrypted),
    }
    return client.post(URL, envelope, content_type="text/xml", QUERY_STRING=urlencode(query))


@pytest.fixture(autouse=True)
def endpoint() -> None:
    actions.register_endpoint(key=KEY, app_id=APP_ID, token=TOKEN, encoding_aes_key=AES_KEY)


def rejections() -> list[dict[str, Any]]:
    return [e.after or {} for e in AuditEvent.objects.filter(action="wechat.callback_rejected")]


def test_it_answers_the_server_verification_with_echostr(client: Client) -> None:
    nonce = "1514711492"
    query = {
        "signature": sign(TOKEN, TIMESTAMP, nonce),
        "timestamp": TIMESTAMP,
        "nonce": nonce,
        "echostr": "4962893742617349862",
    }

    response = client.get(URL, query)

    assert response.status_code == 200
    assert response.content == b"4962893742617349862"


def test_it_refuses_verification_with_a_wrong_signature(client: Client) -> None:
    query = {
        "signature": sign("other-token", TIMESTAMP, "n1"),
        "timestamp": TIMESTAMP,
        "nonce": "n1",
        "echostr": "4962893742617349862",
    }

    response = client.get(URL, query)

    assert response.status_code == 403
    assert b"4962893742617349862" not in response.content
    assert rejections()[0]["reason"] == "bad signature"


def test_it_accepts_a_plain_text_message(client: Client) -> None:
    response = post_plain(client, TEXT, nonce="n1")

    assert response.status_code == 200
    assert response.content == b"success"
    stored = WechatCallbackEvent.objects.get()
    assert (stored.endpoint_key, stored.msg_id, stored.msg_type) == (
        KEY,
        "23456789012345678",
        "text",
    )
    assert stored.from_openid == "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"
    assert stored.payload["Content"] == "新品什么时候到?"


@pytest.mark.parametrize(
    ("xml", "msg_type"),
    [
        (TEXT, "text"),
        (IMAGE, "image"),
        (event("subscribe"), "event:subscribe"),
        (event("unsubscribe"), "event:unsubscribe"),
        (event("CLICK", key="MENU_CONTACT"), "event:CLICK"),
    ],
)
def test_it_accepts_encrypted_messages_in_safe_mode(
    client: Client, xml: str, msg_type: str
) -> None:
    response = post_safe(client, xml, nonce="n-safe")

    assert response.status_code == 200
    assert response.content == b"success"
    stored = WechatCallbackEvent.objects.get()
    assert stored.msg_type == msg_type
    assert stored.payload["ToUserName"] == "gh_1a2b3c4d5e6f"


def test_it_keeps_the_menu_key_of_a_click(client: Client) -> None:
    post_safe(client, event("CLICK", key="MENU_CONTACT"), nonce="n1")

    assert WechatCallbackEvent.objects.get().payload["EventKey"] == "MENU_CONTACT"


def test_it_refuses_a_bad_signature(client: Client) -> None:
    response = post_plain(client, TEXT, nonce="n1", signature=sign("guess", TIMESTAMP, "n1"))

    assert response.status_code == 403
    assert not WechatCallbackEvent.objects.exists()
    assert rejections() == [{"key": KEY, "reason": "bad signature", "status": 403}]


def test_it_refuses_a_message_encrypted_for_another_app(client: Client) -> None:
    response = post_safe(client, TEXT, nonce="n1", app_id="wxffffffffffffffff")

    assert response.status_code == 403
    assert not WechatCallbackEvent.objects.exists()
    assert rejections()[0]["reason"].startswith("undecryptable message")


def test_it_refuses_a_replayed_nonce(client: Client) -> None:
    assert post_plain(client, TEXT, nonce="n1").status_code == 200

    replay = post_plain(client, IMAGE, nonce="n1")

    assert replay.status_code == 403
    assert WechatCallbackEvent.objects.count() == 1
    assert rejections()[0]["reason"] == "replayed nonce"


def test_it_refuses_a_stale_timestamp(client: Client) -> None:
    stale = str(int(NOW.timestamp()) - 301)

    response = post_plain(client, TEXT, nonce="n1", timestamp=stale)

    assert response.status_code == 403
    assert rejections()[0]["reason"] == "stale timestamp"


def test_it_stores_a_message_delivered_twice_once(client: Client) -> None:
    first = post_plain(client, TEXT, nonce="n1")
    again = post_plain(client, TEXT, nonce="n2")  # WeChat's retry

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == b"success"
    assert WechatCallbackEvent.objects.count() == 1


def test_it_refuses_malformed_xml(client: Client) -> None:
    response = post_plain(client, "<xml><MsgType>text</MsgType", nonce="n1")

    assert response.status_code == 400
    assert rejections()[0]["reason"] == "malformed XML"


def test_it_refuses_xml_with_entities(client: Client) -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><MsgType>&a;</MsgType></xml>'

    response = post_plain(client, bomb, nonce="n1")

    assert response.status_code == 400


def test_it_refuses_an_oversized_body(client: Client) -> None:
    response = post_plain(client, "<xml>" + "x" * 70_000 + "</xml>", nonce="n1")

    assert response.status_code == 400
    assert rejections()[0]["reason"] == "body too large"


def test_it_answers_404_for_an_unknown_endpoint(client: Client) -> None:
    response = client.post("/callbacks/wechat/nobody/", TEXT, content_type="text/xml")

    assert response.status_code == 404


def test_it_stores_the_secrets_encrypted() -> None:
    stored = WechatCallbackEndpoint.objects.get(key=KEY)

    assert TOKEN not in stored.token_ciphertext
    assert AES_KEY not in stored.encoding_aes_key_ciphertext
    assert (stored.token, stored.encoding_aes_key) == (TOKEN, AES_KEY)
