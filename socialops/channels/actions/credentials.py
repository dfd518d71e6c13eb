"""Credentials and connectors: sealing secrets, reading them back, rotating the key."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.connectors.base import Connector
from socialops.core import audit, crypto
from socialops.core.errors import ApiError

from ..models import Channel

SEALED_CONFIG = "_config"  # secret config values travel inside the encrypted credentials


def seal(credentials: Mapping[str, Any]) -> str:
    return crypto.encrypt(json.dumps(dict(credentials), sort_keys=True))


def unseal(ciphertext: str) -> dict[str, Any]:
    if not ciphertext:
        return {}
    value = json.loads(crypto.decrypt(ciphertext))
    return value if isinstance(value, dict) else {}


def credentials_of(channel: Channel) -> dict[str, Any]:
    """What the platform gave us to act as the account (decrypted)."""
    credentials = unseal(channel.credentials_ciphertext)
    credentials.pop(SEALED_CONFIG, None)
    return credentials


def config_of(channel: Channel) -> dict[str, Any]:
    """The connector's whole config: the stored public part and the encrypted secret part."""
    sealed = unseal(channel.credentials_ciphertext).get(SEALED_CONFIG) or {}
    return {**channel.config, **sealed}


def public_config(cls: type[Connector], config: Mapping[str, Any]) -> dict[str, Any]:
    public = {f.name for f in cls.connect_fields if not f.secret} | {"workspace_id"}
    return {key: value for key, value in config.items() if key in public}


def seal_with_config(
    cls: type[Connector], credentials: Mapping[str, Any], config: Mapping[str, Any]
) -> str:
    """Credentials and every non-public config value (app secrets), encrypted together."""
    secret = {k: v for k, v in config.items() if k not in public_config(cls, config)}
    return seal({**credentials, **({SEALED_CONFIG: secret} if secret else {})})


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
                credentials_ciphertext=seal_with_config(cls, renewed, config)
            )
            channel.refresh_from_db(fields=["credentials_ciphertext"])


def redirect_uri(connector: str) -> str:
    return settings.SITE_URL + reverse("oauth_callback", args=[connector])


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
