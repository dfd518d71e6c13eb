"""The unified inbox: conversations (a comment thread, a mention, a DM thread) and their messages.

A conversation is keyed by (channel, kind, thread_key). Comments: one conversation per author
under one of our posts, so that an agent answers a person, not a post; a mention: its own
conversation; DMs: one per counterpart. ``inbox.ingest.thread_key`` builds the key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialops.accounts.models import Workspace
from socialops.core.clock import now


class Kind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    MENTION = "mention", _("Mention")
    DM = "dm", _("Direct message")


class Label(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)
    color = models.CharField(max_length=7, default="#64748b")  # #rrggbb
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="inbox_label_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("conversation status", "Open")
        # waiting for the customer: SLA clocks pause
        PENDING = "pending", pgettext_lazy("conversation status", "Pending")
        RESOLVED = "resolved", pgettext_lazy("conversation status", "Resolved")
        SPAM = "spam", pgettext_lazy("conversation status", "Spam")

    class Priority(models.IntegerChoices):
        LOW = 0, _("Low")
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        URGENT = 3, _("Urgent")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    thread_key = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")
    # the person on the other side (the first inbound author)
    author_remote_id = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_avatar_url = models.CharField(max_length=500, blank=True)
    author_followers = models.IntegerField(null=True, blank=True)
    author_verified = models.BooleanField(default=False)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # what the comments are under: our post on the platform, and our publication when we know it
    post_remote_id = models.CharField(max_length=200, blank=True)
    publication = models.ForeignKey(
        "publishing.Publication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # classification of the newest inbound message (see socialops.classify)
    lang = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    intent = models.CharField(max_length=12, blank=True)
    preview = models.CharField(max_length=200, blank=True)  # newest message, shortened
    message_count = models.PositiveIntegerField(default=0)
    unanswered = models.BooleanField(default=True)  # newest message is inbound
    last_message_at = models.DateTimeField(default=now)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_outbound_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "kind", "thread_key"], name="inbox_conversation_once"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "-last_message_at", "-id"]),
            models.Index(fields=["workspace", "assignee", "status", "-last_message_at"]),
            models.Index(fields=["workspace", "channel", "status", "-last_message_at"]),
            models.Index(fields=["workspace", "kind", "status", "-last_message_at"]),
            models.Index(fields=["workspace", "author_remote_id"]),
            models.Index(fields=["contact", "-last_message_at"]),
            # any status, newest first (status=all, and searches that match many rows)
            models.Index(fields=["workspace", "-last_message_at", "-id"], name="inbox_conv_newest"),
            # the default list (open + pending) in each of its three orders, however big the
            # resolved history grows
            models.Index(
                fields=["workspace", "-last_message_at", "-id"],
                condition=Q(status__in=["open", "pending"]),
                name="inbox_conv_active_newest",
            ),
            models.Index(
                fields=["workspace", "-priority", "-last_message_at", "-id"],
                condition=Q(status__in=["open", "pending"]),
                name="inbox_conv_active_priority",
            ),
            models.Index(
                fields=["workspace", "last_inbound_at", "id"],
                condition=Q(status__in=["open", "pending"]),
                name="inbox_conv_active_waiting",
            ),
        ]

    def __str__(self) -> str:
        who = self.author_name or self.author_handle or self.author_remote_id
        return f"{self.get_kind_display()} · {who}"


class Message(models.Model):
    """One message in a conversation: inbound from the platform, or our reply (outbound)."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Received")
        OUTBOUND = "out", _("Sent")

    class SendState(models.TextChoices):
        """Outbound only; inbound messages keep the default."""

        RECEIVED = "received", _("Received")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    remote_id = models.CharField(max_length=200, blank=True)  # empty until an outbound is sent
    parent_remote_id = models.CharField(max_length=200, blank=True)
    author_remote_id = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    url = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField()  # the platform's time
    received_at = models.DateTimeField(default=now)  # when we stored it
    lang = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    intent = models.CharField(max_length=12, blank=True)
    scores = models.JSONField(default=dict, blank=True)  # classifier confidences
    raw = models.JSONField(default=dict, blank=True)
    # outbound
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    send_state = models.CharField(
        max_length=12, choices=SendState.choices, default=SendState.RECEIVED
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=1000, blank=True)
    lint = models.JSONField(default=list, blank=True)  # guidebook warnings accepted when sending

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "remote_id"],
                condition=~Q(remote_id=""),
                name="inbox_message_remote_once",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="inbox_message_idempotency_once",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at", "id"]),
            models.Index(fields=["workspace", "author_remote_id", "created_at"]),
            models.Index(fields=["send_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.remote_id or self.pk}"


class Note(models.Model):
    """An internal note on a conversation: seen by the team, never sent."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class SyncCursor(models.Model):
    """Where ingestion of one account's inbox got to; the row is also the sync's lock."""

    channel = models.OneToOneField(
        "channels.Channel", on_delete=models.CASCADE, related_name="inbox_cursor"
    )
    cursor = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=128, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    fetched_total = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"inbox cursor {self.channel_id}"


class SavedView(models.Model):
    """A named set of inbox filters, the member's own (user set) or shared with the team."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=60)
    filters = models.JSONField(default=dict)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentRule(models.Model):
    """On arrival, the first enabled rule (by position) that matches assigns the conversation."""

    class Strategy(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("Round robin")
        FIXED = "fixed", _("Always the same person")
        LEAST_OPEN = "least_open", _("Fewest open conversations")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    # conditions; empty means any
    channel_ids = models.JSONField(default=list, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    langs = models.JSONField(default=list, blank=True)
    intents = models.JSONField(default=list, blank=True)
    strategy = models.CharField(max_length=12, choices=Strategy.choices)
    member_ids = models.JSONField(default=list)  # user ids, in round-robin order
    next_index = models.PositiveIntegerField(default=0)  # round robin's pointer
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Presence(models.Model):
    """Who has a conversation open or is typing a reply: the collision warning reads this."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    typing = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="inbox_presence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.conversation_id}"
