"""Secrets: generated into var/ for the embedded default, refused when weak with DEBUG off."""

from __future__ import annotations

import secrets as pysecrets
import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from socialops.core import secrets

STRONG = pysecrets.token_urlsafe(40)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "changeme",
        "CHANGE-ME",
        "secret",
        "django-insecure-0123456789abcdefghijklmnopqrstuvwxyz",
        "please-change-this-to-something-long-and-random",
        "short-but-random-" + pysecrets.token_hex(7),  # 31 characters
    ],
)
def test_it_refuses_a_missing_placeholder_or_short_secret_key_without_debug(tmp_path, value):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        secrets.secret_key(env_value=value, var_dir=tmp_path, debug=False, generate=False)
    assert not (tmp_path / "secret_key").exists()


def test_it_accepts_a_strong_secret_key_from_the_environment(tmp_path):
    (tmp_path / "secret_key").write_text("from-the-file-" + pysecrets.token_hex(20))

    value = secrets.secret_key(env_value=STRONG, var_dir=tmp_path, debug=False, generate=False)

    assert value == STRONG


def test_it_refuses_a_weak_secret_key_file_without_debug(tmp_path):
    (tmp_path / "secret_key").write_text("changeme\n")

    with pytest.raises(ImproperlyConfigured):
        secrets.secret_key(env_value="", var_dir=tmp_path, debug=False, generate=False)


def test_it_generates_the_secret_key_into_var_when_asked(tmp_path):
    var = tmp_path / "var"

    first = secrets.secret_key(env_value="", var_dir=var, debug=False, generate=True)
    again = secrets.secret_key(env_value="", var_dir=var, debug=False, generate=False)

    assert first == again
    assert len(first) >= secrets.MIN_SECRET_KEY_LENGTH
    assert not secrets.is_placeholder(first)
    path = var / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == first + "\n"


def test_it_generates_with_debug_on_and_tolerates_a_placeholder_then(tmp_path):
    generated = secrets.secret_key(env_value="", var_dir=tmp_path, debug=True, generate=False)
    placeholder = secrets.secret_key(
        env_value="changeme", var_dir=tmp_path, debug=True, generate=False
    )

    assert (tmp_path / "secret_key").read_text().strip() == generated
    assert placeholder == "changeme"


def _key() -> str:
    return Fernet.generate_key().decode()


@pytest.mark.parametrize(
    "value",
    ["", "changeme", "placeholder", ",", "not-a-fernet-key", _key() + ",short", _key()[:-2]],
)
def test_it_refuses_bad_credentials_keys_without_debug(tmp_path, value):
    with pytest.raises(ImproperlyConfigured, match="CREDENTIALS_KEYS"):
        secrets.credential_keys(env_value=value, var_dir=tmp_path, debug=False, generate=False)


def test_it_reads_several_credentials_keys_newest_first(tmp_path):
    new, old = _key(), _key()

    from_env = secrets.credential_keys(
        env_value=f" {new} , {old} ", var_dir=tmp_path, debug=False, generate=False
    )
    (tmp_path / "credentials_key").write_text(f"{new}\n{old}\n")
    from_file = secrets.credential_keys(env_value="", var_dir=tmp_path, debug=False, generate=False)

    assert from_env == from_file == [new, old]


def test_it_generates_the_credentials_key_into_var_when_asked(tmp_path):
    (first,) = secrets.credential_keys(env_value="", var_dir=tmp_path, debug=False, generate=True)
    again = secrets.credential_keys(env_value="", var_dir=tmp_path, debug=False, generate=False)

    assert again == [first]
    Fernet(first)
    assert stat.S_IMODE((tmp_path / "credentials_key").stat().st_mode) == 0o600


def test_it_uses_a_throwaway_credentials_key_for_a_placeholder_with_debug(tmp_path):
    (key,) = secrets.credential_keys(
        env_value="changeme", var_dir=tmp_path, debug=True, generate=False
    )

    Fernet(key)
    assert key != "changeme"
