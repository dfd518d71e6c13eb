"""What an attempt's outcome does to its publication: one transaction each, audited.

A worker's writes are fenced: they only land while the row is still the claim it made
(state publishing, same worker, same attempt number). A success is the exception: the post
exists on the platform, so it is recorded unless the row already ended.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from socialops.accounts.roles import Perm
from socialops.connectors.base import ConnectorError, RemoteRef
from socialops.core import audit
from socialops.core.clock import now
from socialops.core.notify import members_who_can, notify

from .actions import refresh_post_state
from .models import ChannelThrottle, Publication, PublishAttempt
from .schedule import metrics_due

State = Publication.State
Outcome = PublishAttempt.Outcome

MAX_FAILURES = 5  # retryable errors (and unexplained crashes) before a publication fails
BACKOFF_BASE = timedelta(seconds=30)
DEFAULT_RATE_LIMIT = timedelta(seconds=60)  # when the platform does not say how long
WORKER_LOST = "worker_lost"
RATE_LIMITED = "rate_limited"
ENDED = (State.PUBLISHED, State.FAILED, State.CANCELLED, State.MANUAL)


@dataclass(frozen=True)
class Failure:
    """An attempt that went wrong: our short code and the message people read."""

    code: str
    message: str

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        if isinstance(error, ConnectorError):
            platform = f" [{error.platform_code}]" if error.platform_code else ""
            return cls(error.code or "error", f"{error.message}{platform}"[:1000])
        return cls(type(error).__name__[:40], (str(error) or type(error).__name__)[:1000])


def backoff(failures: int) -> timedelta:
    """30 s, 60 s, 120 s … after each failure, ±20 % so retries of many rows spread out."""
    if failures <= 0:
        return timedelta(0)
    jitter = random.uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not a secret
    return BACKOFF_BASE * (2 ** (failures - 1)) * jitter


def failures_of(publication: Publication) -> int:
    """Attempts that failed in a way a retry may not cure (rate limits and lost workers aside)."""
    return (
        PublishAttempt.objects.filter(publication_id=publication.pk, reconcile=False)
        .filter(
            Q(outcome=Outcome.RETRY) & ~Q(error_code=RATE_LIMITED)
            | Q(outcome=Outcome.UNKNOWN) & ~Q(error_code=WORKER_LOST)
        )
        .count()
    )


def post_url(publication: Publication) -> str:
    return reverse(
        "content_post",
        kwargs={"slug": publication.workspace.slug, "post_id": publication.post_id},
    )


# ---- the transitions ---------------------------------------------------------------------


def _claimed(publication: Publication) -> QuerySet[Publication]:
    return Publication.objects.filter(
        pk=publication.pk,
        state=State.PUBLISHING,
        claimed_by=publication.claimed_by,
        attempts=publication.attempts,
    )


def _close_attempt(
    publication: Publication,
    at: datetime,
    outcome: str,
    failure: Failure | None = None,
    *,
    message: str = "",
) -> None:
    PublishAttempt.objects.filter(
        publication_id=publication.pk,
        worker=publication.claimed_by,
        reconcile=False,
        finished_at__isnull=True,
    ).update(
        finished_at=at,
        outcome=outcome,
        error_code=failure.code if failure else "",
        message=failure.message if failure else message,
    )


def move(
    publication: Publication,
    rows: QuerySet[Publication],
    *,
    to: str,
    action: str,
    at: datetime,
    after: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Move the row if ``rows`` still finds it; audit and refresh the post. Inside a transaction."""
    before = str(publication.state)
    if not rows.update(state=to, updated_at=at, **fields):
        return False
    publication.state = to
    for name, value in fields.items():
        setattr(publication, name, value)
    audit.record(
        action=action,
        workspace=publication.workspace,
        via="worker",
        target=publication,
        before={"state": before},
        after={"state": to, **(after or {})},
    )
    refresh_post_state(publication.post_id)
    return True


def record_published(publication: Publication, ref: RemoteRef, *, action: str) -> bool:
    """The post is on the platform: published, and its metrics schedule starts."""
    at = now()
    published_at = ref.published_at or at
    with transaction.atomic():
        _close_attempt(publication, at, Outcome.PUBLISHED)
        return move(
            publication,
            Publication.objects.filter(pk=publication.pk).exclude(state__in=ENDED),
            to=State.PUBLISHED,
            action=action,
            at=at,
            after={"remote_id": ref.remote_id, "url": ref.url},
            remote_id=ref.remote_id[:200],
            url=ref.url[:1000],
            remote_extra=dict(ref.extra),
            published_at=published_at,
            lease_until=None,
            error_code="",
            error_message="",
            metrics_step=0,
            metrics_due_at=metrics_due(published_at, 0),
        )


def record_rate_limited(publication: Publication, error: ConnectorError) -> datetime:
    """Back to scheduled once the account may post again; not counted as a failure."""
    at = now()
    wait = timedelta(seconds=error.retry_after) if error.retry_after else DEFAULT_RATE_LIMIT
    until = at + wait
    failure = Failure.of(error)
    with transaction.atomic():
        throttle(publication.channel_id, until=until, reason=failure.message)
        _close_attempt(publication, at, Outcome.RETRY, Failure(RATE_LIMITED, failure.message))
        move(
            publication,
            _claimed(publication),
            to=State.SCHEDULED,
            action="publication.rate_limited",
            at=at,
            after={"not_before": until.isoformat(), "message": failure.message},
            not_before=until,
            lease_until=None,
            error_code=failure.code,
            error_message=failure.message,
        )
    return until


def throttle(channel_id: int, *, until: datetime, reason: str) -> None:
    """Leave the account alone until ``until`` (never shortens a longer block)."""
    row, created = ChannelThrottle.objects.get_or_create(
        channel_id=channel_id, defaults={"blocked_until": until, "reason": reason[:300]}
    )
    if not created and row.blocked_until < until:
        row.blocked_until = until
        row.reason = reason[:300]
        row.save(update_fields=["blocked_until", "reason"])


def record_retry(publication: Publication, error: BaseException) -> bool:
    """A retryable error: back off and try again, or fail after MAX_FAILURES."""
    failure = Failure.of(error)
    at = now()
    with transaction.atomic():
        failures = failures_of(publication) + 1
        if failures >= MAX_FAILURES:
            _close_attempt(publication, at, Outcome.FAILED, failure)
            return fail(publication, _claimed(publication), failure, at=at)
        _close_attempt(publication, at, Outcome.RETRY, failure)
        until = at + backoff(failures)
        return move(
            publication,
            _claimed(publication),
            to=State.SCHEDULED,
            action="publication.retry_scheduled",
            at=at,
            after={"not_before": until.isoformat(), "failures": failures, **failure.__dict__},
            not_before=until,
            lease_until=None,
            error_code=failure.code,
            error_message=failure.message,
        )


def record_failed(publication: Publication, error: BaseException) -> bool:
    """A permanent error: failed with the platform's reason, and the author is told."""
    failure = Failure.of(error)
    at = now()
    with transaction.atomic():
        _close_attempt(publication, at, Outcome.FAILED, failure)
        return fail(publication, _claimed(publication), failure, at=at)


def fail(
    publication: Publication,
    rows: QuerySet[Publication],
    failure: Failure,
    *,
    at: datetime,
    also_tell_publishers: bool = False,
) -> bool:
    moved = move(
        publication,
        rows,
        to=State.FAILED,
        action="publication.failed",
        at=at,
        after=failure.__dict__,
        lease_until=None,
        error_code=failure.code,
        error_message=failure.message,
    )
    if moved:
        people = (
            list(members_who_can(publication.workspace, Perm.CONTENT_PUBLISH))
            if also_tell_publishers
            else []
        )
        author = publication.post.created_by
        if author is not None:
            people.append(author)
        channel = publication.channel
        notify(
            people,
            kind="publication.failed",
            title=_("Publishing to %(account)s failed: %(reason)s")
            % {"account": channel.display_name or channel.handle, "reason": failure.message},
            body=failure.message,
            url=post_url(publication),
            workspace=publication.workspace,
        )
    return moved


def record_auth_expired(publication: Publication, error: ConnectorError) -> bool:
    """The account lost its authorisation: failed, the account flagged, its publishers told."""
    from socialops.channels.actions import mark_reconnect_needed

    failure = Failure.of(error)
    at = now()
    with transaction.atomic():
        _close_attempt(publication, at, Outcome.FAILED, failure)
        moved = fail(publication, _claimed(publication), failure, at=at, also_tell_publishers=True)
        mark_reconnect_needed(
            channel=publication.channel, reason=failure.message, error=error, via="worker"
        )
    return moved


def record_unconfirmed(publication: Publication, error: BaseException | None) -> bool:
    """The outcome is unknown (timeout, crash): reconcile with the platform before any retry."""
    failure = Failure.of(error) if error is not None else None
    at = now()
    with transaction.atomic():
        _close_attempt(publication, at, Outcome.UNKNOWN, failure)
        return move(
            publication,
            _claimed(publication),
            to=State.UNCONFIRMED,
            action="publication.unconfirmed",
            at=at,
            after=failure.__dict__ if failure else {},
            lease_until=None,
            error_code=failure.code if failure else "",
            error_message=failure.message if failure else "",
        )


def record_manual(publication: Publication, task: dict[str, Any]) -> bool:
    """A platform without an API: the publication becomes a task for a person."""
    at = now()
    with transaction.atomic():
        _close_attempt(publication, at, "", message="handed to a person")
        moved = move(
            publication,
            _claimed(publication),
            to=State.MANUAL,
            action="publication.manual_task",
            at=at,
            lease_until=None,
            remote_extra={"task": task},
        )
        if moved:
            channel = publication.channel
            people = list(members_who_can(publication.workspace, Perm.CONTENT_PUBLISH))
            if publication.post.created_by is not None:
                people.append(publication.post.created_by)
            notify(
                people,
                kind="publication.manual_task",
                title=_("Publish by hand on %(account)s") % {"account": channel.display_name},
                body=task.get("text", "")[:500],
                url=reverse("content_tasks", kwargs={"slug": publication.workspace.slug}),
                workspace=publication.workspace,
            )
    return moved


def release(publications: list[Publication]) -> int:
    """Hand rows claimed but never sent back to the queue (a worker stopping, a blocked account).

    Their attempt rows go: nothing was tried.
    """
    released = 0
    for publication in publications:
        with transaction.atomic():
            rows = _claimed(publication)
            not_before = max(publication.not_before, blocked_until(publication.channel_id))
            if rows.update(
                state=State.SCHEDULED,
                attempts=publication.attempts - 1,
                claimed_by="",
                lease_until=None,
                not_before=not_before,
                updated_at=now(),
            ):
                PublishAttempt.objects.filter(
                    publication_id=publication.pk,
                    worker=publication.claimed_by,
                    finished_at__isnull=True,
                ).delete()
                publication.state = State.SCHEDULED
                refresh_post_state(publication.post_id)
                released += 1
    return released


def blocked_until(channel_id: int) -> datetime:
    row = ChannelThrottle.objects.filter(channel_id=channel_id).first()
    return row.blocked_until if row is not None else now()
