"""The interaction database (互动资料库): people and organisations, and their platform accounts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
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
    # the name's pinyin with tone numbers ("li3 si4"): the list sorts by it (Chinese order)
    name_key = models.CharField(max_length=800, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FAN)
    importance = models.PositiveSmallIntegerField(
        choices=Importance.choices, default=Importance.NORMAL
    )
    organisation = models.CharField(max_length=200, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # "|tag one|tag two|" case-folded: the tag filter is a substring match on every database
    tag_index = models.CharField(max_length=1000, blank=True)
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
            models.Index(fields=["workspace", "name_key", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.tag_index = tag_index(self.tags)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def tag_index(tags: list[str]) -> str:
    return ("|" + "|".join(str(tag).casefold() for tag in tags) + "|" if tags else "")[:1000]


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
            models.UniqueConstraint(
                "workspace",
                "platform",
                Lower("handle"),
                condition=~models.Q(handle=""),
                name="contacts_identity_handle_once",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "platform", "handle"])]

    def __str__(self) -> str:
        return f"{self.platform}:@{self.handle or self.remote_id}"

    @property
    def platform_name(self) -> str:
        from .platforms import name_of

        return name_of(self.platform)


class EngagementTask(models.Model):
    """A public post worth engaging with, the action suggested, and what the team did about it."""

    class Source(models.TextChoices):
        CONTACT = "contact", _("Post by a contact")
        TOPIC = "topic", _("Post on a topic")

    class Action(models.TextChoices):
        REPLY = "reply", _("Reply")
        REPOST = "repost", _("Repost with comment")
        FOLLOW = "follow", _("Follow")
        MENTION = "mention", _("@-notify a contact")

    class State(models.TextChoices):
        OPEN = "open", _("To do")
        ACTING = "acting", _("Being sent")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    class Via(models.TextChoices):
        CONNECTOR = "connector", _("Through the account")
        HAND = "hand", _("By hand")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=40)
    source = models.CharField(max_length=10, choices=Source.choices)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="engagement_tasks"
    )
    topic = models.ForeignKey(
        "campaigns.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the contact to @-notify (MENTION): someone the post would interest
    mention_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post_remote_id = models.CharField(max_length=200)
    post_url = models.CharField(max_length=1000, blank=True)
    post_text = models.TextField(blank=True)
    posted_at = models.DateTimeField()
    author_remote_id = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    draft = models.TextField(blank=True)
    lint = models.JSONField(default=list, blank=True)  # guidebook warnings when it was done
    via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    result_url = models.CharField(max_length=1000, blank=True)
    result_remote_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "platform", "post_remote_id"],
                name="contacts_engagement_post_once",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "state", "-posted_at", "-id"]),
            models.Index(fields=["contact", "-posted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · @{self.author_handle or self.author_remote_id}"

    @property
    def platform_name(self) -> str:
        from .platforms import name_of

        return name_of(self.platform)


class EngagementSource(models.Model):
    """Where discovery got to on one account's public feed (stream) or search: its cursor.

    The row is also the source's lock: a run claims it with a conditional UPDATE of locked_until.
    """

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)  # "stream", or "search:<topic id>"
    cursor = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    scanned_total = models.PositiveBigIntegerField(default=0)
    found_total = models.PositiveBigIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="contacts_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.key}"
