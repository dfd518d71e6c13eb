"""Warn before a breach and record the breach: once per clock per level, safe to run twice.

Each level is claimed with a conditional UPDATE (``warned_at``/``breached_at`` still null), so two
workers running at once notify once. A breached clock keeps running until it is answered.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from socialops.accounts.roles import Perm
from socialops.core.clock import now
from socialops.core.notify import members_who_can, notify

from . import clocks
from .models import Clock, Metric

if TYPE_CHECKING:
    from socialops.accounts.models import User

log = logging.getLogger(__name__)
BATCH = 500
# A breach this old when first seen (a backlog ingested late) is recorded without notifying.
STALE_AFTER = timedelta(days=1)


def conversation_url(slug: str, conversation_id: int) -> str:
    try:
        return reverse("inbox_conversation", args=[slug, conversation_id])
    except NoReverseMatch:
        return f"/w/{slug}/interaction/"


def run_once(at: datetime | None = None) -> int:
    """Warn and breach every clock that is due (a batch at a time); how many levels were reached."""
    at = at or now()
    managers: dict[int, list[User]] = {}
    done = 0
    while True:
        warn_ids = list(
            Clock.objects.filter(
                state=Clock.State.RUNNING,
                warn_at__lte=at,
                warned_at__isnull=True,
                breached_at__isnull=True,
            ).values_list("pk", flat=True)[:BATCH]
        )
        breach_ids = list(
            Clock.objects.filter(
                state=Clock.State.RUNNING, due_at__lte=at, breached_at__isnull=True
            ).values_list("pk", flat=True)[:BATCH]
        )
        reached = sum(_warn(pk, at, managers) for pk in warn_ids)
        reached += sum(_breach(pk, at, managers) for pk in breach_ids)
        done += reached
        if not reached or (len(warn_ids) < BATCH and len(breach_ids) < BATCH):
            return done


def _warn(pk: int, at: datetime, managers: dict[int, list[User]]) -> int:
    with transaction.atomic():
        claimed = Clock.objects.filter(
            pk=pk, state=Clock.State.RUNNING, warned_at__isnull=True, breached_at__isnull=True
        ).update(warned_at=at)
        if not claimed:
            return 0
        clock = _load(pk)
        _tell(clock, managers, breach=False)
    return 1


def _breach(pk: int, at: datetime, managers: dict[int, list[User]]) -> int:
    with transaction.atomic():
        clock = _load(pk)
        if clock.due_at is None:
            return 0
        claimed = Clock.objects.filter(
            pk=pk, state=Clock.State.RUNNING, breached_at__isnull=True
        ).update(breached_at=clock.due_at, warn_at=None)
        if not claimed:
            return 0
        clock.breached_at = clock.due_at
        clocks.record_breach(clock, clock.due_at)
        if at - clock.due_at <= STALE_AFTER:
            _tell(clock, managers, breach=True)
        else:
            log.info("sla clock %s breached long ago; recorded without notifying", pk)
    return 1


def _load(pk: int) -> Clock:
    return Clock.objects.select_related(
        "conversation", "conversation__assignee", "workspace", "conversation__channel"
    ).get(pk=pk)


def _tell(clock: Clock, managers: dict[int, list[User]], *, breach: bool) -> None:
    conversation = clock.conversation
    workspace = clock.workspace
    if conversation.assignee is not None and conversation.assignee.is_active:
        people = [conversation.assignee]
    else:
        if workspace.pk not in managers:  # asked once per workspace and run
            managers[workspace.pk] = members_who_can(workspace, Perm.INBOX_MANAGE)
        people = managers[workspace.pk]
    who = conversation.author_name or conversation.author_handle or str(conversation.pk)
    metric = str(Metric(clock.metric).label)
    if breach:
        title = _("%(metric)s target missed: %(who)s") % {"metric": metric, "who": who}
        kind = "sla.breached"
    else:
        title = _("%(metric)s due soon: %(who)s") % {"metric": metric, "who": who}
        kind = "sla.warning"
    notify(
        people,
        kind=kind,
        title=title,
        body=conversation.preview,
        url=conversation_url(workspace.slug, conversation.pk),
        workspace=workspace,
    )
