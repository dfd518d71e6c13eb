"""What people do to publications: retry a failed one, report a manual task as done, settle an
unconfirmed one (check the platform now, or say by hand whether it went out)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.roles import Perm
from socialops.channels.models import Channel
from socialops.connectors.base import ConnectorError, RemoteRef
from socialops.core import audit
from socialops.core.clock import now
from socialops.core.errors import ApiError

from .actions import refresh_post_state
from .models import Publication, PublishAttempt
from .schedule import metrics_due

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.queries import Access

State = Publication.State


@transaction.atomic
def retry_publication(
    *, access: Access, publication: Publication, request: HttpRequest | None = None
) -> Publication:
    """A failed publication goes back in the queue, due now, with the same idempotency key."""
    access.require(Perm.CONTENT_PUBLISH, request)
    if publication.channel.status != Channel.Status.CONNECTED:
        raise ApiError(
            409,
            "channel_not_connected",
            _("Reconnect the account first; then try again."),
            {"channel": publication.channel.status},
        )
    at = now()
    if not Publication.objects.filter(pk=publication.pk, state=State.FAILED).update(
        state=State.SCHEDULED, not_before=at, lease_until=None, updated_at=at
    ):
        raise ApiError(409, "not_failed", _("Only a failed publication can be retried."))
    before = publication.state
    publication.refresh_from_db()
    audit.record(
        action="publication.retried",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=publication,
        before={"state": before, "error_code": publication.error_code},
        after={"state": publication.state},
    )
    refresh_post_state(publication.post_id, actor=access.user, via=_via(request))
    return publication


@transaction.atomic
def complete_manual(
    *,
    access: Access,
    publication: Publication,
    url: str,
    request: HttpRequest | None = None,
) -> Publication:
    """A person published the task by hand and pasted the link: it is checked and recorded."""
    from socialops.channels.actions import connector_for

    access.require(Perm.CONTENT_PUBLISH, request)
    if publication.state != State.MANUAL:
        raise ApiError(409, "not_manual", _("This publication is not waiting for a person."))
    try:
        with connector_for(publication.channel) as connector:
            record = getattr(connector, "record_published", None)
            if record is None:
                raise ApiError(409, "not_manual", _("This account publishes by itself."))
            ref = record(url)
    except ConnectorError as error:
        raise ValidationError({"url": error.message}) from None
    at = now()
    published_at = ref.published_at or at
    if not Publication.objects.filter(pk=publication.pk, state=State.MANUAL).update(
        state=State.PUBLISHED,
        remote_id=ref.remote_id[:200],
        url=ref.url[:1000],
        published_at=published_at,
        metrics_step=0,
        metrics_due_at=metrics_due(published_at, 0),
        updated_at=at,
    ):
        raise ApiError(409, "not_manual", _("This publication is not waiting for a person."))
    PublishAttempt.objects.create(
        publication=publication,
        started_at=at,
        finished_at=at,
        worker=access.user.email[:128],
        outcome=PublishAttempt.Outcome.PUBLISHED,
        message=ref.url[:1000],
    )
    publication.refresh_from_db()
    audit.record(
        action="publication.published",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=publication,
        before={"state": State.MANUAL},
        after={"state": publication.state, "url": publication.url, "by_hand": True},
    )
    refresh_post_state(publication.post_id, actor=access.user, via=_via(request))
    return publication


def _via(request: HttpRequest | None) -> str:
    if request is None:
        return "system"
    return "api" if request.path.startswith("/api/") else "web"


def reconcile_now(
    *, access: Access, publication: Publication, request: HttpRequest | None = None
) -> str:
    """Ask the platform again, now, whether an unconfirmed publication went out; its new state.

    Not one transaction: the platform is asked between the claim and the outcome (see
    reconcile.reconcile, which audits what it finds). The request itself is audited here.
    """
    from .reconcile import reconcile

    access.require(Perm.CONTENT_PUBLISH, request)
    if publication.state != State.UNCONFIRMED:
        raise ApiError(409, "not_unconfirmed", _("Only an unconfirmed publication is checked."))
    _require_connected(publication)
    checking = PublishAttempt.objects.filter(
        publication_id=publication.pk, reconcile=True, finished_at__isnull=True
    )
    if not checking.exists():  # an earlier check ended without an answer: its lease is stale
        Publication.objects.filter(pk=publication.pk, state=State.UNCONFIRMED).update(
            lease_until=None
        )
    state = reconcile(publication)
    audit.record(
        action="publication.reconcile_requested",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=publication,
        before={"state": State.UNCONFIRMED},
        after={"state": state},
    )
    return state


def last_check_problem(publication: Publication) -> str:
    """Why the latest check with the platform gave no answer ('' if it answered)."""
    attempt = (
        PublishAttempt.objects.filter(publication_id=publication.pk, reconcile=True)
        .order_by("-id")
        .first()
    )
    if attempt is None or attempt.outcome != PublishAttempt.Outcome.UNKNOWN:
        return ""
    return attempt.message or attempt.error_code


@transaction.atomic
def resolve_unconfirmed(
    *,
    access: Access,
    publication: Publication,
    url: str | None = None,
    retry: bool = False,
    request: HttpRequest | None = None,
) -> Publication:
    """A person settles an unconfirmed publication: it is live at ``url``, or it is sent again.

    With a link the row is published (the link is checked to be the account's platform); with
    retry=True it goes back in the queue, due now, with the same idempotency key.
    """
    access.require(Perm.CONTENT_PUBLISH, request)
    url = (url or "").strip()
    if bool(url) == bool(retry):
        raise ValidationError(
            {"published_url": _("Give either the link of the published post or ask to retry.")}
        )
    if publication.state != State.UNCONFIRMED:
        raise ApiError(409, "not_unconfirmed", _("This publication is not unconfirmed any more."))
    at = now()
    rows = Publication.objects.filter(pk=publication.pk, state=State.UNCONFIRMED)
    if retry:
        _require_connected(publication)
        moved = rows.update(
            state=State.SCHEDULED,
            not_before=at,
            lease_until=None,
            claimed_by="",
            updated_at=at,
        )
        outcome, message = PublishAttempt.Outcome.NOT_FOUND, "reported as not published"
    else:
        ref = _checked_link(publication, url)
        published_at = ref.published_at or at
        moved = rows.update(
            state=State.PUBLISHED,
            remote_id=ref.remote_id[:200],
            url=ref.url[:1000],
            published_at=published_at,
            lease_until=None,
            claimed_by="",
            error_code="",
            error_message="",
            metrics_step=0,
            metrics_due_at=metrics_due(published_at, 0),
            updated_at=at,
        )
        outcome, message = PublishAttempt.Outcome.FOUND, ref.url[:1000]
    if not moved:
        raise ApiError(409, "not_unconfirmed", _("This publication is not unconfirmed any more."))
    PublishAttempt.objects.create(
        publication=publication,
        started_at=at,
        finished_at=at,
        worker=access.user.email[:128],
        reconcile=True,
        outcome=outcome,
        message=message,
    )
    before = {"state": State.UNCONFIRMED, "error_code": publication.error_code}
    publication.refresh_from_db()
    audit.record(
        action="publication.resolved",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=publication,
        before=before,
        after={"state": publication.state, "url": publication.url, "by_hand": True},
    )
    refresh_post_state(publication.post_id, actor=access.user, via=_via(request))
    return publication


def _require_connected(publication: Publication) -> None:
    if publication.channel.status != Channel.Status.CONNECTED:
        raise ApiError(
            409,
            "channel_not_connected",
            _("Reconnect the account first; then try again."),
            {"channel": publication.channel.status},
        )


def _checked_link(publication: Publication, url: str) -> RemoteRef:
    """The pasted link as a RemoteRef: the account's connector checks it if it can, else its host.

    Connectors that publish by API cannot look a post up by its link, so the link stands as the
    remote id; the platform's own host list (connectors/manual POST_HOSTS) keeps typos out.
    """
    from socialops.channels.actions import connector_for
    from socialops.connectors.manual.connector import POST_HOSTS, ManualConnector

    try:
        if publication.channel.connector == "manual":
            with connector_for(publication.channel) as connector:
                record = getattr(connector, "record_published", None)
                if record is not None:
                    return record(url)  # type: ignore[no-any-return]
        platform = publication.channel.platform
        if platform in POST_HOSTS:
            checker = ManualConnector(config={"platform": platform}, credentials={})
            return checker.record_published(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConnectorError(f"{url!r} is not a web link", permanent=True, code="invalid_link")
    except ConnectorError as error:
        raise ValidationError({"published_url": error.message}) from None
    return RemoteRef(remote_id=url, url=url, published_at=now())
