"""Publications: one row per variant × account, the durable state of getting a post out."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class Publication(models.Model):
    """The row is the queue: workers claim it with a conditional UPDATE and check they got it."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        MANUAL = "manual", _("Waiting for a person")
        CANCELLED = "cancelled", _("Cancelled")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="publications")
    variant = models.ForeignKey(
        "content.Variant", on_delete=models.CASCADE, related_name="publications"
    )
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    due_at = models.DateTimeField()  # when the post should go out (UTC)
    not_before = models.DateTimeField()  # due_at, or later after a back-off or a rate limit
    post_version = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=64, unique=True)
    request = models.JSONField(default=dict, blank=True)  # what is sent, for reconciliation
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=128, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    remote_extra = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=1000, blank=True)
    metrics_step = models.PositiveSmallIntegerField(default=0)  # index into the schedule
    metrics_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "not_before"]),
            models.Index(fields=["state", "lease_until"]),
            models.Index(fields=["metrics_due_at"]),
            models.Index(fields=["workspace", "due_at"]),
            models.Index(fields=["channel", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["variant"],
                condition=~Q(state="cancelled"),
                name="publishing_one_live_publication_per_variant",
            )
        ]

    def __str__(self) -> str:
        return f"publication {self.pk} ({self.state})"


class PublishAttempt(models.Model):
    """One call to the platform (or a reconciliation), for the post's history."""

    class Outcome(models.TextChoices):
        PUBLISHED = "published", _("Published")
        FOUND = "found", _("Found on the platform")
        NOT_FOUND = "not_found", _("Not on the platform")
        RETRY = "retry", _("Will retry")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Outcome unknown")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="history")
    started_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=128, blank=True)
    reconcile = models.BooleanField(default=False)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["id"]


class ChannelThrottle(models.Model):
    """An account the platform told us to leave alone until blocked_until (rate limit)."""

    channel = models.OneToOneField("channels.Channel", on_delete=models.CASCADE, related_name="+")
    blocked_until = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)


class MetricSnapshot(models.Model):
    """A publication's numbers as the platform reported them at one point of the schedule."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="metrics")
    step = models.CharField(max_length=8, blank=True)  # "1h", "6h", "24h", "3d", "7d", "manual"
    collected_at = models.DateTimeField(default=now)
    impressions = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    reposts = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    clicks = models.BigIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["collected_at", "id"]
        indexes = [models.Index(fields=["publication", "-collected_at"])]
