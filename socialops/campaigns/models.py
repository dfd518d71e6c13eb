"""Topics (话题) a workspace posts under, and sets of them used together."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from socialops.accounts.models import Workspace
from socialops.core.clock import now

NAME_LENGTH = 64  # Bluesky allows 64 graphemes in a tag; a longer topic renders nowhere


class Topic(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=NAME_LENGTH)
    # platform code -> the name to use there, e.g. {"weibo": "双十一狂欢节", "x": "DoubleEleven"}
    overrides = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="campaigns_topic_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def name_for(self, platform: str) -> str:
        """The name written on ``platform``: its override, else the topic's own name."""
        override = self.overrides.get(platform) if isinstance(self.overrides, dict) else None
        return override or self.name


class HashtagSet(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    topics = models.ManyToManyField(Topic, blank=True, related_name="hashtag_sets")
    # the campaign or content pillar it belongs to, as free text until those models exist
    purpose = models.CharField(max_length=100, blank=True)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ShortLink(models.Model):
    """A tracked link: /l/<code> redirects to target_url with the UTM parameters merged in."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, unique=True)  # base62, 7 characters
    target_url = models.URLField(max_length=2000)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="short_links"
    )
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    clicks = models.PositiveBigIntegerField(default=0)  # people
    bot_clicks = models.PositiveBigIntegerField(default=0)  # crawlers and link previews

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "post"])]

    def __str__(self) -> str:
        return f"/l/{self.code}"


class LinkClick(models.Model):
    """One follow of a short link. No IP is stored: visitor is a salted hash that changes daily."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="click_rows")
    at = models.DateTimeField(default=now)
    is_bot = models.BooleanField(default=False)
    referrer_host = models.CharField(max_length=255, blank=True)
    agent_family = models.CharField(max_length=40, blank=True)  # "Chrome", "WeChat", "Twitterbot"
    visitor = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["link", "at"])]
