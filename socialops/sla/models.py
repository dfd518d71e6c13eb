"""Response-time targets (@响应速度): calendars, policies, clocks and their hit / missed events.

A clock is a row per conversation × metric with an explicit state; the hooks in ``hooks.py``
start and stop it, the escalation task (``escalation.py``) warns before and records the breach.
Clock time is business time: seconds inside the calendar's open hours (a null calendar is 24/7).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now

NAME_LENGTH = 100


class Calendar(models.Model):
    """Business hours: open ranges per weekday, holidays and makeup working days (调休)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=NAME_LENGTH)
    time_zone = models.CharField(max_length=64, blank=True)  # "" means the workspace's
    always_open = models.BooleanField(default=False)  # 24/7
    # weekday ("0" is Monday) -> [["09:00", "12:00"], ["13:30", "18:00"]]; "24:00" ends a day
    hours = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="sla_calendar_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A date that breaks the weekly pattern: a holiday (closed) or a makeup working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Makeup working day")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=NAME_LENGTH, blank=True)
    # a working day's ranges; empty means a normal working day's hours
    hours = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_calendar_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class Policy(models.Model):
    """Targets for the conversations it matches; the first enabled match by position wins."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=NAME_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    kinds = models.JSONField(default=list, blank=True)  # Conversation kinds; empty means any
    priorities = models.JSONField(default=list, blank=True)  # 0..3; empty means any
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )  # null: 24/7
    warn_percent = models.PositiveSmallIntegerField(default=80)  # 0: no warning
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def matches(self, kind: str, priority: int) -> bool:
        return (not self.kinds or kind in self.kinds) and (
            not self.priorities or priority in self.priorities
        )

    def target_minutes(self, metric: str) -> int | None:
        return getattr(self, f"{metric}_minutes")  # type: ignore[no-any-return]


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


RESPONSE_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)


class Clock(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        HIT = "hit", _("Hit")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    metric = models.CharField(max_length=16, choices=Metric.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # copied from the policy at start: editing a policy does not move running clocks
    target_seconds = models.PositiveIntegerField()  # business seconds
    warn_percent = models.PositiveSmallIntegerField(default=80)
    started_at = models.DateTimeField()
    running_since = models.DateTimeField(null=True, blank=True)  # start of the current run
    consumed_seconds = models.PositiveIntegerField(default=0)  # business time before running_since
    due_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    start_message = models.ForeignKey(
        "inbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stop_message = models.ForeignKey(
        "inbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "metric"],
                condition=Q(state__in=["running", "paused"]),
                name="sla_clock_one_live_per_metric",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["state", "warn_at"]),
            models.Index(fields=["conversation", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.state} ({self.conversation_id})"

    @property
    def live(self) -> bool:
        return self.state in (self.State.RUNNING, self.State.PAUSED)


class SlaEvent(models.Model):
    """A clock's outcome: hit when stopped in time; missed at the breach (completed on answer)."""

    class Outcome(models.TextChoices):
        HIT = "hit", _("Hit")
        MISSED = "missed", _("Missed")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    clock = models.OneToOneField(Clock, on_delete=models.CASCADE, related_name="event")
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)  # the conversation's kind
    priority = models.PositiveSmallIntegerField(default=1)
    metric = models.CharField(max_length=16, choices=Metric.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    at = models.DateTimeField()  # when the outcome was decided: the answer, or the breach
    target_seconds = models.PositiveIntegerField()
    elapsed_seconds = models.PositiveIntegerField(null=True, blank=True)  # business; null: open
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # who answered (Message.sent_by), or the assignee who resolved
    message = models.ForeignKey(
        "inbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["workspace", "at"])]

    def __str__(self) -> str:
        return f"{self.metric} {self.outcome}"
