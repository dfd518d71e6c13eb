"""The interaction database (互动资料库): people and organisations, and their platform accounts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class Contact(models.Model):
    class Kind(models.TextChoices):
        COMPETITOR = "competitor", _("Competitor")
        EXPERT = "expert", _("Industry expert")
        MEDIA = "media", _("Media")
        KOL = "kol", _("KOL")
        FAN = "fan", _("Fan")
        PARTNER = "partner", _("Partner")
        CUSTOMER = "customer", _("Customer")

    class Importance(models.IntegerChoices):
        LOW = 0, _("Low")
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        VIP = 3, _("VIP")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FAN)
    importance = models.PositiveSmallIntegerField(
        choices=Importance.choices, default=Importance.NORMAL
    )
    organisation = models.CharField(max_length=200, blank=True)
    tags = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    # fan tier from interaction frequency (see contacts.tiers); recomputed, never typed in
    tier = models.CharField(max_length=12, blank=True)
    interactions_90d = models.PositiveIntegerField(default=0)
    last_interaction_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["workspace", "kind"]),
            models.Index(fields=["workspace", "-interactions_90d"]),
        ]

    def __str__(self) -> str:
        return self.name


class Identity(models.Model):
    """One account of a contact on one platform; inbox authors are linked through these."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    platform = models.CharField(max_length=40)  # catalog code, e.g. "weibo"
    remote_id = models.CharField(max_length=200, blank=True)  # the platform's user id when known
    handle = models.CharField(max_length=200, blank=True)  # without "@"
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["platform", "handle", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "platform", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="contacts_identity_remote_once",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "platform", "handle"])]

    def __str__(self) -> str:
        return f"{self.platform}:@{self.handle or self.remote_id}"
