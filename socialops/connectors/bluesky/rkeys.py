"""Record keys derived from idempotency keys, so a retried publish can never post twice.

app.bsky.feed.post records are keyed by TIDs: 13 base32-sortable characters holding a 64-bit
number (top bit 0, 53 bits of microseconds since 1970, 10 bits of clock id). We take the
microseconds from a hash of the idempotency key, inside a past window (2023-01-01 plus up to
2^46 µs, about 2.2 years) so no key looks like a post from the future, and the clock id from
the same hash: 56 bits of the hash in all.
"""

from __future__ import annotations

import hashlib
import re

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_WINDOW_START_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z
_WINDOW_BITS = 46


def tid_from_int(value: int) -> str:
    if not 0 <= value < 1 << 63:
        raise ValueError("a TID holds 63 bits")
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def rkey_for(idempotency_key: str) -> str:
    """The TID a post published under ``idempotency_key`` gets, the same on every attempt."""
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    micros = _WINDOW_START_US + (digest >> 10) % (1 << _WINDOW_BITS)
    return tid_from_int(micros << 10 | digest & 0x3FF)
