"""Callback endpoints (one per connected Official Account) and the messages they received."""

from __future__ import annotations

from django.db import models

from socialops.core import crypto
from socialops.core.clock import now


class WechatCallbackEndpoint(models.Model):
    """Where WeChat posts one account's messages: /callbacks/wechat/<key>/ and its secrets."""

    key = models.SlugField(max_length=64, unique=True)
    workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    app_id = models.CharField(max_length=64)
    token_ciphertext = models.TextField()
    encoding_aes_key_ciphertext = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"wechat callback {self.key}"

    @property
    def token(self) -> str:
        return crypto.decrypt(self.token_ciphertext)

    @property
    def encoding_aes_key(self) -> str:
        if not self.encoding_aes_key_ciphertext:
            return ""
        return crypto.decrypt(self.encoding_aes_key_ciphertext)


class WechatCallbackNonce(models.Model):
    """A (timestamp, nonce) already accepted: the same pair again is a replay."""

    endpoint_key = models.CharField(max_length=64)
    timestamp = models.BigIntegerField()
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint_key", "timestamp", "nonce"], name="wechat_nonce_once"
            )
        ]


class WechatCallbackEvent(models.Model):
    """One message or event from a follower, waiting for the inbox to ingest it."""

    endpoint_key = models.CharField(max_length=64)
    # MsgId for messages; FromUserName + CreateTime for events, which have no MsgId.
    msg_id = models.CharField(max_length=128)
    msg_type = models.CharField(max_length=32)  # text, image, event:subscribe, event:CLICK, …
    from_openid = models.CharField(max_length=128)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=now)
    ingested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint_key", "msg_id"], name="wechat_event_once")
        ]
        indexes = [models.Index(fields=["endpoint_key", "ingested_at"])]

    def __str__(self) -> str:
        return f"{self.msg_type} from {self.from_openid}"
