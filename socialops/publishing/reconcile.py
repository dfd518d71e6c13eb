"""Reconciliation: ask the platform whether an attempt of unknown outcome went out.

Nothing is sent again until this has answered "not there". The sweeper finds the rows that
need it: claims whose worker died (lease run out) and rows already unconfirmed. Every step is a
conditional UPDATE, so two sweepers at once do no harm; a reconciling sweeper holds a short
lease on the row so the platform is asked once at a time.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from socialops.channels.models import Channel
from socialops.connectors.base import Capability
from socialops.core.clock import now

from . import outcomes
from .engine import LEASE
from .models import Publication, PublishAttempt
from .requests import thaw

log = logging.getLogger(__name__)

State = Publication.State
Outcome = PublishAttempt.Outcome
LOOK_BACK = timedelta(minutes=5)  # clocks differ; the platform may date a post a little early
SWEEP_BATCH = 200


def sweeper_name() -> str:
    return f"sweeper:{socket.gethostname()}:{os.getpid()}"


def sweep(*, limit: int = SWEEP_BATCH, lease: timedelta = LEASE) -> int:
    """Lost claims become unconfirmed; unconfirmed rows are reconciled. How many were touched."""
    at = now()
    lost = list(
        Publication.objects.filter(state=State.PUBLISHING, lease_until__lt=at).select_related(
            "workspace", "channel", "post"
        )[:limit]
    )
    touched = sum(mark_lost(publication, at=at) for publication in lost)
    waiting = list(
        Publication.objects.filter(
            state=State.UNCONFIRMED, channel__status=Channel.Status.CONNECTED
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=at))
        .select_related("workspace", "channel", "post")
        .order_by("updated_at", "id")[:limit]
    )
    for publication in waiting:
        if reconcile(publication, lease=lease) != State.UNCONFIRMED:
            touched += 1
    return touched


def mark_lost(publication: Publication, *, at: datetime | None = None) -> bool:
    """A claim whose lease ran out: its worker died or hung, so the outcome is unknown."""
    at = at or now()
    with transaction.atomic():
        rows = Publication.objects.filter(
            pk=publication.pk,
            state=State.PUBLISHING,
            attempts=publication.attempts,
            lease_until__lt=at,
        )
        moved = outcomes.move(
            publication,
            rows,
            to=State.UNCONFIRMED,
            action="publication.unconfirmed",
            at=at,
            after={"code": outcomes.WORKER_LOST, "worker": publication.claimed_by},
            lease_until=None,
            error_code=outcomes.WORKER_LOST,
            error_message="The worker stopped before it reported back.",
        )
        if moved:
            PublishAttempt.objects.filter(
                publication_id=publication.pk, reconcile=False, finished_at__isnull=True
            ).update(
                finished_at=at,
                outcome=Outcome.UNKNOWN,
                error_code=outcomes.WORKER_LOST,
                message="The worker stopped before it reported back.",
            )
    return moved


def reconcile(publication: Publication, *, lease: timedelta = LEASE) -> str:
    """Published if the platform has the post, scheduled again if not; the state it ends in.

    Errors leave the row unconfirmed for a later sweep (after the reconcile lease).
    """
    from socialops.channels.actions import connector_for

    at = now()
    name = sweeper_name()
    with transaction.atomic():
        taken = (
            Publication.objects.filter(pk=publication.pk, state=State.UNCONFIRMED)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=at))
            .update(lease_until=at + lease, claimed_by=name)
        )
        if not taken:
            publication.refresh_from_db(fields=["state"])
            return str(publication.state)
        attempt = PublishAttempt.objects.create(
            publication=publication, started_at=at, worker=name, reconcile=True
        )
    publication.claimed_by = name
    try:
        with connector_for(publication.channel) as connector:
            if connector.can(Capability.MANUAL_PUBLISH):
                found = None  # the worker died before handing it to a person: nothing was sent
            else:
                found = connector.find_published(
                    idempotency_key=publication.idempotency_key,
                    since=_since(publication) - LOOK_BACK,
                    request=thaw(publication.request),
                )
    except Exception as error:
        failure = outcomes.Failure.of(error)
        log.warning("reconciling publication %s failed: %s", publication.pk, failure.message)
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=now(),
            outcome=Outcome.UNKNOWN,
            error_code=failure.code,
            message=failure.message,
        )
        return str(publication.state)
    done = now()
    rows = Publication.objects.filter(pk=publication.pk, state=State.UNCONFIRMED, claimed_by=name)
    with transaction.atomic():
        if found is not None:
            PublishAttempt.objects.filter(pk=attempt.pk).update(
                finished_at=done, outcome=Outcome.FOUND, message=found.url[:1000]
            )
            published_at = found.published_at or done
            outcomes.move(
                publication,
                rows,
                to=State.PUBLISHED,
                action="publication.reconciled",
                at=done,
                after={"remote_id": found.remote_id, "url": found.url},
                remote_id=found.remote_id[:200],
                url=found.url[:1000],
                remote_extra=dict(found.extra),
                published_at=published_at,
                lease_until=None,
                error_code="",
                error_message="",
                metrics_step=0,
                metrics_due_at=outcomes.metrics_due(published_at, 0),
            )
            return str(publication.state)
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=done, outcome=Outcome.NOT_FOUND
        )
        failures = outcomes.failures_of(publication)
        if failures >= outcomes.MAX_FAILURES:
            failure = outcomes.Failure(
                publication.error_code or "unconfirmed",
                publication.error_message or "No attempt could be confirmed.",
            )
            outcomes.fail(publication, rows, failure, at=done)
            return str(publication.state)
        until = done + outcomes.backoff(failures)
        outcomes.move(
            publication,
            rows,
            to=State.SCHEDULED,
            action="publication.retry_scheduled",
            at=done,
            after={"not_before": until.isoformat(), "reconciled": "not_found"},
            not_before=until,
            lease_until=None,
        )
    return str(publication.state)


def _since(publication: Publication) -> datetime:
    """When the first attempt started: any of them may be the one that went out."""
    first = (
        PublishAttempt.objects.filter(publication_id=publication.pk, reconcile=False)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return first or publication.claimed_at or publication.due_at
