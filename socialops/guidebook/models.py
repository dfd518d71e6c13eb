"""The guidebook (行为指导手册): how the team talks to people, and the replies it reuses."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class CannedReply(models.Model):
    """A reply the team reuses; {nickname}, {order_number}… are filled in when it is inserted."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)
    body = models.TextField()
    shortcut = models.CharField(max_length=30, blank=True)  # typed as /shortcut in the reply box
    kinds = models.JSONField(default=list, blank=True)  # conversation kinds; empty: all
    usage_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
