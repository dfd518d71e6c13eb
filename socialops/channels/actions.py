"""Every write to channels: connect, reconnect, disconnect, the matrix, profiles and facade.

Platform calls happen outside database transactions; each write that follows is atomic and
audited with before/after snapshots that never include credentials.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from socialops.accounts.models import Membership
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors import registry
from socialops.connectors.base import (
    AuthExpired,
    AuthKind,
    Capability,
    Connector,
    ConnectorError,
    Profile,
)
from socialops.core import audit, crypto
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.core.errors import ApiError

from . import facade
from .models import Channel, Complement, FacadeCheck, OAuthState, profile_dict

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User, Workspace

CHANNEL_FIELDS = [
    "platform",
    "connector",
    "remote_id",
    "handle",
    "display_name",
    "status",
    "status_reason",
]
MATRIX_FIELDS = ["role", "owner", "weekly_capacity_hours", "notes"]
OAUTH_STATE_LIFETIME = timedelta(minutes=10)
OAUTH_SALT = "socialops.channels.oauth"
MAX_CAPACITY_HOURS = Decimal("168")
SEALED_CONFIG = "_config"  # secret config values travel inside the encrypted credentials


class OAuthRefused(Exception):
    """An OAuth callback whose state is bad, expired, reused or not the caller's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---- credentials and connectors -----------------------------------------------------------


def _seal(credentials: Mapping[str, Any]) -> str:
    return crypto.encrypt(json.dumps(dict(credentials), sort_keys=True))


def _unseal(ciphertext: str) -> dict[str, Any]:
    if not ciphertext:
        return {}
    value = json.loads(crypto.decrypt(ciphertext))
    return value if isinstance(value, dict) else {}


def credentials_of(channel: Channel) -> dict[str, Any]:
    """What the platform gave us to act as the account (decrypted)."""
    credentials = _unseal(channel.credentials_ciphertext)
    credentials.pop(SEALED_CONFIG, None)
    return credentials


def config_of(channel: Channel) -> dict[str, Any]:
    """The connector's whole config: the stored public part and the encrypted secret part."""
    sealed = _unseal(channel.credentials_ciphertext).get(SEALED_CONFIG) or {}
    return {**channel.config, **sealed}


def _public_config(cls: type[Connector], config: Mapping[str, Any]) -> dict[str, Any]:
    public = {f.name for f in cls.connect_fields if not f.secret} | {"workspace_id"}
    return {key: value for key, value in config.items() if key in public}


def _sealed(cls: type[Connector], credentials: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """Credentials and every non-public config value (app secrets), encrypted together."""
    secret = {k: v for k, v in config.items() if k not in _public_config(cls, config)}
    return _seal({**credentials, **({SEALED_CONFIG: secret} if secret else {})})


def connector_class(code: str) -> type[Connector]:
    try:
        return registry.get(code)
    except registry.UnknownConnector:
        raise ApiError(
            422, "invalid", _("No such connector."), {"connector": _("No such connector.")}
        ) from None


def connector_class_or_none(code: str) -> type[Connector] | None:
    try:
        return registry.get(code)
    except registry.UnknownConnector:
        return None


@contextmanager
def connector_for(channel: Channel) -> Iterator[Connector]:
    """The channel's connector with its credentials; renewed credentials are saved after."""
    cls = connector_class(channel.connector)
    config = config_of(channel)
    connector = cls(credentials=credentials_of(channel), config=config)
    try:
        yield connector
    finally:
        renewed = connector.refreshed_credentials()
        if renewed is not None:
            Channel.objects.filter(pk=channel.pk).update(
                credentials_ciphertext=_sealed(cls, renewed, config)
            )
            channel.refresh_from_db(fields=["credentials_ciphertext"])


def redirect_uri(connector: str) -> str:
    return settings.SITE_URL + reverse("oauth_callback", args=[connector])


# ---- connecting ---------------------------------------------------------------------------


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


def _config_from(
    cls: type[Connector], fields: Mapping[str, str], workspace: Workspace
) -> dict[str, Any]:
    """What the connector is told besides credentials: the connect fields and the workspace."""
    given = {f.name: fields[f.name] for f in cls.connect_fields if f.name in fields}
    return {**given, "workspace_id": workspace.pk}


def _identify(
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


def _failed(
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
    config = _config_from(cls, given, access.workspace)
    try:
        credentials = cls(credentials={}, config=config).connect(given)
        identity = _identify(cls, credentials, config)
    except ConnectorError as error:
        raise _failed(
            workspace=access.workspace,
            actor=access.user,
            connector=connector,
            error=error,
            request=request,
        ) from error
    return _save_connected(
        access=access,
        cls=cls,
        platform=platform,
        credentials=credentials,
        config=config,
        identity=identity,
        request=request,
    )


PUSH_KEY = "push_key"
PUSH_URL = "push_url"


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
def _save_connected(
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
    channel.credentials_ciphertext = _sealed(cls, credentials, config)
    kept = {k: v for k, v in (channel.config or {}).items() if k in (PUSH_KEY, PUSH_URL)}
    channel.config = {**_public_config(cls, config), **kept}  # a reconnect keeps its push URL
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
    config = {**stored, **_config_from(cls, given, access.workspace)}
    try:
        credentials = cls(credentials={}, config=config).connect(given)
        identity = _identify(cls, credentials, config)
    except ConnectorError as error:
        raise _failed(
            workspace=access.workspace,
            actor=access.user,
            connector=cls.code,
            error=error,
            request=request,
            action="channel.reconnect_failed",
        ) from error
    return _save_connected(
        access=access,
        cls=cls,
        platform=channel.platform,
        credentials=credentials,
        config=config,
        identity=identity,
        request=request,
        channel=channel,
    )


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


# ---- OAuth --------------------------------------------------------------------------------


def start_oauth(
    *,
    access: Access,
    connector: str,
    platform: str = "",
    fields: Mapping[str, str] | None = None,
    channel: Channel | None = None,
    request: HttpRequest | None = None,
) -> str:
    """Remember a signed state for this person and workspace; the platform's sign-in URL."""
    access.require(Perm.PLATFORM_MANAGE, request)
    cls = connector_class(connector)
    if cls.auth_kind != AuthKind.OAUTH2:
        raise ApiError(422, "invalid", _("This connector does not use OAuth."))
    config = {
        **(config_of(channel) if channel else {}),
        **_config_from(cls, fields or {}, access.workspace),
    }
    missing = [f.name for f in cls.connect_fields if f.required and not config.get(f.name)]
    if missing:
        raise ValidationError(dict.fromkeys(missing, _("This field is required.")))
    nonce = secrets.token_urlsafe(24)
    signed = signing.Signer(salt=OAUTH_SALT).sign(nonce)
    instance = cls(credentials={}, config=config)
    try:
        url = instance.authorization_url(state=signed, redirect_uri=redirect_uri(cls.code))
    except ConnectorError as error:
        raise _failed(
            workspace=access.workspace,
            actor=access.user,
            connector=cls.code,
            error=error,
            request=request,
        ) from error
    registered = getattr(instance, "registered_app", None)  # Mastodon registers per instance
    if callable(registered):
        config.update(registered() or {})
    _remember_state(
        access=access,
        nonce=nonce,
        cls=cls,
        platform=platform,
        config=config,
        channel=channel,
        request=request,
    )
    return url


@transaction.atomic
def _remember_state(
    *,
    access: Access,
    nonce: str,
    cls: type[Connector],
    platform: str,
    config: Mapping[str, Any],
    channel: Channel | None,
    request: HttpRequest | None,
) -> None:
    state = OAuthState.objects.create(
        nonce=nonce,
        workspace=access.workspace,
        user=access.user,
        connector=cls.code,
        platform=platform,
        config_ciphertext=_seal(config),
        reconnect=channel,
        expires_at=now() + OAUTH_STATE_LIFETIME,
    )
    audit.record(
        action="channel.oauth_started",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=state,
        after={"connector": cls.code, "reconnect": channel.pk if channel else None},
    )


def _refuse(
    reason: str, *, user: User, connector: str, state: OAuthState | None, request: Any
) -> OAuthRefused:
    audit.record(
        action="channel.oauth_refused",
        workspace=state.workspace if state else None,
        actor=user if user.is_authenticated else None,
        request=request,
        after={"reason": reason, "connector": connector},
    )
    return OAuthRefused(reason)


def _claim_state(signed: str) -> tuple[OAuthState | None, str]:
    """The state row, marked used, or why it cannot be used."""
    try:
        nonce = signing.Signer(salt=OAUTH_SALT).unsign(signed)
    except signing.BadSignature:
        return None, "bad_signature"
    state = OAuthState.objects.select_related("workspace", "reconnect").filter(nonce=nonce).first()
    if state is None:
        return None, "unknown_state"
    claimed = OAuthState.objects.filter(pk=state.pk, used_at__isnull=True).update(used_at=now())
    if claimed != 1:
        return state, "reused"
    if state.expires_at <= now():
        return state, "expired"
    return state, ""


def complete_oauth(
    *, user: User, connector: str, state: str, code: str, request: HttpRequest | None = None
) -> Channel:
    """The platform sent the person back: check the state, trade the code, save the account."""
    row, reason = _claim_state(state)
    if not reason and row is not None:
        if row.connector != connector:
            reason = "other_connector"
        elif row.user_id != user.pk:
            reason = "other_user"
        elif not Membership.objects.filter(workspace=row.workspace, user=user).exists():
            reason = "not_a_member"
        elif not code:
            reason = "no_code"
    if reason or row is None:
        raise _refuse(reason, user=user, connector=connector, state=row, request=request)
    membership = Membership.objects.select_related("user", "workspace").get(
        workspace=row.workspace, user=user
    )
    access = Access(workspace=row.workspace, membership=membership)
    access.require(Perm.PLATFORM_MANAGE, request)
    cls = connector_class(connector)
    config = _unseal(row.config_ciphertext)
    try:
        credentials = cls(credentials={}, config=config).exchange_code(
            code=code, redirect_uri=redirect_uri(connector)
        )
        identity = _identify(cls, credentials, config)
    except ConnectorError as error:
        raise _failed(
            workspace=row.workspace, actor=user, connector=connector, error=error, request=request
        ) from error
    return _save_connected(
        access=access,
        cls=cls,
        platform=row.platform,
        credentials=credentials,
        config=config,
        identity=identity,
        request=request,
        channel=row.reconnect,
    )


# ---- the account matrix -------------------------------------------------------------------

_UNSET: Any = object()


def _capacity(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"weekly_capacity_hours": _("Enter a number of hours.")}) from None
    if not Decimal(0) <= hours <= MAX_CAPACITY_HOURS:
        raise ValidationError({"weekly_capacity_hours": _("Choose between 0 and 168 hours.")})
    return hours


def _matrix_snapshot(channel: Channel) -> dict[str, Any]:
    pairs = Complement.objects.filter(from_channel=channel).order_by("to_channel_id")
    return {
        **snapshot(channel, MATRIX_FIELDS),
        "complements": {str(pair.to_channel_id): pair.why for pair in pairs},
    }


@transaction.atomic
def update_matrix(
    *,
    access: Access,
    channel: Channel,
    role: str | None = None,
    owner_id: int | None = _UNSET,
    weekly_capacity_hours: Any = None,
    notes: str | None = None,
    complements: Mapping[int, str] | None = None,
    request: HttpRequest | None = None,
) -> Channel:
    """Set the account's role, owner, capacity, notes and complementary accounts."""
    access.require(Perm.PLATFORM_MANAGE, request)
    channel = Channel.objects.select_for_update().get(pk=channel.pk, workspace=access.workspace)
    before = _matrix_snapshot(channel)
    if role is not None:
        if role not in Channel.Role.values:
            raise ValidationError({"role": _("Unknown role.")})
        channel.role = role
    if owner_id is not _UNSET:
        if (
            owner_id is not None
            and not Membership.objects.filter(workspace=access.workspace, user_id=owner_id).exists()
        ):
            raise ValidationError({"owner_id": _("The owner must be a member of this workspace.")})
        channel.owner_id = owner_id
    if weekly_capacity_hours is not None:
        channel.weekly_capacity_hours = _capacity(weekly_capacity_hours)
    if notes is not None:
        channel.notes = notes.strip()[:2000]
    channel.save(update_fields=["role", "owner", "weekly_capacity_hours", "notes"])
    if complements is not None:
        _set_complements(access, channel, complements)
    after = _matrix_snapshot(channel)
    if after != before:
        audit.record(
            action="channel.matrix_updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=channel,
            before=before,
            after=after,
        )
    return channel


def _set_complements(access: Access, channel: Channel, wanted: Mapping[int, str]) -> None:
    others = {
        other.pk: other
        for other in Channel.objects.filter(workspace=access.workspace, pk__in=list(wanted))
        .exclude(status=Channel.Status.DISCONNECTED)
        .exclude(pk=channel.pk)
    }
    unknown = [pk for pk in wanted if pk not in others]
    if unknown:
        raise ValidationError(
            {"complements": _("Complements must be other live accounts of this workspace.")}
        )
    Complement.objects.filter(from_channel=channel).exclude(to_channel_id__in=others).delete()
    Complement.objects.filter(to_channel=channel).exclude(from_channel_id__in=others).delete()
    for pk, other in others.items():
        why = str(wanted[pk]).strip()[:200]
        for source, target in ((channel, other), (other, channel)):
            Complement.objects.update_or_create(
                from_channel=source, to_channel=target, defaults={"why": why}
            )


# ---- profile and facade -------------------------------------------------------------------


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
        _record_error(channel, error)
        raise ApiError(
            409,
            "platform_error",
            _("The platform did not answer as expected: %(message)s") % {"message": error.message},
        ) from error
    return _store_profile(access=access, channel=channel, profile=profile, request=request)


@transaction.atomic
def _record_error(channel: Channel, error: ConnectorError) -> None:
    Channel.objects.filter(pk=channel.pk).update(
        last_error=f"{error.code}: {error.message}"[:500], last_error_at=now()
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


# ---- key rotation -------------------------------------------------------------------------


def rotate_credentials(*, batch_size: int = 200) -> tuple[int, int]:
    """Re-encrypt every channel's credentials with the newest key: (rotated, unreadable)."""
    rotated = unreadable = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Channel.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .exclude(credentials_ciphertext="")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for channel in batch:
                try:
                    channel.credentials_ciphertext = crypto.rotate(channel.credentials_ciphertext)
                except InvalidToken:
                    unreadable += 1
                    continue
                channel.save(update_fields=["credentials_ciphertext"])
                rotated += 1
            last_pk = batch[-1].pk
    audit.record(
        action="channel.credentials_rotated",
        via="cli",
        after={"rotated": rotated, "unreadable": unreadable},
    )
    return rotated, unreadable
