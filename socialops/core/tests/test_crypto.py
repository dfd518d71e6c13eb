"""Credentials encrypted at rest: the newest key encrypts, every key decrypts, rotate moves on."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from socialops.core import crypto

SECRET = "app-secret: 微博 token ✓"


def _key() -> str:
    return Fernet.generate_key().decode()


def test_it_encrypts_and_decrypts(settings):
    settings.CREDENTIALS_KEYS = [_key()]

    ciphertext = crypto.encrypt(SECRET)

    assert SECRET not in ciphertext
    assert "微博" not in ciphertext
    assert crypto.decrypt(ciphertext) == SECRET
    assert crypto.encrypt(SECRET) != ciphertext  # a fresh IV every time


def test_it_still_decrypts_with_an_old_key_and_rotates_to_the_new_one(settings):
    old, new = _key(), _key()
    settings.CREDENTIALS_KEYS = [old]
    stored = crypto.encrypt(SECRET)

    settings.CREDENTIALS_KEYS = [new, old]
    assert crypto.decrypt(stored) == SECRET
    rotated = crypto.rotate(stored)
    assert rotated != stored
    assert crypto.decrypt(rotated) == SECRET

    settings.CREDENTIALS_KEYS = [new]
    assert crypto.decrypt(rotated) == SECRET
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored)


def test_it_encrypts_with_the_newest_key(settings):
    new, old = _key(), _key()
    settings.CREDENTIALS_KEYS = [new, old]

    ciphertext = crypto.encrypt(SECRET)

    assert Fernet(new).decrypt(ciphertext.encode()).decode() == SECRET
    settings.CREDENTIALS_KEYS = [old]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(ciphertext)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "gAAAAA" + "x" * 80])
def test_it_raises_its_own_error_for_unreadable_ciphertext(settings, garbage):
    settings.CREDENTIALS_KEYS = [_key()]

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(garbage)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(garbage.encode())


def test_it_encrypts_bytes_too(settings):
    settings.CREDENTIALS_KEYS = [_key()]
    data = b'{"token": "so_secret"}'

    ciphertext = crypto.encrypt_bytes(data)

    assert b"so_secret" not in ciphertext
    assert crypto.decrypt_bytes(ciphertext) == data
