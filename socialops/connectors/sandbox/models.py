"""The simulated network's state: worlds, accounts, posts, messages and follows.

Every row belongs to one World. ``number`` is a world-local sequence that doubles as the remote id
the connector hands out, so the same seed and inputs give the same ids in any database.
"""

from __future__ import annotations

from django.db import models

from socialops.core.clock import now


class World(models.Model):
    """One simulated network, per workspace or global (workspace empty), driven by a seed."""

    workspace = models.OneToOneField(
        "accounts.Workspace",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sandbox_world",
    )
    name = models.CharField(max_length=100)
    seed = models.BigIntegerField()
    brand_terms = models.JSONField(default=list)  # what the audience calls our brand
    competitor_terms = models.JSONField(default=list)
    simulated_until = models.DateTimeField()
    next_number = models.BigIntegerField(default=1)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.name} (seed {self.seed})"


class AccountKind(models.TextChoices):
    OURS = "ours", "connected account"
    PERSONA = "persona", "simulated audience"


class Account(models.Model):
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="accounts")
    number = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    handle = models.CharField(max_length=64)
    display_name = models.CharField(max_length=64)
    lang = models.CharField(max_length=8, default="zh")
    bio = models.CharField(max_length=300, blank=True)
    interests = models.JSONField(default=list)
    activity = models.FloatField(default=0.5)  # 0..1: how often this persona acts
    disposition = models.FloatField(default=0.0)  # -1 (grumpy) .. 1 (fan)
    botness = models.FloatField(default=0.0)  # 0 human .. 1 obvious bot
    avatar_url = models.CharField(max_length=300, blank=True)
    banner_url = models.CharField(max_length=300, blank=True)
    website = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=64, blank=True)
    contacts = models.JSONField(default=dict)
    verified = models.BooleanField(default=False)
    verification_label = models.CharField(max_length=64, blank=True)
    pinned_post_number = models.BigIntegerField(null=True, blank=True)
    followers_count = models.IntegerField(default=0)  # named followers plus anonymous ones
    following_count = models.IntegerField(default=0)
    token = models.CharField(max_length=64, blank=True)  # what credentials must carry (ours)
    faults = models.JSONField(default=dict)  # failure injection, see actions.set_faults
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["world", "number"], name="sandbox_account_number"),
            models.UniqueConstraint(fields=["world", "handle"], name="sandbox_account_handle"),
        ]
        indexes = [models.Index(fields=["world", "kind"])]

    def __str__(self) -> str:
        return f"@{self.handle}"


class Post(models.Model):
    """A public post: ours, an audience member's, or a repost (repost_of set)."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="posts")
    number = models.BigIntegerField()
    author = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    media = models.JSONField(default=list)
    article = models.JSONField(null=True, blank=True)
    topic = models.CharField(max_length=16, default="general")  # what the audience reacts to
    sentiment = models.CharField(max_length=16, blank=True)  # simulated truth, for classifiers
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repost_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="repost_rows"
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    impressions = models.IntegerField(default=0)
    likes = models.IntegerField(default=0)
    reposts = models.IntegerField(default=0)
    comments = models.IntegerField(default=0)
    clicks = models.IntegerField(default=0)
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["world", "number"], name="sandbox_post_number"),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="sandbox_post_idempotency",
            ),
        ]
        indexes = [models.Index(fields=["world", "created_at", "number"])]

    def __str__(self) -> str:
        return f"post {self.number}"


class MessageKind(models.TextChoices):
    COMMENT = "comment"
    MENTION = "mention"
    DM = "dm"


class Message(models.Model):
    """A comment, mention or DM addressed to one of our accounts, or our answer to one."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="messages")
    number = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="messages_sent")
    recipient = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="messages_received"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField()
    sentiment = models.CharField(max_length=16, blank=True)  # simulated truth
    intent = models.CharField(max_length=16, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["world", "number"], name="sandbox_message_number"),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="sandbox_message_idempotency",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "created_at", "number"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class Follow(models.Model):
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="follows")
    follower = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="following")
    followee = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="sandbox_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"
