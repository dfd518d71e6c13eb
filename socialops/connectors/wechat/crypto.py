"""WeChat's message signatures and safe-mode (AES) encryption.

Scheme (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html):
signature = sha1 of token, timestamp and nonce sorted and joined; in safe mode msg_signature
also includes the Encrypt text. The AES key is base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC
with the key's first 16 bytes as IV; plaintext = 16 random bytes + 4-byte big-endian message
length + message + AppID, PKCS#7-padded to 32-byte blocks, then base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class BadMessage(Exception):
    """The ciphertext does not decrypt to a message for this app: forged or corrupted."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's scheme


def signature_matches(expected_parts: tuple[str, ...], given: str) -> bool:
    return hmac.compare_digest(signature(*expected_parts), given.lower())


def _key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except ValueError as exc:
        raise BadMessage("the EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise BadMessage("the EncodingAESKey must decode to 32 bytes")
    return key


def encrypt(message: bytes, *, encoding_aes_key: str, app_id: str) -> str:
    key = _key(encoding_aes_key)
    plain = os.urandom(16) + struct.pack(">I", len(message)) + message + app_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def decrypt(ciphertext: str, *, encoding_aes_key: str, app_id: str) -> bytes:
    key = _key(encoding_aes_key)
    try:
        data = base64.b64decode(ciphertext, validate=True)
    except ValueError as exc:
        raise BadMessage("Encrypt is not base64") from exc
    if not data or len(data) % 16:
        raise BadMessage("Encrypt is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise BadMessage("bad padding")
    plain = plain[16:-pad]
    if len(plain) < 4:
        raise BadMessage("message too short")
    (length,) = struct.unpack(">I", plain[:4])
    message, sender = plain[4 : 4 + length], plain[4 + length :]
    if len(message) != length or not hmac.compare_digest(sender, app_id.encode()):
        raise BadMessage("the message is not for this AppID")
    return message
