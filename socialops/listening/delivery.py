"""Delivering alerts to where the team is: group bots, Slack, webhooks, email, the bell menu.

Each Delivery row is durable work. A worker claims it with a conditional UPDATE
(pending → sending, with a lock that expires), sends it, and records sent or the error with
the next attempt's time (backoff: 30 s, 2 min, 10 min, 30 min, 2 h; a Retry-After is honoured);
after the last retry, or at once on a permanent error (bad signature, revoked token), it is
failed. A row is sent by one worker at a time and never again once the receiver said yes.
The payloads and signatures are documented in docs/alerts.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.accounts.roles import Perm
from socialops.core.clock import now
from socialops.core.crypto import DecryptionError, decrypt
from socialops.core.notify import members_who_can, notify

from .models import Alert, AlertKind, Delivery, Destination, DestinationKind, ListeningQuery

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(5.0)
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LOCK = timedelta(minutes=2)  # a send takes at most a few timeouts; then another worker may retry
MAX_RETRY_AFTER = timedelta(hours=2)
MENTIONS_SHOWN = 3
USER_AGENT = "SocialOps-Alerts/1"


class DeliveryError(Exception):
    """A send that did not succeed; ``permanent`` ones are not retried."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        permanent: bool = False,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Outcome:
    """What one attempt ended in (the row's state after it)."""

    state: str
    status_code: int | None = None
    error: str = ""
    attempts: int = 0
    alert_id: int | None = None
    delivery_id: int | None = None


# ---- the message -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertMessage:
    """Everything a formatter may say about an alert, already resolved from the database."""

    alert_id: int
    workspace_name: str
    workspace_slug: str
    kind: str
    kind_label: str
    title: str
    query: str
    detail: dict[str, Any]
    mentions: list[dict[str, Any]]
    mention_count: int
    url: str
    created_at: datetime
    window_start: datetime | None = None
    window_end: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def detail_line(self) -> str:
        """Observed vs baseline, and the other numbers the detector gave."""
        parts = []
        if "observed" in self.detail:
            parts.append(f"observed {_number(self.detail['observed'])}")
        if "baseline" in self.detail:
            parts.append(f"baseline {_number(self.detail['baseline'])}")
        for key, value in self.detail.items():
            if key in ("observed", "baseline") or isinstance(value, dict | list):
                continue
            parts.append(f"{key} {_number(value)}")
        return " · ".join(parts)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def alert_path(slug: str, alert_id: int) -> str:
    try:
        return reverse("listening_alert", kwargs={"slug": slug, "alert_id": alert_id})
    except NoReverseMatch:
        return f"/w/{slug}/interaction/listening/alerts/{alert_id}/"


def message_of(alert: Alert) -> AlertMessage:
    workspace = Workspace.objects.get(pk=alert.workspace_id)
    query = (
        ListeningQuery.objects.filter(pk=alert.query_id).values_list("name", flat=True).first()
        if alert.query_id
        else None
    )
    mentions = alert.mentions.order_by("-posted_at", "-id")
    shown = [
        {
            "id": m.pk,
            "platform": m.platform,
            "author": m.author_name or m.author_handle,
            "text": m.text[:280],
            "url": m.url,
            "posted_at": m.posted_at.isoformat(),
        }
        for m in mentions[:MENTIONS_SHOWN]
    ]
    return AlertMessage(
        alert_id=alert.pk,
        workspace_name=workspace.name,
        workspace_slug=workspace.slug,
        kind=alert.kind,
        kind_label=str(AlertKind(alert.kind).label) if alert.kind in AlertKind else alert.kind,
        title=alert.title,
        query=query or "",
        detail=dict(alert.detail or {}),
        mentions=shown,
        mention_count=mentions.count(),
        url=settings.SITE_URL + alert_path(workspace.slug, alert.pk),
        created_at=alert.created_at,
        window_start=alert.window_start,
        window_end=alert.window_end,
    )


def markdown_text(msg: AlertMessage, *, bold: str = "**") -> str:
    lines = [f"{bold}[{msg.workspace_name}] {msg.title}{bold}", ""]
    lines.append(f"> {msg.kind_label}" + (f" · {msg.query}" if msg.query else ""))
    if msg.detail_line:
        lines.append(f"> {msg.detail_line}")
    for mention in msg.mentions:
        author = f"{mention['author']}: " if mention["author"] else ""
        lines.append(f"- {author}{_one_line(mention['text'], 140)}")
    if msg.mention_count > len(msg.mentions):
        lines.append(f"- … (+{msg.mention_count - len(msg.mentions)})")
    lines.append("")
    lines.append(f"[{msg.url}]({msg.url})")
    return "\n".join(lines)


def plain_text(msg: AlertMessage) -> str:
    lines = [
        f"[{msg.workspace_name}] {msg.title}",
        msg.kind_label + (f" · {msg.query}" if msg.query else ""),
    ]
    if msg.detail_line:
        lines.append(msg.detail_line)
    lines.append("")
    for mention in msg.mentions:
        author = f"{mention['author']}: " if mention["author"] else ""
        lines.append(f"- {author}{_one_line(mention['text'], 280)}")
    lines.append("")
    lines.append(msg.url)
    return "\n".join(lines)


def _utf8_prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits in ``limit`` bytes."""
    return text.encode()[:limit].decode(errors="ignore")


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def webhook_payload(msg: AlertMessage) -> dict[str, Any]:
    """The generic webhook's body (docs/alerts.md)."""
    return {
        "event": "listening.alert",
        "alert": {
            "id": msg.alert_id,
            "kind": msg.kind,
            "title": msg.title,
            "detail": msg.detail,
            "query": msg.query or None,
            "window_start": msg.window_start.isoformat() if msg.window_start else None,
            "window_end": msg.window_end.isoformat() if msg.window_end else None,
            "created_at": msg.created_at.isoformat(),
            "url": msg.url,
            "mention_count": msg.mention_count,
            "mentions": msg.mentions,
        },
        "workspace": {"slug": msg.workspace_slug, "name": msg.workspace_name},
    }


# ---- signatures ----------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, as the query parameter value (already URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


# ---- senders -------------------------------------------------------------------------------------


def _retry_after(response: httpx.Response) -> timedelta | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now()).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(timedelta(seconds=max(seconds, 0)), MAX_RETRY_AFTER)


_CLIENT: httpx.Client | None = None
_CLIENT_LOCK = threading.Lock()


def _client() -> httpx.Client:
    """One client for every send (its connections are reused; making one costs ~0.3 s here)."""
    global _CLIENT  # noqa: PLW0603 - a process-wide pool, made on first use
    with _CLIENT_LOCK:
        if _CLIENT is None:
            _CLIENT = httpx.Client(timeout=TIMEOUT, follow_redirects=False)
        return _CLIENT


def _post(url: str, *, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    all_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    try:
        response = _client().post(url, content=body, headers=all_headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise DeliveryError(
            f"HTTP {response.status_code}: {response.text[:200]}",
            status_code=response.status_code,
            retry_after=_retry_after(response),
        )
    return response


def _json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _bot_result(
    response: httpx.Response, code_key: str, ok_message: str, permanent: set[int], rate: set[int]
) -> int:
    """Check a Chinese group bot's JSON answer: 200 with code 0 is success."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise DeliveryError(
            f"HTTP {response.status_code}: {response.text[:200]}",
            status_code=response.status_code,
            permanent=400 <= response.status_code < 500,
        )
    code = data.get(code_key, data.get("StatusCode"))
    if response.status_code == 200 and code == 0:
        return response.status_code
    message = data.get(ok_message) or data.get("StatusMessage") or ""
    error = f"{code_key} {code}: {message}"[:1000]
    if code in rate:
        raise DeliveryError(error, status_code=response.status_code, retry_after=BACKOFF[1])
    raise DeliveryError(
        error,
        status_code=response.status_code,
        permanent=code in permanent or 400 <= response.status_code < 500,
    )


def _secret(destination: Destination) -> str:
    if not destination.secret:
        return ""
    try:
        return decrypt(destination.secret)
    except DecryptionError as exc:
        raise DeliveryError("the stored secret cannot be decrypted", permanent=True) from exc


def send_wecom(destination: Destination, msg: AlertMessage) -> int:
    content = markdown_text(msg)
    # WeCom counts the limit (4096) in UTF-8 bytes: a Chinese character is three
    body = {"msgtype": "markdown", "markdown": {"content": _utf8_prefix(content, 4000)}}
    response = _post(destination.url, body=_json_body(body))
    # 45009: API freq out of limit (20 messages a minute per bot); 93000: bad webhook key
    return _bot_result(response, "errcode", "errmsg", permanent={93000, 93004}, rate={45009})


def send_dingtalk(destination: Destination, msg: AlertMessage) -> int:
    url = destination.url
    secret = _secret(destination)
    if secret:
        timestamp = int(time.time() * 1000)
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    body = {
        "msgtype": "markdown",
        "markdown": {"title": msg.title[:100], "text": markdown_text(msg)[:5000]},
    }
    response = _post(url, body=_json_body(body))
    # 310000: sign, keyword or IP check failed; 300001: bad token; 130101: too many messages
    return _bot_result(
        response, "errcode", "errmsg", permanent={310000, 300001, 300005}, rate={130101, 410100}
    )


def send_feishu(destination: Destination, msg: AlertMessage) -> int:
    secret = _secret(destination)
    content: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {
            "header": {
                "title": {"tag": "plain_text", "content": f"[{msg.workspace_name}] {msg.title}"},
                "template": "red" if msg.kind in ("spike", "negative", "crisis_word") else "blue",
            },
            "elements": [
                {"tag": "markdown", "content": markdown_text(msg)[:5000]},
                {
                    "tag": "action",
                    "actions": [
                        {
                            "tag": "button",
                            "text": {"tag": "plain_text", "content": "SocialOps"},
                            "url": msg.url,
                            "type": "primary",
                        }
                    ],
                },
            ],
        },
    }
    if secret:
        timestamp = int(time.time())
        content = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **content}
    response = _post(destination.url, body=_json_body(content))
    # 19021: sign match fail; 19024: keyword check; 19022: IP not allowed; 9499/11232: rate
    return _bot_result(
        response, "code", "msg", permanent={19021, 19022, 19024, 19001}, rate={9499, 11232}
    )


def send_slack(destination: Destination, msg: AlertMessage) -> int:
    text = f"[{msg.workspace_name}] {msg.title}"
    mrkdwn = markdown_text(msg, bold="*").replace(f"[{msg.url}]({msg.url})", f"<{msg.url}>")
    body = {
        "text": text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:2900]}}],
    }
    response = _post(destination.url, body=_json_body(body))
    if response.status_code == 200 and response.text.strip() == "ok":
        return 200
    raise DeliveryError(
        f"HTTP {response.status_code}: {response.text[:200]}",
        status_code=response.status_code,
        permanent=400 <= response.status_code < 500,  # invalid_token, no_service, channel_not_found
    )


def send_webhook(destination: Destination, msg: AlertMessage) -> int:
    body = _json_body(webhook_payload(msg))
    headers = {}
    secret = _secret(destination)
    if secret:
        timestamp = str(int(time.time()))
        headers["X-SocialOps-Timestamp"] = timestamp
        headers["X-SocialOps-Signature"] = webhook_signature(secret, timestamp, body)
    response = _post(destination.url, body=body, headers=headers)
    if 200 <= response.status_code < 300:
        return response.status_code
    raise DeliveryError(
        f"HTTP {response.status_code}: {response.text[:200]}",
        status_code=response.status_code,
        permanent=400 <= response.status_code < 500 and response.status_code not in (408, 425),
    )


def send_email(destination: Destination, msg: AlertMessage) -> int | None:
    recipients = [r for r in destination.recipients if isinstance(r, str) and r]
    if not recipients:
        raise DeliveryError("no recipients", permanent=True)
    text = plain_text(msg)
    items = "".join(
        f"<li>{escape(m['author'] + ': ' if m['author'] else '')}{escape(m['text'])}</li>"
        for m in msg.mentions
    )
    html = (
        f"<h2>{escape(msg.title)}</h2>"
        f"<p>{escape(msg.workspace_name)} · {escape(msg.kind_label)}"
        f"{' · ' + escape(msg.query) if msg.query else ''}</p>"
        f"<p>{escape(msg.detail_line)}</p>"
        f"<ul>{items}</ul>"
        f'<p><a href="{escape(msg.url)}">{escape(msg.url)}</a></p>'
    )
    email = EmailMultiAlternatives(
        subject=f"[{msg.workspace_name}] {msg.title}"[:200], body=text, to=recipients
    )
    email.attach_alternative(html, "text/html")
    try:
        email.send(fail_silently=False)
    except Exception as exc:  # SMTP errors of every kind; the mail server may come back
        raise DeliveryError(f"{type(exc).__name__}: {exc}"[:1000]) from exc
    return None


def send_in_app(destination: Destination, msg: AlertMessage) -> int | None:
    workspace = Workspace.objects.get(pk=destination.workspace_id)
    notify(
        members_who_can(workspace, Perm.LISTENING_VIEW),
        kind="listening.alert",
        title=msg.title,
        body=msg.detail_line,
        url=alert_path(msg.workspace_slug, msg.alert_id),
        workspace=workspace,
    )
    return None


SENDERS: dict[str, Callable[[Destination, AlertMessage], int | None]] = {
    DestinationKind.WECOM: send_wecom,
    DestinationKind.DINGTALK: send_dingtalk,
    DestinationKind.FEISHU: send_feishu,
    DestinationKind.SLACK: send_slack,
    DestinationKind.WEBHOOK: send_webhook,
    DestinationKind.EMAIL: send_email,
    DestinationKind.IN_APP: send_in_app,
}


# ---- claiming and recording --------------------------------------------------------------------


def _claimable(at: datetime) -> Q:
    pending = Q(state=Delivery.State.PENDING, next_attempt_at__lte=at)
    stuck = Q(state=Delivery.State.SENDING, locked_until__lt=at)
    return pending | stuck


def claim(delivery_id: int, *, force: bool = False) -> bool:
    """Take one delivery for sending; False if another worker has it, or it is done or not due."""
    at = now()
    rows = Delivery.objects.filter(pk=delivery_id)
    if force:  # a person's "send test": due or not, but never one being sent or already sent
        rows = rows.filter(Q(state=Delivery.State.PENDING) | _claimable(at))
    else:
        rows = rows.filter(_claimable(at))
    return rows.update(state=Delivery.State.SENDING, locked_until=at + LOCK) == 1


def attempt(delivery_id: int, *, force: bool = False) -> Outcome | None:
    """Claim, send and record one delivery; None if it was not ours to send."""
    if not claim(delivery_id, force=force):
        return None
    delivery = Delivery.objects.select_related("alert", "destination").get(pk=delivery_id)
    sender = SENDERS.get(delivery.destination.kind)
    status_code: int | None = None
    try:
        if sender is None:
            raise DeliveryError(
                f"unknown destination kind {delivery.destination.kind}", permanent=True
            )
        status_code = sender(delivery.destination, message_of(delivery.alert))
    except DeliveryError as exc:
        return _failed(delivery, exc)
    except Exception as exc:  # a bug in a formatter must not leave the row locked
        log.exception("alert delivery %s crashed", delivery_id)
        return _failed(delivery, DeliveryError(f"{type(exc).__name__}: {exc}"))
    at = now()
    Delivery.objects.filter(pk=delivery_id, state=Delivery.State.SENDING).update(
        state=Delivery.State.SENT,
        attempts=delivery.attempts + 1,
        status_code=status_code,
        sent_at=at,
        locked_until=None,
        last_error="",
    )
    return Outcome(Delivery.State.SENT, status_code, "", delivery.attempts + 1)


def _failed(delivery: Delivery, exc: DeliveryError) -> Outcome:
    attempts = delivery.attempts + 1
    at = now()
    final = exc.permanent or attempts >= MAX_ATTEMPTS
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    if exc.retry_after is not None:
        wait = max(wait, exc.retry_after)
    state = Delivery.State.FAILED if final else Delivery.State.PENDING
    log.warning(
        "alert delivery %s to %s failed (%s, attempt %d): %s",
        delivery.pk,
        delivery.destination.kind,
        state,
        attempts,
        exc.message,
    )
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
        state=state,
        attempts=attempts,
        status_code=exc.status_code,
        last_error=exc.message[:1000],
        next_attempt_at=at if final else at + wait,
        locked_until=None,
    )
    return Outcome(state, exc.status_code, exc.message[:1000], attempts)


# ---- running them ------------------------------------------------------------------------------


_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="alert-delivery")
    return _executor


def _synchronous() -> bool:
    huey = getattr(settings, "HUEY", {}) or {}
    return bool(getattr(settings, "LISTENING_DISPATCH_SYNC", False)) or bool(
        isinstance(huey, dict) and huey.get("immediate")
    )


def deliver_alerts(alert_ids: Sequence[int]) -> int:
    """Attempt the alerts' due deliveries here and now; how many were sent."""
    ids = Delivery.objects.filter(alert_id__in=list(alert_ids)).filter(_claimable(now()))
    sent = 0
    for delivery_id in ids.order_by("id").values_list("id", flat=True):
        outcome = attempt(delivery_id)
        if outcome is not None and outcome.state == Delivery.State.SENT:
            sent += 1
    return sent


def _in_thread(alert_ids: list[int]) -> None:
    close_old_connections()
    try:
        deliver_alerts(alert_ids)
    except Exception:
        log.exception("alert dispatch failed; the periodic task retries")
    finally:
        connection.close()


def dispatch(alert_ids: Sequence[int]) -> None:
    """Attempt the alerts' pending deliveries at once, off the caller's thread.

    Inside a transaction it waits for the commit (the worker thread could not see the rows
    before). Failures are left to ``deliver_due`` at their next attempt's time.
    """
    ids = [int(a) for a in alert_ids]
    if not ids:
        return
    if _synchronous():
        deliver_alerts(ids)
        return
    transaction.on_commit(lambda: _pool().submit(_in_thread, ids))


def deliver_due(limit: int = 500) -> int:
    """Every due delivery (and stuck ones whose lock expired), sent now; how many were sent."""
    due = Delivery.objects.filter(_claimable(now())).order_by("next_attempt_at", "id")
    sent = 0
    for delivery_id in list(due.values_list("id", flat=True)[:limit]):
        outcome = attempt(delivery_id)
        if outcome is not None and outcome.state == Delivery.State.SENT:
            sent += 1
    return sent


def send_test(destination: Destination) -> Outcome:
    """A test alert to this one destination, sent here and now (the "Send test" button)."""
    alert = Alert.objects.create(
        workspace_id=destination.workspace_id,
        kind=AlertKind.TEST,
        key=f"test:{uuid.uuid4()}",
        title=_("Test alert from SocialOps: %(name)s") % {"name": destination.name},
        detail={"destination": destination.name},
        created_at=now(),
    )
    delivery = Delivery.objects.create(
        workspace_id=destination.workspace_id, alert=alert, destination=destination
    )
    outcome = attempt(delivery.pk, force=True)
    if outcome is None:  # pragma: no cover - a fresh row nobody else knows
        delivery.refresh_from_db()
        outcome = Outcome(
            delivery.state, delivery.status_code, delivery.last_error, delivery.attempts
        )
    if outcome.state == Delivery.State.PENDING:  # a test is not retried: the person sees it now
        Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.PENDING).update(
            state=Delivery.State.FAILED
        )
        outcome = replace(outcome, state=Delivery.State.FAILED)
    return replace(outcome, alert_id=alert.pk, delivery_id=delivery.pk)
