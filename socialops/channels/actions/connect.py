"""Connecting an account (FORM / NONE) and saving what any connect flow learned."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors.base import AuthKind, Capability, Connector, ConnectorError, Profile
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.core.errors import ApiError

from ..models import Channel, profile_dict
from .credentials import config_of, connector_class, public_config, seal_with_config
from .lifecycle import CHANNEL_FIELDS, PUSH_KEY, PUSH_URL
from .profile import audit_facade

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User, Workspace


@dataclass(frozen=True)
class Identity:
    """Who the credentials belong to on the platform."""

    remote_id: str
    handle: str
    display_name: str = ""
    url: str = ""
    avatar_url: str = ""
    profile: Profile | None = None


def _check_fields(cls: type[Connector], fields: Mapping[str, str]) -> dict[str, str]:
    known = {field.name for field in cls.connect_fields}
    problems = {name: _("Unknown field.") for name in fields if name not in known}
    for field in cls.connect_fields:
        if field.required and not str(fields.get(field.name, "")).strip():
            problems[field.name] = _("This field is required.")
    if problems:
        raise ValidationError(problems)
    return {name: str(value).strip() for name, value in fields.items()}


def config_from(
    cls: type[Connector], fields: Mapping[str, str], workspace: Workspace
) -> dict[str, Any]:
    """What the connector is told besides credentials: the connect fields and the workspace."""
    given = {f.name: fields[f.name] for f in cls.connect_fields if f.name in fields}
    return {**given, "workspace_id": workspace.pk}


def identify(
    cls: type[Connector], credentials: Mapping[str, Any], config: Mapping[str, Any]
) -> Identity:
    connector = cls(credentials=credentials, config=config)
    if connector.can(Capability.PROFILE_READ):
        profile = connector.fetch_profile()
        return Identity(
            remote_id=profile.remote_id,
            handle=profile.handle,
            display_name=profile.display_name,
            url=profile.url,
            avatar_url=profile.avatar_url,
            profile=profile,
        )
    remote_id = str(credentials.get("remote_id") or config.get("handle") or "")
    if not remote_id:
        raise ConnectorError(_("The platform did not say which account this is."), permanent=True)
    return Identity(remote_id=remote_id, handle=str(config.get("handle") or remote_id))


def connect_failed(
    *,
    workspace: Workspace,
    actor: User,
    connector: str,
    error: ConnectorError,
    request: HttpRequest | None,
    action: str = "channel.connect_failed",
) -> ApiError:
    audit.record(
        action=action,
        workspace=workspace,
        actor=actor,
        request=request,
        after={"connector": connector, "code": error.code, "message": error.message[:300]},
    )
    return ApiError(
        422,
        "connect_failed",
        _("The platform refused: %(message)s") % {"message": error.message},
        {"connector": error.message},
    )


def connect_channel(
    *,
    access: Access,
    connector: str,
    fields: Mapping[str, str] | None = None,
    platform: str = "",
    request: HttpRequest | None = None,
) -> Channel:
    """Connect a FORM or NONE account: the connector checks the fields against the platform."""
    access.require(Perm.PLATFORM_MANAGE, request)
    cls = connector_class(connector)
    if cls.auth_kind == AuthKind.OAUTH2:
        raise ApiError(
            422,
            "oauth_required",
            _("This platform connects through its own sign-in page; start it from the UI."),
            {"connector": "oauth2"},
        )
    given = _check_fields(cls, fields or {})
    config = config_from(cls, given, access.workspace)
    try:
        credentials = cls(credentials={}, config=config).connect(given)
        identity = identify(cls, credentials, config)
    except ConnectorError as error:
        raise connect_failed(
            workspace=access.workspace,
            actor=access.user,
            connector=connector,
            error=error,
            request=request,
        ) from error
    return save_connected(
        access=access,
        cls=cls,
        platform=platform,
        credentials=credentials,
        config=config,
        identity=identity,
        request=request,
    )


def _open_push_endpoint(
    cls: type[Connector],
    channel: Channel,
    credentials: Mapping[str, Any],
    config: Mapping[str, Any],
) -> None:
    """Where the platform pushes events (WeChat callbacks), keyed by a secret kept per account."""
    key = str(channel.config.get(PUSH_KEY) or "") or secrets.token_urlsafe(18)
    url = cls(credentials=credentials, config=config).open_push_endpoint(
        key=key, workspace_id=channel.workspace_id
    )
    if url:
        channel.config = {**channel.config, PUSH_KEY: key, PUSH_URL: url}
        channel.save(update_fields=["config"])


def _platform_code(
    cls: type[Connector],
    given: str,
    credentials: Mapping[str, Any],
    config: Mapping[str, Any],
) -> str:
    """The catalog code: as given, as the connector says (manual serves many), or its own."""
    said = credentials.get("platform") or config.get("platform")
    return (given or str(said or "") or cls.code)[:40]


@transaction.atomic
def save_connected(
    *,
    access: Access,
    cls: type[Connector],
    platform: str,
    credentials: Mapping[str, Any],
    config: Mapping[str, Any],
    identity: Identity,
    request: HttpRequest | None,
    channel: Channel | None = None,
) -> Channel:
    live = Channel.objects.select_for_update().filter(
        workspace=access.workspace, connector=cls.code, remote_id=identity.remote_id
    )
    live = live.exclude(status=Channel.Status.DISCONNECTED)
    if channel is not None:
        if channel.remote_id != identity.remote_id:
            raise ApiError(
                422,
                "different_account",
                _("These credentials belong to another account (%(handle)s).")
                % {"handle": identity.handle},
                {"connector": identity.handle},
            )
        live = live.exclude(pk=channel.pk)
    if live.exists():
        raise ApiError(
            409, "already_connected", _("This account is already connected in this workspace.")
        )
    created = channel is None
    if channel is None:
        channel = Channel(
            workspace=access.workspace,
            platform=_platform_code(cls, platform, credentials, config),
            connector=cls.code,
            remote_id=identity.remote_id,
        )
        before = None
    else:
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        before = snapshot(channel, CHANNEL_FIELDS)
    channel.handle = identity.handle[:200]
    channel.display_name = (identity.display_name or channel.display_name)[:200]
    channel.url = identity.url[:500]
    channel.avatar_url = identity.avatar_url[:500]
    channel.status = Channel.Status.CONNECTED
    channel.status_reason = ""
    channel.last_error = ""
    channel.last_error_at = None
    channel.credentials_ciphertext = seal_with_config(cls, credentials, config)
    kept = {k: v for k, v in (channel.config or {}).items() if k in (PUSH_KEY, PUSH_URL)}
    channel.config = {**public_config(cls, config), **kept}  # a reconnect keeps its push URL
    channel.connected_by = access.user
    channel.connected_at = now()
    if identity.profile is not None:
        channel.profile = profile_dict(identity.profile)
        channel.profile_fetched_at = now()
    if created and channel.owner_id is None:
        channel.owner = access.user
    channel.save()
    _open_push_endpoint(cls, channel, credentials, config)
    audit.record(
        action="channel.connected" if created else "channel.reconnected",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=channel,
        before=before,
        after=snapshot(channel, CHANNEL_FIELDS),
    )
    audit_facade(access.workspace)
    channel.refresh_from_db()
    return channel


def reconnect_channel(
    *,
    access: Access,
    channel: Channel,
    fields: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> Channel:
    """Connect the same account again with fresh credentials (FORM / NONE)."""
    access.require(Perm.PLATFORM_MANAGE, request)
    cls = connector_class(channel.connector)
    if cls.auth_kind == AuthKind.OAUTH2:
        raise ApiError(
            422,
            "oauth_required",
            _("This platform reconnects through its own sign-in page; start it from the UI."),
            {"connector": "oauth2"},
        )
    known = {field.name for field in cls.connect_fields}
    stored = config_of(channel)
    remembered = {key: str(value) for key, value in stored.items() if key in known}
    given = _check_fields(cls, {**remembered, **(fields or {})})
    config = {**stored, **config_from(cls, given, access.workspace)}
    try:
        credentials = cls(credentials={}, config=config).connect(given)
        identity = identify(cls, credentials, config)
    except ConnectorError as error:
        raise connect_failed(
            workspace=access.workspace,
            actor=access.user,
            connector=cls.code,
            error=error,
            request=request,
            action="channel.reconnect_failed",
        ) from error
    return save_connected(
        access=access,
        cls=cls,
        platform=channel.platform,
        credentials=credentials,
        config=config,
        identity=identity,
        request=request,
        channel=channel,
    )
