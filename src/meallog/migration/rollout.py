"""Sticky percentage rollout: a user's bucket is a frozen, versioned hash of (migration seed, user id).

One seed serves every phase flag, so the users in a smaller share are always inside a larger one
(10 % ⊂ 50 % ⊂ 100 %) and inside the earlier phases' shares. Golden vectors in the tests pin the
function: a library upgrade must never re-bucket users. Never use Python's `hash()` here.
"""

from __future__ import annotations

import hashlib

HASH_VERSION = "b1"
BUCKETS = 10_000  # basis points: percentages down to 0.01 %


def bucket(seed: str, user_id: int | str) -> int:
    """The user's bucket in [0, 10000): SHA-256 of `b1:{seed}:{user_id}`, first 8 bytes, mod 10000."""
    digest = hashlib.sha256(f"{HASH_VERSION}:{seed}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_rollout(seed: str, user_id: int | str, percent: float) -> bool:
    """True when the user falls inside the first `percent` % of buckets."""
    if percent <= 0:
        return False
    if percent >= 100:
        return True
    return bucket(seed, user_id) < round(percent * BUCKETS / 100)
