"""Writes for the callback endpoint: its registration by channels, and what WeChat sends to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from socialops.connectors.base import Author, InboxItem
from socialops.core import crypto
from socialops.core.clock import now

from .models import WechatCallbackEndpoint, WechatCallbackEvent, WechatCallbackNonce

if TYPE_CHECKING:
    from socialops.accounts.models import Workspace

NONCE_MEMORY = timedelta(minutes=10)  # twice the accepted timestamp age


@transaction.atomic
def register_endpoint(
    *,
    key: str,
    app_id: str,
    token: str,
    encoding_aes_key: str = "",
    workspace: Workspace | None = None,
) -> WechatCallbackEndpoint:
    """Create or update the endpoint WeChat calls for one account (channels call it on connect)."""
    endpoint, _ = WechatCallbackEndpoint.objects.update_or_create(
        key=key,
        defaults={
            "workspace": workspace,
            "app_id": app_id,
            "token_ciphertext": crypto.encrypt(token),
            "encoding_aes_key_ciphertext": crypto.encrypt(encoding_aes_key)
            if encoding_aes_key
            else "",
        },
    )
    return endpoint


@transaction.atomic
def remove_endpoint(*, key: str) -> None:
    WechatCallbackEndpoint.objects.filter(key=key).delete()


def remember_nonce(*, endpoint_key: str, timestamp: int, nonce: str) -> bool:
    """Remember an accepted (timestamp, nonce); False if it was seen before (a replay)."""
    WechatCallbackNonce.objects.filter(seen_at__lt=now() - NONCE_MEMORY).delete()
    try:
        with transaction.atomic():
            WechatCallbackNonce.objects.create(
                endpoint_key=endpoint_key, timestamp=timestamp, nonce=nonce[:64]
            )
    except IntegrityError:
        return False
    return True


def store_event(*, endpoint_key: str, message: dict[str, Any]) -> bool:
    """Store a message once; False if this MsgId (or event) was stored before."""
    msg_type = message.get("MsgType", "")
    if msg_type == "event":
        msg_type = f"event:{message.get('Event', '')}"
    from_openid = message.get("FromUserName", "")
    msg_id = message.get("MsgId") or f"{from_openid}:{message.get('CreateTime', '')}:{msg_type}"
    try:
        with transaction.atomic():
            WechatCallbackEvent.objects.create(
                endpoint_key=endpoint_key,
                msg_id=msg_id[:128],
                msg_type=msg_type[:32],
                from_openid=from_openid[:128],
                payload=message,
            )
    except IntegrityError:
        return False
    return True


# ---- hand-over to the inbox ---------------------------------------------------------------

# What a follower's non-text message shows in the inbox: the platform's own fields, no guessing.
_SHOWN = {
    "image": ("PicUrl",),
    "voice": ("Recognition",),
    "video": ("MediaId",),
    "shortvideo": ("MediaId",),
    "location": ("Label",),
    "link": ("Title", "Url"),
}


def pending_events(*, endpoint_key: str, limit: int) -> list[WechatCallbackEvent]:
    """Stored events the inbox has not taken yet, oldest first, locked where the database can."""
    rows = WechatCallbackEvent.objects.filter(endpoint_key=endpoint_key, ingested_at__isnull=True)
    return list(rows.select_for_update(skip_locked=True).order_by("received_at", "pk")[:limit])


def mark_ingested(ids: list[int]) -> None:
    WechatCallbackEvent.objects.filter(pk__in=ids).update(ingested_at=now())


def event_item(event: WechatCallbackEvent) -> InboxItem | None:
    """A follower's message as an inbox DM; None for events (subscribe, menu clicks, …)."""
    message = event.payload
    msg_type = str(message.get("MsgType") or "")
    if not msg_type or msg_type == "event":
        return None
    if msg_type == "text":
        text = str(message.get("Content") or "")
    else:
        shown = " ".join(str(message.get(name) or "") for name in _SHOWN.get(msg_type, ()))
        text = f"[{msg_type}] {shown}".strip()
    try:
        created = datetime.fromtimestamp(int(message.get("CreateTime") or 0), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        created = event.received_at
    if created.timestamp() <= 0:
        created = event.received_at
    openid = event.from_openid
    return InboxItem(
        kind="dm",
        remote_id=event.msg_id,
        author=Author(remote_id=openid, handle=openid),
        text=text,
        created_at=created,
        thread_id=openid,
        raw=dict(message),
    )
