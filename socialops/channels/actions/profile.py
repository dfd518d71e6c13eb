"""The account's public face: its live profile and the facade checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors.base import AuthExpired, ConnectorError, Profile
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.core.errors import ApiError

from .. import facade
from ..models import Channel, FacadeCheck, profile_dict
from .credentials import connector_for
from .lifecycle import mark_reconnect_needed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import Workspace


def refresh_profile(
    *, access: Access, channel: Channel, request: HttpRequest | None = None
) -> Channel:
    """Read the live profile, store it and audit the facade of the workspace's accounts."""
    access.require(Perm.PLATFORM_MANAGE, request)
    if channel.status == Channel.Status.DISCONNECTED:
        raise ApiError(409, "disconnected", _("This account is disconnected."))
    try:
        with connector_for(channel) as connector:
            profile = connector.fetch_profile()
    except AuthExpired as error:
        mark_reconnect_needed(channel=channel, reason=error.message, error=error)
        raise ApiError(
            409,
            "reconnect_needed",
            _("The platform no longer accepts this account's authorisation: reconnect it."),
        ) from error
    except ConnectorError as error:
        _record_error(access=access, channel=channel, error=error, request=request)
        raise ApiError(
            409,
            "platform_error",
            _("The platform did not answer as expected: %(message)s") % {"message": error.message},
        ) from error
    return _store_profile(access=access, channel=channel, profile=profile, request=request)


@transaction.atomic
def _record_error(
    *, access: Access, channel: Channel, error: ConnectorError, request: HttpRequest | None
) -> None:
    """Keep the platform's refusal on the account and in the audit log."""
    Channel.objects.filter(pk=channel.pk).update(
        last_error=f"{error.code}: {error.message}"[:500], last_error_at=now()
    )
    audit.record(
        action="channel.platform_error",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=channel,
        after={
            "code": error.code,
            "platform_code": error.platform_code,
            "message": error.message[:500],
            "permanent": error.permanent,
        },
    )


@transaction.atomic
def _store_profile(
    *, access: Access, channel: Channel, profile: Profile, request: HttpRequest | None
) -> Channel:
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    fields = ["handle", "display_name", "url", "avatar_url", "facade_score"]
    before = snapshot(channel, fields)
    channel.profile = profile_dict(profile)
    channel.profile_fetched_at = now()
    channel.handle = profile.handle[:200] or channel.handle
    channel.display_name = profile.display_name[:200] or channel.display_name
    channel.url = profile.url[:500]
    channel.avatar_url = profile.avatar_url[:500]
    channel.save()
    audit_facade(access.workspace)
    channel.refresh_from_db()
    audit.record(
        action="channel.profile_refreshed",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=channel,
        before=before,
        after=snapshot(channel, fields),
    )
    return channel


def audit_facade(workspace: Workspace) -> None:
    """Re-check every live account's facade (naming depends on the whole matrix)."""
    channels = list(
        Channel.objects.filter(workspace=workspace).exclude(status=Channel.Status.DISCONNECTED)
    )
    naming = facade.naming_of(
        [
            (
                str(c.profile.get("display_name") or c.display_name),
                str(c.profile.get("handle") or c.handle),
            )
            for c in channels
        ]
    )
    stamp = now()
    for channel in channels:
        stored = {check.item: check for check in channel.facade_checks.all()}
        codes = [item.code for item in facade.items_for(channel.platform)]
        automatic = facade.automatic_states(channel.platform, channel.profile, naming)
        merged = facade.merge(automatic, {k: v.state for k, v in stored.items()}, codes)
        for code, state in merged.items():
            check = stored.get(code)
            is_auto = code in automatic and state == automatic[code]
            if check is None:
                FacadeCheck.objects.create(
                    channel=channel, item=code, state=state, automatic=is_auto, checked_at=stamp
                )
            elif is_auto and (check.state != state or not check.automatic):
                check.state, check.automatic, check.checked_at = state, True, stamp
                check.checked_by = None
                check.save(update_fields=["state", "automatic", "checked_at", "checked_by"])
        score = facade.score(channel.platform, merged)
        if channel.facade_score != score:
            Channel.objects.filter(pk=channel.pk).update(facade_score=score)


TICK_STATES = {
    FacadeCheck.State.MANUAL_OK,
    FacadeCheck.State.NOT_APPLICABLE,
    FacadeCheck.State.MISSING,
}


@transaction.atomic
def tick_facade_item(
    *,
    access: Access,
    channel: Channel,
    item: str,
    state: str = FacadeCheck.State.MANUAL_OK,
    evidence: str = "",
    request: HttpRequest | None = None,
) -> FacadeCheck:
    """A person confirms an item (or says it does not apply, or that it is still missing)."""
    access.require(Perm.PLATFORM_MANAGE, request)
    if item not in {entry.code for entry in facade.items_for(channel.platform)}:
        raise ValidationError({"item": _("This item does not apply on this platform.")})
    if state not in TICK_STATES:
        raise ValidationError({"state": _("Unknown state.")})
    check, _created = FacadeCheck.objects.select_for_update().get_or_create(
        channel=channel, item=item
    )
    before = snapshot(check, ["state", "evidence", "checked_by"])
    check.state = state
    check.automatic = False
    check.checked_by = access.user
    check.checked_at = now()
    check.evidence = evidence.strip()[:500]
    check.save()
    audit_facade(access.workspace)
    audit.record(
        action="channel.facade_checked",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=channel,
        target_label=f"{channel} · {item}",
        before=before,
        after={**snapshot(check, ["state", "evidence", "checked_by"]), "item": item},
    )
    return check
