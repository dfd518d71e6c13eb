"""A workspace's social accounts (channels), their matrix roles and their facade checks."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class Channel(models.Model):
    """One connected account on one platform. Credentials are only ever stored encrypted."""

    class Status(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        RECONNECT_NEEDED = "reconnect_needed", _("Reconnect needed")
        DISCONNECTED = "disconnected", _("Disconnected")

    class Role(models.TextChoices):
        BRAND = "brand", _("Brand")
        PRODUCT = "product", _("Product")
        REGION = "region", _("Region")
        SUPPORT = "support", _("Customer support")
        EXECUTIVE = "executive", _("Executive")
        CAMPAIGN = "campaign", _("Campaign")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="channels")
    platform = models.CharField(max_length=40)  # catalog code, e.g. "weibo"
    connector = models.CharField(max_length=40)  # registry code, e.g. "sandbox"
    remote_id = models.CharField(max_length=200)
    handle = models.CharField(max_length=200, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    status_reason = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    credentials_ciphertext = models.TextField(blank=True)
    config = models.JSONField(default=dict, blank=True)  # non-secret, e.g. a Mastodon instance
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(default=now)
    # the account matrix
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.BRAND)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_channels",
    )
    weekly_capacity_hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    notes = models.TextField(blank=True)
    complements: models.ManyToManyField[Channel, Complement] = models.ManyToManyField(
        "self", through="Complement", symmetrical=True, blank=True
    )
    # the live profile as last read, for the facade audit
    profile = models.JSONField(default=dict, blank=True)
    profile_fetched_at = models.DateTimeField(null=True, blank=True)
    facade_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "handle", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "connector", "remote_id"],
                condition=~Q(status="disconnected"),
                name="channel_unique_live_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle or self.remote_id}"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.DISCONNECTED

    @property
    def needs_reconnect(self) -> bool:
        return self.status == self.Status.RECONNECT_NEEDED


class Complement(models.Model):
    """Two accounts that work together in the matrix, and why (stored once per direction)."""

    from_channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    to_channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    why = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_channel", "to_channel"], name="complement_once")
        ]


class OAuthState(models.Model):
    """A pending OAuth authorisation: bound to one workspace, one person and one connector."""

    nonce = models.CharField(max_length=64, unique=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    connector = models.CharField(max_length=40)
    platform = models.CharField(max_length=40, blank=True)
    config_ciphertext = models.TextField(blank=True)  # may hold an app secret: encrypted
    reconnect = models.ForeignKey(Channel, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"oauth {self.connector} for {self.workspace_id}"


class FacadeCheck(models.Model):
    """The state of one facade item of one account, by the automatic audit or a person."""

    class State(models.TextChoices):
        OK = "ok", _("OK")
        MISSING = "missing", _("Missing")
        MANUAL_OK = "manual_ok", _("Confirmed by a person")
        NOT_APPLICABLE = "not_applicable", _("Does not apply")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="facade_checks")
    item = models.CharField(max_length=30)
    state = models.CharField(max_length=20, choices=State.choices, default=State.MISSING)
    automatic = models.BooleanField(default=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(default=now)
    evidence = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "item"], name="facade_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.item}={self.state}"


def profile_dict(profile: Any) -> dict[str, Any]:
    """A connector Profile as the JSON stored on the channel."""
    data = asdict(profile)
    data["contacts"] = dict(data.get("contacts") or {})
    return data
