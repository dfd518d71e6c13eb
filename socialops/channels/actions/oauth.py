"""OAuth connects: a signed, single-use state per person and workspace."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.models import Membership
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors.base import AuthKind, Connector, ConnectorError
from socialops.core import audit
from socialops.core.clock import now
from socialops.core.errors import ApiError

from ..models import Channel, OAuthState
from .connect import config_from, connect_failed, identify, save_connected
from .credentials import config_of, connector_class, redirect_uri, seal, unseal

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User


OAUTH_STATE_LIFETIME = timedelta(minutes=10)
OAUTH_SALT = "socialops.channels.oauth"


class OAuthRefused(Exception):
    """An OAuth callback whose state is bad, expired, reused or not the caller's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
        **config_from(cls, fields or {}, access.workspace),
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
        raise connect_failed(
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
        config_ciphertext=seal(config),
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
    config = unseal(row.config_ciphertext)
    try:
        credentials = cls(credentials={}, config=config).exchange_code(
            code=code, redirect_uri=redirect_uri(connector)
        )
        identity = identify(cls, credentials, config)
    except ConnectorError as error:
        raise connect_failed(
            workspace=row.workspace, actor=user, connector=connector, error=error, request=request
        ) from error
    return save_connected(
        access=access,
        cls=cls,
        platform=row.platform,
        credentials=credentials,
        config=config,
        identity=identity,
        request=request,
        channel=row.reconnect,
    )
