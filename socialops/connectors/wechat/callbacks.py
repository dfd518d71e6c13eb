"""The endpoint WeChat posts followers' messages to: /callbacks/wechat/<key>/.

GET verifies the server (echo echostr when the signature matches). POST carries a message in plain
mode (signature over token, timestamp, nonce) or safe mode (encrypt_type=aes: msg_signature also
over the Encrypt text, AES with the EncodingAESKey). Forged, stale (older than 5 minutes) or
replayed (same timestamp and nonce) calls get 403 and an audit entry; malformed or oversized bodies
get 400. Each message is stored once (by MsgId), handed to the inbox (a DM of the account whose
push key this is) and answered "success" at once: WeChat retries a call not answered within 5
seconds.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET  # noqa: S405 - hardened below: no DTD, size-capped
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from socialops.core import audit
from socialops.core.clock import now

from . import actions
from .crypto import BadMessage, decrypt, signature_matches
from .models import WechatCallbackEndpoint

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a WeChat message is a few KB at most
MAX_AGE_SECONDS = 5 * 60


class Rejected(Exception):
    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_callback(request: HttpRequest, key: str) -> HttpResponse:
    endpoint = WechatCallbackEndpoint.objects.filter(key=key).first()
    try:
        if endpoint is None:
            raise Rejected("unknown endpoint", 404)
        timestamp, nonce = _fresh(request)
        if request.method == "GET":
            _check_plain_signature(request, endpoint.token, timestamp, nonce)
            _not_replayed(endpoint, timestamp, nonce)
            return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")
        message = _message(request, endpoint, timestamp, nonce)
        _not_replayed(endpoint, timestamp, nonce)
    except Rejected as rejected:
        return _reject(request, key, endpoint, rejected)
    if actions.store_event(endpoint_key=key, message=message):
        _hand_to_inbox(key)
    return HttpResponse("success", content_type="text/plain")


def _hand_to_inbox(key: str) -> None:
    """Put the message in the inbox now; if that fails, the periodic inbox sync takes it later."""
    from socialops.inbox.ingest import ingest_pushed_for_endpoint

    try:
        ingest_pushed_for_endpoint(key)
    except Exception:  # WeChat must still hear "success": the message is stored
        log.exception("wechat callback %s: handing the message to the inbox failed", key)


def _fresh(request: HttpRequest) -> tuple[str, str]:
    timestamp, nonce = request.GET.get("timestamp", ""), request.GET.get("nonce", "")
    if not timestamp.isdigit() or not nonce:
        raise Rejected("missing timestamp or nonce")
    if abs(now().timestamp() - int(timestamp)) > MAX_AGE_SECONDS:
        raise Rejected("stale timestamp")
    return timestamp, nonce


def _check_plain_signature(request: HttpRequest, token: str, timestamp: str, nonce: str) -> None:
    if not signature_matches((token, timestamp, nonce), request.GET.get("signature", "")):
        raise Rejected("bad signature")


def _not_replayed(endpoint: WechatCallbackEndpoint, timestamp: str, nonce: str) -> None:
    if not actions.remember_nonce(endpoint_key=endpoint.key, timestamp=int(timestamp), nonce=nonce):
        raise Rejected("replayed nonce")


def _message(
    request: HttpRequest, endpoint: WechatCallbackEndpoint, timestamp: str, nonce: str
) -> dict[str, str]:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY:
        raise Rejected("body too large", 400)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise Rejected("body too large", 400)
    token = endpoint.token
    if request.GET.get("encrypt_type") != "aes":
        _check_plain_signature(request, token, timestamp, nonce)
        return _parse(body)
    envelope = _parse(body)
    encrypted = envelope.get("Encrypt", "")
    if not signature_matches(
        (token, timestamp, nonce, encrypted), request.GET.get("msg_signature", "")
    ):
        raise Rejected("bad msg_signature")
    aes_key = endpoint.encoding_aes_key
    if not aes_key:
        raise Rejected("safe mode message but no EncodingAESKey")
    try:
        inner = decrypt(encrypted, encoding_aes_key=aes_key, app_id=endpoint.app_id)
    except BadMessage as exc:
        raise Rejected(f"undecryptable message: {exc}") from exc
    return _parse(inner)


def _parse(body: bytes) -> dict[str, str]:
    """The flat <xml> message as a dict; anything else is malformed."""
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise Rejected("XML with a DTD", 400)
    try:
        root = ET.fromstring(body)  # noqa: S314 - no DTD possible (checked above), size-capped
    except ET.ParseError as exc:
        raise Rejected("malformed XML", 400) from exc
    if root.tag != "xml":
        raise Rejected("not a WeChat message", 400)
    message = {child.tag: (child.text or "") for child in root}
    if "Encrypt" not in message and not message.get("MsgType"):
        raise Rejected("message without MsgType", 400)
    return message


def _reject(
    request: HttpRequest,
    key: str,
    endpoint: WechatCallbackEndpoint | None,
    rejected: Rejected,
) -> HttpResponse:
    log.warning("wechat callback %s rejected: %s", key, rejected.reason)
    details: dict[str, Any] = {"key": key, "reason": rejected.reason, "status": rejected.status}
    audit.record(
        action="wechat.callback_rejected",
        workspace=endpoint.workspace if endpoint else None,
        request=request,
        target_label=f"wechat callback {key}",
        after=details,
        actor_label="wechat",
    )
    if rejected.status == 400:
        return HttpResponseBadRequest(rejected.reason, content_type="text/plain")
    if rejected.status == 404:
        return HttpResponse("unknown endpoint", status=404, content_type="text/plain")
    return HttpResponseForbidden(rejected.reason, content_type="text/plain")
