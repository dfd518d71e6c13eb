"""A workspace's publishing rules (发布规则): what the lint engine checks every text against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now

from .rules import Kind as RuleKind
from .rules import Rule


class EditorialRule(models.Model):
    class Kind(models.TextChoices):
        MAX_LENGTH = RuleKind.MAX_LENGTH.value, _("Length limit")
        FORBIDDEN_WORDS = RuleKind.FORBIDDEN_WORDS.value, _("Forbidden words")
        REQUIRED_DISCLOSURE = RuleKind.REQUIRED_DISCLOSURE.value, _("Required disclosure")
        MAX_LINKS = RuleKind.MAX_LINKS.value, _("Most links")
        MAX_HASHTAGS = RuleKind.MAX_HASHTAGS.value, _("Most hashtags")
        MAX_MENTIONS = RuleKind.MAX_MENTIONS.value, _("Most mentions")
        LINK_DOMAINS = RuleKind.LINK_DOMAINS.value, _("Allowed link domains")
        REQUIRED_TOPIC = RuleKind.REQUIRED_TOPIC.value, _("Required topic")
        CUSTOM = RuleKind.CUSTOM.value, _("Custom pattern")

    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")

    class Scope(models.TextChoices):
        """What the rule checks: posts (发布规则), replies (the guidebook's) or both."""

        POSTS = "posts", _("Posts")
        REPLIES = "replies", _("Replies")
        BOTH = "both", _("Posts and replies")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    params = models.JSONField(default=dict)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ERROR)
    enabled = models.BooleanField(default=True)
    applies_to = models.JSONField(default=list, blank=True)  # platform codes; empty: all
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.POSTS)
    reply_kinds = models.JSONField(default=list, blank=True)  # comment, mention, dm; empty: all
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "enabled"])]

    @property
    def for_posts(self) -> bool:
        return self.scope != self.Scope.REPLIES

    @property
    def for_replies(self) -> bool:
        return self.scope != self.Scope.POSTS

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def as_rule(self) -> Rule:
        return Rule(
            id=self.pk,
            kind=self.kind,
            params=self.params,
            severity=self.severity,
            platforms=tuple(self.applies_to),
        )


class ContentPillar(models.Model):
    """A theme posts are tagged with (内容构成), with the share of posts it should take."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)
    description = models.CharField(max_length=500, blank=True)
    colour = models.CharField(max_length=7, default="#0d6efd")  # #rrggbb
    target_share = models.PositiveSmallIntegerField(default=0)  # percent, 0-100
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["workspace", "archived", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_share__lte=100), name="content_pillar_share_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ContentSettings(models.Model):
    """How a workspace reviews posts before they go out (审核发布机制)."""

    class Approval(models.IntegerChoices):
        NONE = 0, _("No approval: editors schedule directly")
        ONE = 1, _("One approver")
        TWO = 2, _("Two stages: a reviewer, then a final approver")

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    approval_stages = models.PositiveSmallIntegerField(
        choices=Approval.choices, default=Approval.ONE
    )
    updated_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"content settings of {self.workspace_id}"


class Asset(models.Model):
    """One item of the content library (内容资料库): a snippet, image, video, link or document."""

    class Kind(models.TextChoices):
        SNIPPET = "snippet", _("Text snippet")
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")
        LINK = "link", _("Link")
        DOCUMENT = "document", _("Document")

    class Rights(models.TextChoices):
        OWNED = "owned", _("Our own")
        LICENSED = "licensed", _("Licensed")
        STOCK = "stock", _("Stock library")
        USER_PERMISSION = "user_permission", _("User content, with permission")
        UNKNOWN = "unknown", _("Unknown: check before use")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)  # a snippet's body, a link's description
    file = models.FileField(upload_to="assets/%Y/%m/", max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    rights = models.CharField(max_length=20, choices=Rights.choices, default=Rights.OWNED)
    rights_holder = models.CharField(max_length=200, blank=True)
    rights_note = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # usage rights end
    search_text = models.TextField(blank=True)  # title, text, tags, name: what search matches
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["workspace", "archived", "-id"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """One piece of content, written once and sent as a variant to each target account."""

    class State(models.TextChoices):
        IDEA = "idea", _("Idea")
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    class Format(models.TextChoices):
        TEXT = "text", _("Text")
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")
        LINK = "link", _("Link")
        ARTICLE = "article", _("Article (WeChat 图文)")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200, blank=True)  # internal name for lists and calendar
    body = models.TextField(blank=True)  # the master text variants start from
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.TEXT)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    pillar = models.ForeignKey(
        ContentPillar, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    topics = models.ManyToManyField("campaigns.Topic", blank=True, related_name="posts")
    paid = models.BooleanField(default=False)  # 广告: disclosure rules apply
    link = models.URLField(max_length=1000, blank=True)
    first_comment = models.TextField(blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)  # UTC instant
    # the WeChat article form (图文)
    article_title = models.CharField(max_length=64, blank=True)
    article_author = models.CharField(max_length=16, blank=True)
    article_digest = models.CharField(max_length=120, blank=True)
    article_html = models.TextField(blank=True)
    article_cover = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article_source_url = models.URLField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)  # bumped by every edit of what is sent
    duplicated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["workspace", "state", "-id"]),
            models.Index(fields=["workspace", "scheduled_at"]),
        ]

    def __str__(self) -> str:
        return self.title or (self.body[:30] if self.body else f"#{self.pk}")


class PostMedia(models.Model):
    """A library asset attached to a post, in order."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="uses")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "asset"], name="content_post_media_once")
        ]


class Variant(models.Model):
    """The post as it goes to one account: its text adapted to that platform."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    customised = models.BooleanField(default=False)  # edited by hand: the body no longer flows in
    first_comment = models.TextField(blank=True)
    include_media = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="content_variant_once")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}→{self.channel_id}"


class PostApproval(models.Model):
    """A reviewer's decision on one version of a post, at one stage."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    stage = models.PositiveSmallIntegerField(default=1)
    version = models.PositiveIntegerField()
    decision = models.CharField(max_length=20, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class ReviewComment(models.Model):
    """A threaded comment in a post's review."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.body[:40]


class PostingSlot(models.Model):
    """A regular time an account posts at (in the workspace's time zone): the queue fills these."""

    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, related_name="posting_slots"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    time = models.TimeField()  # local time in the workspace's time zone
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["weekday", "time", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "weekday", "time"], name="content_slot_once"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="content_slot_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}@{self.weekday} {self.time:%H:%M}"
