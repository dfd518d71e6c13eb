"""Listening (搜索监测): saved queries, sources, the mentions they find, minute counts, alerts.

Rows are the durable state (DESIGN.md §2): a source's cursor moves only after the batch it read
is stored; an alert is one row per (workspace, key), however often the detector fires; each
delivery of an alert to a destination is a row with its attempts, so a receiver that is down is
retried and nothing is sent twice once it answered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class QueryKind(models.TextChoices):
    BRAND = "brand", _("Brand")
    PRODUCT = "product", _("Product")
    COMPETITOR = "competitor", _("Competitor")
    CRISIS = "crisis", _("Crisis words")
    TOPIC = "topic", _("Topic")


class ListeningQuery(models.Model):
    """A saved boolean query (docs/query-language.md) and how it raises alerts."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    text = models.TextField()  # the query's source; parses (checked on every write)
    kind = models.CharField(max_length=12, choices=QueryKind.choices, default=QueryKind.BRAND)
    # the series it counts towards in share of voice (our brand or one competitor); default: name
    group = models.CharField(max_length=80, blank=True)
    active = models.BooleanField(default=True)
    # spike: this minute's count ≥ ratio × seasonal baseline and ≥ floor
    spike_ratio = models.FloatField(default=3.0)
    spike_floor = models.PositiveIntegerField(default=20)
    # negative share: share of negative mentions over the window ≥ this (and ≥ negative_floor)
    negative_share = models.FloatField(default=0.5)
    negative_floor = models.PositiveIntegerField(default=10)
    cooldown_minutes = models.PositiveIntegerField(default=30)
    # every match of a crisis query and every VIP author (media, expert) raises its own alert
    alert_on_match = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)  # bumped on each edit (the matcher reloads)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="listening_query_unique_name"
            )
        ]
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def series(self) -> str:
        return self.group or self.name


class SourceKind(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox public stream")
    REPLAY = "replay", _("File replay (JSONL)")
    MASTODON_STREAM = "mastodon_stream", _("Mastodon streaming")
    MASTODON_TAG = "mastodon_tag", _("Mastodon hashtag timeline")
    JETSTREAM = "jetstream", _("Bluesky Jetstream")
    SEARCH = "search", _("Platform search")


class Source(models.Model):
    """Where public posts come from; read from ``cursor`` on, under a lease."""

    class State(models.TextChoices):
        IDLE = "idle", pgettext_lazy("source state", "Idle")
        RUNNING = "running", pgettext_lazy("source state", "Running")
        ERROR = "error", pgettext_lazy("source state", "Error")
        FINISHED = "finished", pgettext_lazy("source state", "Finished")  # a replay at its end

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    config = models.JSONField(default=dict, blank=True)  # path, hashtag, instance, keywords, …
    enabled = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IDLE)
    cursor = models.TextField(blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=128, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    read_total = models.PositiveBigIntegerField(default=0)
    matched_total = models.PositiveBigIntegerField(default=0)
    skipped_total = models.PositiveBigIntegerField(default=0)  # broken lines, unreadable items
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="listening_source_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    """A public post that matched at least one of the workspace's queries."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=20)
    remote_id = models.CharField(max_length=200)
    text = models.TextField()
    url = models.CharField(max_length=1000, blank=True)
    author_remote_id = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_followers = models.IntegerField(null=True, blank=True)
    author_verified = models.BooleanField(default=False)
    # the interaction-database contact behind the author, and its kind (media, expert, …)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_type = models.CharField(max_length=12, blank=True)
    lang = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    emotion = models.CharField(max_length=12, blank=True)
    intent = models.CharField(max_length=12, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    reposts = models.IntegerField(null=True, blank=True)
    likes = models.IntegerField(null=True, blank=True)
    # dedupe: the cluster of exact/near copies this post belongs to and how many copies were seen
    cluster = models.CharField(max_length=40, blank=True)
    duplicates = models.PositiveIntegerField(default=0)
    posted_at = models.DateTimeField()  # the platform's time
    received_at = models.DateTimeField(default=now)
    # what a person made of it
    conversation = models.ForeignKey(
        "inbox.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    engagement_task = models.ForeignKey(
        "contacts.EngagementTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "platform", "remote_id"], name="mention_unique_remote"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "-posted_at", "-id"]),
            models.Index(fields=["workspace", "sentiment", "-posted_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class MentionMatch(models.Model):
    """Which query a mention matched, and where (spans in the original text, for highlights)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="matches")
    query = models.ForeignKey(ListeningQuery, on_delete=models.CASCADE, related_name="+")
    posted_at = models.DateTimeField()  # the mention's, copied: the per-query stream's index
    sentiment = models.CharField(max_length=10, blank=True)  # the mention's, copied
    spans = models.JSONField(default=list, blank=True)  # [[start, end], …]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mention", "query"], name="mention_match_unique")
        ]
        indexes = [models.Index(fields=["query", "-posted_at"])]


class MinuteCount(models.Model):
    """Mentions of one query in one minute (by the post's time), with their sentiment split."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey(ListeningQuery, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    total = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query", "minute"], name="minute_count_unique")
        ]
        indexes = [models.Index(fields=["workspace", "minute"])]


class SamplePost(models.Model):
    """A sample of every post the sources read, matched or not: what "test this query" runs on."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=20)
    remote_id = models.CharField(max_length=200)
    text = models.TextField()
    url = models.CharField(max_length=1000, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    lang = models.CharField(max_length=8, blank=True)
    posted_at = models.DateTimeField()
    received_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-received_at"])]


class AlertKind(models.TextChoices):
    SPIKE = "spike", _("Volume spike")
    NEGATIVE = "negative", _("Negative share rising")
    CRISIS_WORD = "crisis_word", _("Crisis words")
    VIP_AUTHOR = "vip_author", _("VIP author")
    TEST = "test", _("Test")


class Alert(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert state", "Open")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert state", "Acknowledged")
        RESOLVED = "resolved", pgettext_lazy("alert state", "Resolved")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey(
        ListeningQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    # what makes two firings the same alert, e.g. "spike:<query>:<minute>"; a repeat is ignored
    key = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    title = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)  # observed, baseline, ratio, share, …
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    mentions = models.ManyToManyField(Mention, blank=True, related_name="+")
    created_at = models.DateTimeField(default=now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="alert_unique_key")
        ]
        indexes = [models.Index(fields=["workspace", "state", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class DestinationKind(models.TextChoices):
    IN_APP = "in_app", _("In-app notification")
    EMAIL = "email", _("Email")
    WECOM = "wecom", _("WeCom group bot")
    DINGTALK = "dingtalk", _("DingTalk group bot")
    FEISHU = "feishu", _("Feishu group bot")
    SLACK = "slack", _("Slack")
    WEBHOOK = "webhook", _("Generic JSON webhook")


class Destination(models.Model):
    """Where a workspace's alerts go. ``secret`` is encrypted at rest (core.crypto)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=DestinationKind.choices)
    url = models.CharField(max_length=1000, blank=True)
    secret = models.TextField(blank=True)  # encrypted signing secret (DingTalk, Feishu, webhook)
    recipients = models.JSONField(default=list, blank=True)  # email addresses
    alert_kinds = models.JSONField(default=list, blank=True)  # empty: every kind
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="listening_destination_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One alert to one destination: pending → sent, or failed after its last retry."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery state", "Pending")
        SENDING = "sending", pgettext_lazy("delivery state", "Sending")
        SENT = "sent", pgettext_lazy("delivery state", "Sent")
        FAILED = "failed", pgettext_lazy("delivery state", "Failed")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "destination"], name="delivery_unique")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
