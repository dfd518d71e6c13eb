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

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    params = models.JSONField(default=dict)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ERROR)
    enabled = models.BooleanField(default=True)
    applies_to = models.JSONField(default=list, blank=True)  # platform codes; empty: all
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "enabled"])]

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
