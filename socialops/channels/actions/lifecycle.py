"""A connected account's life after connecting: disconnect, reconnect-needed, faults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors.base import ConnectorError
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.core.errors import ApiError

from ..models import Channel, Complement
from .credentials import config_of, connector_class, credentials_of

if TYPE_CHECKING:
    from django.http import HttpRequest


CHANNEL_FIELDS = [
    "platform",
    "connector",
    "remote_id",
    "handle",
    "display_name",
    "status",
    "status_reason",
]


PUSH_KEY = "push_key"
PUSH_URL = "push_url"


@transaction.atomic
def disconnect_channel(
    *, access: Access, channel: Channel, request: HttpRequest | None = None
) -> Channel:
    """Stop using the account here; its credentials are wiped."""
    access.require(Perm.PLATFORM_MANAGE, request)
    channel = Channel.objects.select_for_update().get(pk=channel.pk, workspace=access.workspace)
    if channel.status == Channel.Status.DISCONNECTED:
        return channel
    before = snapshot(channel, CHANNEL_FIELDS)
    key = str(channel.config.get(PUSH_KEY) or "")
    if key:
        connector_class(channel.connector)(credentials={}, config={}).close_push_endpoint(key=key)
    channel.status = Channel.Status.DISCONNECTED
    channel.status_reason = ""
    channel.credentials_ciphertext = ""
    channel.config = {k: v for k, v in channel.config.items() if k not in (PUSH_KEY, PUSH_URL)}
    channel.save(update_fields=["status", "status_reason", "credentials_ciphertext", "config"])
    Complement.objects.filter(from_channel=channel).delete()
    Complement.objects.filter(to_channel=channel).delete()
    audit.record(
        action="channel.disconnected",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=channel,
        before=before,
        after=snapshot(channel, CHANNEL_FIELDS),
    )
    return channel


def simulate_faults(
    *,
    access: Access,
    channel: Channel,
    faults: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> None:
    """Make a simulated account fail as a platform might, to rehearse what the team sees."""
    access.require(Perm.PLATFORM_MANAGE, request)
    cls = connector_class(channel.connector)
    if not cls.simulated:
        raise ApiError(
            422,
            "not_simulated",
            _("Only simulated accounts can be made to fail on purpose."),
            {"channel": "not simulated"},
        )
    if channel.status == Channel.Status.DISCONNECTED:
        raise ApiError(409, "disconnected", _("This account is disconnected."))
    wanted = {key: value for key, value in faults.items() if value}
    cls(credentials=credentials_of(channel), config=config_of(channel)).inject_faults(wanted)
    audit.record(
        action="channel.faults_simulated",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=channel,
        after={"faults": wanted},
    )


@transaction.atomic
def mark_reconnect_needed(
    *, channel: Channel, reason: str, error: ConnectorError | None = None, via: str = "system"
) -> Channel:
    """The platform no longer accepts the account's authorisation (AuthExpired)."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.status == Channel.Status.DISCONNECTED:
        return channel
    before = snapshot(channel, CHANNEL_FIELDS)
    channel.status = Channel.Status.RECONNECT_NEEDED
    channel.status_reason = reason[:500]
    if error is not None:
        channel.last_error = f"{error.code}: {error.message}"[:500]
        channel.last_error_at = now()
    channel.save(update_fields=["status", "status_reason", "last_error", "last_error_at"])
    audit.record(
        action="channel.reconnect_needed",
        workspace=channel.workspace,
        via=via,
        target=channel,
        before=before,
        after={
            **snapshot(channel, CHANNEL_FIELDS),
            "platform_code": error.platform_code if error else "",
        },
    )
    return channel
