"""Delivering alerts: each bot's payload, signature and answers; retries; email; in-app."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
import respx
import time_machine
from django.core import mail

from socialops.conftest import Team
from socialops.core.crypto import encrypt
from socialops.core.models import Notification
from socialops.listening import delivery
from socialops.listening.alerts import raise_alert
from socialops.listening.models import Alert, Delivery, Destination, ListeningQuery, Mention

START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=tok"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/xyz"
SLACK = "https://hooks.slack.com/services/T000/B000/XXXX"
HOOK = "https://receiver.example.com/socialops"
SECRET = "SEC0123456789abcdef"  # noqa: S105 - a test value

# Answers the bots really give (their documentation and observed responses)
WECOM_OK = {"errcode": 0, "errmsg": "ok"}
WECOM_RATE = {
    "errcode": 45009,
    "errmsg": "api freq out of limit, hint: [1700000000_1_abc], from ip: 1.2.3.4",
}
DINGTALK_OK = {"errcode": 0, "errmsg": "ok"}
DINGTALK_BAD_SIGN = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc…]"}
FEISHU_OK = {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}
FEISHU_BAD_SIGN = {
    "code": 19021,
    "data": {},
    "msg": "sign match fail or timestamp is not within one hour from current time",
}
FEISHU_OLD_OK = {"StatusCode": 0, "StatusMessage": "success"}


@pytest.fixture(autouse=True)
def _synchronous(settings: Any) -> None:
    settings.LISTENING_DISPATCH_SYNC = True
    settings.SITE_URL = "https://ops.example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def make_alert(team: Team, destination: Destination, kind: str = "spike") -> Alert:
    query = ListeningQuery.objects.create(workspace=team.workspace, name="品牌", text="acme")
    ids = [
        Mention.objects.create(
            workspace=team.workspace,
            platform="weibo",
            remote_id=str(n),
            text=f"Acme 的客服太慢了 {n}",
            author_name=f"用户{n}",
            posted_at=START + timedelta(seconds=n),
        ).pk
        for n in range(5)
    ]
    alert = raise_alert(
        team.workspace.pk,
        kind=kind,
        key=f"{kind}:{query.pk}:0800",
        title="品牌 mentions spiked",
        query_id=query.pk,
        detail={"observed": 64, "baseline": 12.5},
        mention_ids=ids,
    )
    assert alert is not None
    return alert


def dest(team: Team, kind: str, url: str = "", secret: str = "", **fields: Any) -> Destination:
    return Destination.objects.create(
        workspace=team.workspace,
        name=kind,
        kind=kind,
        url=url,
        secret=encrypt(secret) if secret else "",
        **fields,
    )


def only_delivery() -> Delivery:
    return Delivery.objects.get()


# ---- group bots ----------------------------------------------------------------------------------


@respx.mock
def test_it_posts_markdown_to_a_wecom_bot(team):
    route = respx.post(WECOM).mock(return_value=httpx.Response(200, json=WECOM_OK))
    alert = make_alert(team, dest(team, "wecom", WECOM))

    delivery.dispatch([alert.pk])

    body = json.loads(route.calls.last.request.content)
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    for expected in ("Acme 示例品牌", "品牌 mentions spiked", "64", "12.5", "Acme 的客服太慢了 4"):
        assert expected in content
    assert f"https://ops.example.com/w/acme/interaction/listening/alerts/{alert.pk}/" in content
    row = only_delivery()
    assert (row.state, row.status_code, row.attempts) == ("sent", 200, 1)
    assert row.sent_at is not None


@respx.mock
def test_it_retries_a_rate_limited_wecom_bot_later(team):
    respx.post(WECOM).mock(return_value=httpx.Response(200, json=WECOM_RATE))
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "wecom", WECOM))
        delivery.dispatch([alert.pk])

    row = only_delivery()
    assert row.state == "pending"
    assert row.attempts == 1
    assert "45009" in row.last_error
    assert row.next_attempt_at >= START + timedelta(minutes=2)


@respx.mock
def test_it_signs_dingtalk_requests(team):
    route = respx.post(url__startswith=DINGTALK).mock(
        return_value=httpx.Response(200, json=DINGTALK_OK)
    )
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "dingtalk", DINGTALK, SECRET))
        delivery.dispatch([alert.pk])

    request = route.calls.last.request
    params = urllib.parse.parse_qs(request.url.query.decode())
    timestamp = int(START.timestamp() * 1000)
    assert params["access_token"] == ["tok"]
    assert params["timestamp"] == [str(timestamp)]
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert params["sign"] == [base64.b64encode(digest).decode()]  # parse_qs decoded it once
    body = json.loads(request.content)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "品牌 mentions spiked"
    assert "Acme 的客服太慢了" in body["markdown"]["text"]
    assert only_delivery().state == "sent"


@respx.mock
def test_it_fails_at_once_when_dingtalk_refuses_the_signature(team):
    route = respx.post(url__startswith=DINGTALK).mock(
        return_value=httpx.Response(200, json=DINGTALK_BAD_SIGN)
    )
    alert = make_alert(team, dest(team, "dingtalk", DINGTALK, "wrong"))

    delivery.dispatch([alert.pk])
    delivery.deliver_due()

    row = only_delivery()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "310000" in row.last_error
    assert route.call_count == 1


@respx.mock
def test_it_signs_feishu_requests(team):
    route = respx.post(FEISHU).mock(return_value=httpx.Response(200, json=FEISHU_OK))
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "feishu", FEISHU, SECRET))
        delivery.dispatch([alert.pk])

    body = json.loads(route.calls.last.request.content)
    timestamp = int(START.timestamp())
    key = f"{timestamp}\n{SECRET}".encode()
    assert body["timestamp"] == str(timestamp)
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive"
    assert "品牌 mentions spiked" in json.dumps(body, ensure_ascii=False)
    assert only_delivery().state == "sent"


@respx.mock
def test_it_takes_the_older_feishu_answer_as_success(team):
    respx.post(FEISHU).mock(return_value=httpx.Response(200, json=FEISHU_OLD_OK))
    alert = make_alert(team, dest(team, "feishu", FEISHU))

    delivery.dispatch([alert.pk])

    assert only_delivery().state == "sent"


@respx.mock
def test_it_fails_at_once_when_feishu_refuses_the_signature(team):
    respx.post(FEISHU).mock(return_value=httpx.Response(200, json=FEISHU_BAD_SIGN))
    alert = make_alert(team, dest(team, "feishu", FEISHU, "wrong"))

    delivery.dispatch([alert.pk])

    row = only_delivery()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "19021" in row.last_error


@respx.mock
def test_it_posts_to_slack_and_honours_retry_after(team):
    route = respx.post(SLACK).mock(
        side_effect=[
            httpx.Response(429, text="rate_limited", headers={"Retry-After": "900"}),
            httpx.Response(200, text="ok"),
        ]
    )
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "slack", SLACK))
        delivery.dispatch([alert.pk])
    row = only_delivery()
    assert (row.state, row.status_code) == ("pending", 429)
    assert row.next_attempt_at == START + timedelta(seconds=900)

    with time_machine.travel(START + timedelta(seconds=899), tick=False):
        assert delivery.deliver_due() == 0
    with time_machine.travel(START + timedelta(seconds=900), tick=False):
        assert delivery.deliver_due() == 1

    body = json.loads(route.calls.last.request.content)
    assert "品牌 mentions spiked" in body["text"]
    assert body["blocks"][0]["type"] == "section"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.status_code) == ("sent", 2, 200)


@respx.mock
def test_it_gives_up_on_a_revoked_slack_hook_at_once(team):
    respx.post(SLACK).mock(return_value=httpx.Response(403, text="invalid_token"))
    alert = make_alert(team, dest(team, "slack", SLACK))

    delivery.dispatch([alert.pk])

    row = only_delivery()
    assert (row.state, row.status_code, row.last_error) == (
        "failed",
        403,
        "HTTP 403: invalid_token",
    )


# ---- the generic webhook, retries ----------------------------------------------------------------


@respx.mock
def test_it_signs_the_generic_webhook(team):
    route = respx.post(HOOK).mock(return_value=httpx.Response(204))
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "webhook", HOOK, SECRET))
        delivery.dispatch([alert.pk])

    request = route.calls.last.request
    timestamp = request.headers["X-SocialOps-Timestamp"]
    assert timestamp == str(int(START.timestamp()))
    expected = hmac.new(
        SECRET.encode(), timestamp.encode() + b"." + request.content, hashlib.sha256
    ).hexdigest()
    assert request.headers["X-SocialOps-Signature"] == f"sha256={expected}"
    body = json.loads(request.content)
    assert body["alert"]["id"] == alert.pk
    assert body["alert"]["kind"] == "spike"
    assert body["alert"]["query"] == "品牌"
    assert body["alert"]["detail"] == {"observed": 64, "baseline": 12.5}
    assert body["alert"]["mention_count"] == 5
    assert len(body["alert"]["mentions"]) == 3
    assert body["workspace"]["slug"] == "acme"
    assert (only_delivery().state, only_delivery().status_code) == ("sent", 204)


@respx.mock
def test_it_leaves_an_unsigned_webhook_unsigned(team):
    route = respx.post(HOOK).mock(return_value=httpx.Response(200))
    alert = make_alert(team, dest(team, "webhook", HOOK))

    delivery.dispatch([alert.pk])

    assert "X-SocialOps-Signature" not in route.calls.last.request.headers
    assert only_delivery().state == "sent"


@respx.mock
def test_it_retries_a_receiver_that_is_down_with_backoff_then_sends(team):
    route = respx.post(HOOK).mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.Response(503, text="maintenance"),
            httpx.Response(200, json={"received": True}),
        ]
    )
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "webhook", HOOK))
        delivery.dispatch([alert.pk])
    row = only_delivery()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "ConnectError" in row.last_error
    assert row.next_attempt_at == START + timedelta(seconds=30)

    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        assert delivery.deliver_due() == 0
    row.refresh_from_db()
    assert (row.state, row.attempts, row.status_code) == ("pending", 2, 503)
    assert row.next_attempt_at == START + timedelta(seconds=30) + timedelta(minutes=2)

    with time_machine.travel(START + timedelta(minutes=3), tick=False):
        assert delivery.deliver_due() == 1
        assert delivery.deliver_due() == 0  # nothing is sent twice
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, "")
    assert route.call_count == 3


@respx.mock
def test_it_fails_after_the_last_retry(team):
    route = respx.post(HOOK).mock(return_value=httpx.Response(500, text="boom"))
    at = START
    with time_machine.travel(at, tick=False):
        alert = make_alert(team, dest(team, "webhook", HOOK))
        delivery.dispatch([alert.pk])
    for wait in delivery.BACKOFF:
        at += wait
        with time_machine.travel(at, tick=False):
            delivery.deliver_due()

    row = only_delivery()
    assert (row.state, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert route.call_count == delivery.MAX_ATTEMPTS
    with time_machine.travel(at + timedelta(days=1), tick=False):
        assert delivery.deliver_due() == 0
    assert route.call_count == delivery.MAX_ATTEMPTS


@respx.mock
def test_it_reclaims_a_delivery_whose_sender_died(team):
    route = respx.post(HOOK).mock(return_value=httpx.Response(200))
    with time_machine.travel(START, tick=False):
        alert = make_alert(team, dest(team, "webhook", HOOK))
        row = only_delivery()
        assert delivery.claim(row.pk)  # a worker took it and died
        assert not delivery.claim(row.pk)
        assert delivery.deliver_due() == 0
    with time_machine.travel(START + delivery.LOCK + timedelta(seconds=1), tick=False):
        assert delivery.deliver_due() == 1
    assert route.call_count == 1
    row.refresh_from_db()
    assert row.state == "sent"
    assert alert.pk == row.alert_id


def test_it_dispatches_in_a_thread_after_the_commit(
    team, settings, django_capture_on_commit_callbacks
):
    settings.LISTENING_DISPATCH_SYNC = False
    submitted: list[Any] = []

    class Pool:
        def submit(self, fn: Any, *args: Any) -> None:
            submitted.append((fn, args))

    alert = make_alert(team, dest(team, "in_app"))
    original = delivery._pool
    delivery._pool = lambda: Pool()  # type: ignore[assignment,return-value]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            delivery.dispatch([alert.pk])
            assert submitted == []  # not before the commit
    finally:
        delivery._pool = original  # type: ignore[assignment]

    assert submitted == [(delivery._in_thread, ([alert.pk],))]
    assert only_delivery().state == "pending"


# ---- email and in-app ----------------------------------------------------------------------------


def test_it_emails_the_recipients(team):
    alert = make_alert(team, dest(team, "email", recipients=["ops@example.com", "pr@example.com"]))

    delivery.dispatch([alert.pk])

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ops@example.com", "pr@example.com"]
    assert "品牌 mentions spiked" in sent.subject
    assert f"/w/acme/interaction/listening/alerts/{alert.pk}/" in sent.body
    html, mime = sent.alternatives[0]  # type: ignore[attr-defined]
    assert mime == "text/html"
    assert "Acme 的客服太慢了" in html
    assert only_delivery().state == "sent"


def test_it_notifies_the_members_in_the_app(team):
    alert = make_alert(team, dest(team, "in_app"))

    delivery.dispatch([alert.pk])
    delivery.deliver_due()

    told = Notification.objects.filter(kind="listening.alert", workspace=team.workspace)
    assert sorted(n.user.email.split("@")[0] for n in told) == [
        "alice",
        "bob",
        "carol",
        "dave",
        "erin",
    ]
    assert {n.url for n in told} == {f"/w/acme/interaction/listening/alerts/{alert.pk}/"}
    assert only_delivery().state == "sent"


@respx.mock
def test_it_sends_a_test_to_one_destination_and_does_not_retry_it(team):
    respx.post(HOOK).mock(side_effect=httpx.ConnectError("refused"))
    target = dest(team, "webhook", HOOK)
    dest(team, "in_app")

    outcome = delivery.send_test(target)

    assert outcome.state == "failed"
    assert "ConnectError" in outcome.error
    test_alert = Alert.objects.get()
    assert test_alert.kind == "test"
    assert test_alert.key.startswith("test:")
    assert list(Delivery.objects.values_list("destination_id", "state")) == [(target.pk, "failed")]


# ---- a real receiver -----------------------------------------------------------------------------


def test_it_delivers_to_a_real_http_receiver_that_checks_the_signature(team):
    received: list[tuple[bool, dict[str, Any]]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            timestamp = self.headers["X-SocialOps-Timestamp"]
            mac = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
            good = hmac.compare_digest(
                self.headers["X-SocialOps-Signature"], "sha256=" + mac.hexdigest()
            )
            received.append((good, json.loads(body)))
            self.send_response(200 if good else 401)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        alert = make_alert(team, dest(team, "webhook", url, SECRET))
        delivery.dispatch([alert.pk])
    finally:
        server.shutdown()
        server.server_close()

    assert len(received) == 1
    good, body = received[0]
    assert good
    assert body["alert"]["id"] == alert.pk
    assert (only_delivery().state, only_delivery().status_code) == ("sent", 200)


# ---- the periodic task ---------------------------------------------------------------------------


@respx.mock
def test_it_retries_due_deliveries_from_the_periodic_task_one_run_at_a_time(team):
    from huey.contrib.djhuey import HUEY

    from socialops.listening.alert_tasks import DELIVER_LOCK, deliver_due_alerts

    respx.post(HOOK).mock(return_value=httpx.Response(200))
    make_alert(team, dest(team, "webhook", HOOK))  # raised, not dispatched: pending and due

    with HUEY.lock_task(DELIVER_LOCK):
        assert deliver_due_alerts.call_local() == 0
    assert only_delivery().state == "pending"

    assert deliver_due_alerts.call_local() == 1
    assert only_delivery().state == "sent"


def test_it_cuts_wecom_messages_to_their_byte_limit():
    text = "舆" * 3000 + "end"

    cut = delivery._utf8_prefix(text, 4000)

    assert len(cut.encode()) <= 4000
    assert cut == "舆" * 1333


@pytest.mark.django_db(transaction=True)
def test_it_sends_from_the_thread_pool_for_real(settings):
    import time as clock

    from socialops.accounts import actions
    from socialops.conftest import make_user

    settings.LISTENING_DISPATCH_SYNC = False
    owner = make_user("alice")
    workspace = actions.create_workspace(actor=owner, name="Pool", slug="pool")
    Destination.objects.create(workspace=workspace, name="bell", kind="in_app")
    alert = raise_alert(workspace.pk, kind="spike", key="pool", title="t")
    assert alert is not None

    delivery.dispatch([alert.pk])  # not in a transaction: submitted at once

    deadline = clock.monotonic() + 10
    while clock.monotonic() < deadline:
        if Delivery.objects.filter(alert=alert, state="sent").exists():
            break
        clock.sleep(0.05)
    assert Delivery.objects.get(alert=alert).state == "sent"
    assert Notification.objects.filter(workspace=workspace, kind="listening.alert").count() == 1
