"""Secrets for the embedded default: generated once into var/, refused if weak with DEBUG off."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "placeholder", "insecure", "xxx", "todo"}
MIN_SECRET_KEY_LENGTH = 32


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in PLACEHOLDERS or "change" in lowered or lowered.startswith("django-insecure")


def _read_or_create(path: Path, make: Callable[[], str], create: bool) -> str:
    if path.exists():
        return path.read_text().strip()
    if not create:
        return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def secret_key(*, env_value: str, var_dir: Path, debug: bool, generate: bool) -> str:
    """SECRET_KEY from the environment, else from var/secret_key (generated when allowed)."""
    value = env_value or _read_or_create(
        var_dir / "secret_key", lambda: secrets.token_urlsafe(50), create=generate or debug
    )
    if not debug and (is_placeholder(value) or len(value) < MIN_SECRET_KEY_LENGTH):
        raise ImproperlyConfigured(
            "SECRET_KEY is missing, a placeholder or shorter than 32 characters. "
            "Set SECRET_KEY, or run `socialops init` to generate var/secret_key."
        )
    return value


def credential_keys(*, env_value: str, var_dir: Path, debug: bool, generate: bool) -> list[str]:
    """Fernet keys for platform credentials, newest first; older keys only decrypt (rotation)."""
    raw = env_value or _read_or_create(
        var_dir / "credentials_key",
        lambda: Fernet.generate_key().decode(),
        create=generate or debug,
    )
    keys = [key.strip() for key in raw.replace("\n", ",").split(",") if key.strip()]
    if not keys or any(is_placeholder(key) for key in keys):
        if debug:
            return [Fernet.generate_key().decode()]
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS is missing or a placeholder. Set it to one or more Fernet keys "
            "(comma separated, newest first), or run `socialops init` to generate "
            "var/credentials_key."
        )
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "CREDENTIALS_KEYS holds a value that is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from exc
    return keys
