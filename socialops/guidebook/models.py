"""The guidebook (行为指导手册): how the team talks to people, and the replies it reuses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class Section(models.TextChoices):
    """The guidebook's standard sections, in reading order; CUSTOM sections are the team's own."""

    LANGUAGE = "language", _("Language norms")
    FORBIDDEN = "forbidden", _("Forbidden zones")
    DM = "dm", _("DM principles")
    REPOST_COMMENT = "repost_comment", _("Repost and comment rules")
    FOLLOW = "follow", _("Follow rules")
    RESPONSE_TIME = "response_time", _("Response times")
    CUSTOM = "custom", _("Other")


class GuidebookSection(models.Model):
    """One section of a workspace's guidebook: plain text with a little markup, for people."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20, choices=Section.choices, default=Section.CUSTOM)
    title = models.CharField(max_length=100)
    body = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"],
                condition=~Q(key="custom"),
                name="guidebook_standard_section_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CannedReply(models.Model):
    """A reply the team reuses; {nickname}, {order_number}… are filled in when it is inserted."""

    class Purpose(models.TextChoices):
        GENERAL = "", _("General")
        DM_INVITE = "dm_invite", _("Invitation to continue in a DM")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)
    body = models.TextField()
    shortcut = models.CharField(max_length=30, blank=True)  # typed as /shortcut in the reply box
    kinds = models.JSONField(default=list, blank=True)  # conversation kinds; empty: all
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default="", blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "shortcut"],
                condition=~Q(shortcut=""),
                name="guidebook_canned_shortcut_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title
