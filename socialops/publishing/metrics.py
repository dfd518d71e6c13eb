"""Metrics after publishing: collected on a schedule, refreshed on demand, or typed in by hand.

The schedule (schedule.py: 1 h, 6 h, 24 h, 3 d, 7 d after publishing) lives on the publication:
metrics_step is the next step, metrics_due_at when it is due (None: nothing more to collect).
Whoever marks a publication published starts it with
``metrics_due_at = schedule.metrics_due(published_at, 0)``.

collect_due() is the worker's job. Like the publishing engine it claims rows with a conditional
UPDATE, here pushing metrics_due_at forward by LEASE so that no other worker takes them; a worker
that dies leaves them to be claimed again when the lease runs out. Claimed rows are grouped per
account and each account's connector is called once per batch of refs. A late collection (the
worker was down) is labelled with the latest step that has passed, and steps already missed are
skipped rather than collected all at once.

What a connector error means here:
- AuthExpired: the account is marked "reconnect needed"; the rows wait (RECONNECT_RETRY).
- RateLimited: the rows wait retry_after seconds.
- Unsupported (no METRICS capability, e.g. manual platforms): the schedule stops for the rows;
  their numbers are entered by hand (enter_metrics) or imported from CSV (import_metrics_csv).
- another permanent error (say the post was deleted): this step is skipped.
- anything else: the rows wait TRANSIENT_RETRY.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.roles import Perm
from socialops.channels.actions import (
    connector_class_or_none,
    connector_for,
    mark_reconnect_needed,
)
from socialops.channels.models import Channel
from socialops.connectors.base import (
    AuthExpired,
    Capability,
    ConnectorError,
    Metrics,
    RateLimited,
    RemoteRef,
    Unsupported,
)
from socialops.core import audit
from socialops.core.clock import now

from .models import MetricSnapshot, Publication
from .schedule import METRICS_SCHEDULE, metrics_due

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.queries import Access
    from socialops.connectors.manual.connector import CsvProblem
    from socialops.content.models import Post

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
FETCH_BATCH = 100  # refs per fetch_metrics call
RECONNECT_RETRY = timedelta(hours=1)
TRANSIENT_RETRY = timedelta(minutes=5)
RATE_LIMIT_RETRY = 60.0  # seconds, when the platform does not say
MANUAL_STEP = "manual"
REFRESH_STEP = "refresh"
COUNTS = ("impressions", "likes", "reposts", "comments", "clicks")
MAX_COUNT = 10**15


def ref_of(publication: Publication) -> RemoteRef:
    return RemoteRef(
        remote_id=publication.remote_id,
        url=publication.url,
        published_at=publication.published_at,
        extra=publication.remote_extra or {},
    )


# ---- scheduled collection ----------------------------------------------------------------


def claim_due(*, limit: int, at: datetime) -> list[Publication]:
    """Take up to ``limit`` publications whose metrics are due, each leased until at + LEASE."""
    candidates = list(
        Publication.objects.filter(state=Publication.State.PUBLISHED, metrics_due_at__lte=at)
        .order_by("metrics_due_at", "id")[:limit]
        .values_list("pk", "metrics_due_at")
    )
    lease = at + LEASE
    claimed = [
        pk
        for pk, due in candidates
        if Publication.objects.filter(
            pk=pk, state=Publication.State.PUBLISHED, metrics_due_at=due
        ).update(metrics_due_at=lease)
    ]
    return list(Publication.objects.filter(pk__in=claimed).select_related("channel"))


def collect_due(*, limit: int = 200) -> int:
    """Collect every due publication's metrics (up to limit); how many publications were handled."""
    at = now()
    claimed = claim_due(limit=limit, at=at)
    for channel, publications in _by_channel(claimed).items():
        _collect_channel(channel, publications, at=at)
    return len(claimed)


def _by_channel(publications: Iterable[Publication]) -> dict[Channel, list[Publication]]:
    grouped: dict[Channel, list[Publication]] = defaultdict(list)
    for publication in publications:
        grouped[publication.channel].append(publication)
    return grouped


def _collect_channel(channel: Channel, publications: list[Publication], *, at: datetime) -> None:
    if not _can_fetch(channel):
        _set_due(publications, None)
        return
    if channel.status == Channel.Status.RECONNECT_NEEDED:
        _set_due(publications, at + RECONNECT_RETRY)
        return
    try:
        found = fetch(channel, publications)
    except Unsupported:
        _set_due(publications, None)
    except AuthExpired as error:
        mark_reconnect_needed(channel=channel, reason=error.message, error=error)
        _set_due(publications, at + RECONNECT_RETRY)
    except RateLimited as error:
        _set_due(publications, at + timedelta(seconds=error.retry_after or RATE_LIMIT_RETRY))
    except ConnectorError as error:
        if error.permanent:
            log.info("metrics of %s skipped a step: %s", channel, error.message)
            _store(publications, {}, at=at)
        else:
            _set_due(publications, at + TRANSIENT_RETRY)
    except Exception:  # a bug or an outage must not stop the other accounts' collection
        log.exception("metrics collection failed for %s", channel)
        _set_due(publications, at + TRANSIENT_RETRY)
    else:
        _store(publications, found, at=at)


def _can_fetch(channel: Channel) -> bool:
    if channel.status == Channel.Status.DISCONNECTED:
        return False
    cls = connector_class_or_none(channel.connector)
    return cls is not None and Capability.METRICS in cls.capabilities


def fetch(channel: Channel, publications: Sequence[Publication]) -> dict[str, Metrics]:
    """The platform's numbers for the publications, by remote id (outside any transaction)."""
    found: dict[str, Metrics] = {}
    with connector_for(channel) as connector:
        for start in range(0, len(publications), FETCH_BATCH):
            batch = publications[start : start + FETCH_BATCH]
            for metrics in connector.fetch_metrics([ref_of(p) for p in batch]):
                found[metrics.remote_id] = metrics
    return found


def _set_due(publications: Iterable[Publication], due: datetime | None) -> None:
    """Give the rows a new due time (None: stop), if this worker still holds their lease."""
    for publication in publications:
        Publication.objects.filter(
            pk=publication.pk, metrics_due_at=publication.metrics_due_at
        ).update(metrics_due_at=due)


def step_due(publication: Publication, at: datetime) -> int:
    """The latest schedule step that has passed at ``at`` (at least the row's next step)."""
    published = publication.published_at or publication.updated_at
    step = publication.metrics_step
    while step + 1 < len(METRICS_SCHEDULE) and (metrics_due(published, step + 1) or at) <= at:
        step += 1
    return step


def _store(
    publications: Iterable[Publication], found: Mapping[str, Metrics], *, at: datetime
) -> int:
    stored = 0
    for publication in publications:
        step = step_due(publication, at)
        published = publication.published_at or publication.updated_at
        metrics = found.get(publication.remote_id)
        with transaction.atomic():
            held = Publication.objects.filter(
                pk=publication.pk, metrics_due_at=publication.metrics_due_at
            ).update(metrics_step=step + 1, metrics_due_at=metrics_due(published, step + 1))
            if held and metrics is not None and step < len(METRICS_SCHEDULE):
                _snapshot(publication, metrics, step=METRICS_SCHEDULE[step][0])
                stored += 1
    return stored


def _snapshot(publication: Publication, metrics: Metrics, *, step: str) -> MetricSnapshot:
    return MetricSnapshot.objects.create(
        publication=publication,
        step=step,
        collected_at=metrics.collected_at or now(),
        impressions=metrics.impressions,
        likes=metrics.likes,
        reposts=metrics.reposts,
        comments=metrics.comments,
        clicks=metrics.clicks,
        extra=dict(metrics.extra),
    )


# ---- on demand ---------------------------------------------------------------------------


@dataclass
class RefreshResult:
    stored: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def refresh_post_metrics(
    *, access: Access, post: Post, request: HttpRequest | None = None
) -> RefreshResult:
    """Fetch the numbers of the post's published publications now, outside the schedule."""
    access.require(Perm.CONTENT_EDIT, request)
    publications = list(
        Publication.objects.filter(
            post=post, workspace=access.workspace, state=Publication.State.PUBLISHED
        ).select_related("channel")
    )
    result = RefreshResult()
    for channel, rows in _by_channel(publications).items():
        found, problem = _fetch_now(channel, rows)
        if problem:
            result.problems.append({"channel_id": channel.pk, **problem})
        with transaction.atomic():
            for publication in rows:
                metrics = found.get(publication.remote_id)
                if metrics is not None:
                    _snapshot(publication, metrics, step=REFRESH_STEP)
                    result.stored += 1
    audit.record(
        action="metrics.refreshed",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=post,
        after={"stored": result.stored, "problems": result.problems},
    )
    return result


def _fetch_now(
    channel: Channel, publications: list[Publication]
) -> tuple[dict[str, Metrics], dict[str, str]]:
    if not _can_fetch(channel):
        message = _("This account's numbers are entered by hand or imported.")
        return {}, {"code": "unsupported", "message": message}
    try:
        return fetch(channel, publications), {}
    except AuthExpired as error:
        mark_reconnect_needed(channel=channel, reason=error.message, error=error)
        message = _("The account must be connected again.")
        return {}, {"code": error.code, "message": message}
    except ConnectorError as error:
        return {}, {"code": error.code or "platform_error", "message": error.message}


# ---- by hand -----------------------------------------------------------------------------


def _clean_counts(counts: Mapping[str, Any]) -> dict[str, int | None]:
    errors: dict[str, str] = {}
    cleaned: dict[str, int | None] = {}
    for name in COUNTS:
        value = counts.get(name)
        if value is None or value == "":
            cleaned[name] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_COUNT:
            errors[name] = _("Give a whole number, 0 or more.")
        else:
            cleaned[name] = value
    unknown = set(counts) - set(COUNTS)
    for name in sorted(unknown):
        errors[name] = _("Unknown field.")
    if not errors and all(value is None for value in cleaned.values()):
        errors["__all__"] = _("Give at least one number.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def enter_metrics(
    *,
    access: Access,
    publication: Publication,
    counts: Mapping[str, Any],
    collected_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> MetricSnapshot:
    """Numbers a person read off the platform (manual platforms, or what an API lacks)."""
    access.require(Perm.CONTENT_EDIT, request)
    if publication.workspace_id != access.workspace.pk:
        raise ValidationError({"publication": _("No such publication in this workspace.")})
    if publication.state != Publication.State.PUBLISHED:
        raise ValidationError({"state": _("Numbers can be entered once the post is published.")})
    cleaned = _clean_counts(counts)
    at = collected_at or now()
    if at.tzinfo is None:
        raise ValidationError({"collected_at": _("Give a time with its time zone.")})
    if at > now() + timedelta(minutes=5):
        raise ValidationError({"collected_at": _("This time is in the future.")})
    snapshot = MetricSnapshot.objects.create(
        publication=publication, step=MANUAL_STEP, collected_at=at, **cleaned
    )
    audit.record(
        action="metrics.entered",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=publication,
        after={**cleaned, "collected_at": at.isoformat()},
    )
    return snapshot


@dataclass
class ImportResult:
    stored: int = 0
    problems: list[CsvProblem] = field(default_factory=list)


def import_metrics_csv(
    *, access: Access, channel: Channel, data: bytes, request: HttpRequest | None = None
) -> ImportResult:
    """Rows of `url,impressions,likes,reposts,comments,clicks` for a manual account's posts.

    All or nothing: any problem (a bad number, a link that is none of this account's published
    posts) stores no row, and the problems say which line and column to fix.
    """
    from socialops.connectors.manual.connector import CsvProblem, ManualConnector

    access.require(Perm.CONTENT_EDIT, request)
    if channel.workspace_id != access.workspace.pk:
        raise ValidationError({"channel_id": _("No such account in this workspace.")})
    with connector_for(channel) as connector:
        if not isinstance(connector, ManualConnector):
            raise ValidationError(
                {"channel_id": _("Only manual accounts import numbers; others are collected.")}
            )
        rows, problems = connector.import_metrics_csv(data)
    published = {
        key: publication
        for publication in Publication.objects.filter(
            channel=channel, state=Publication.State.PUBLISHED
        )
        for key in (publication.url, publication.remote_id)
        if key
    }
    matched = []
    for row in rows:
        publication = published.get(row.metrics.remote_id)
        if publication is None:
            message = _("No published post of this account has this link.")
            problems.append(CsvProblem(row.line, "url", message))
        else:
            matched.append((publication, row.metrics))
    if problems or not matched:
        if not problems:
            problems.append(CsvProblem(0, "", _("The file has no rows.")))
        return ImportResult(problems=problems)
    with transaction.atomic():
        for publication, metrics in matched:
            _snapshot(publication, metrics, step=MANUAL_STEP)
        audit.record(
            action="metrics.imported",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=channel,
            after={"rows": len(matched)},
        )
    return ImportResult(stored=len(matched))
