"""Password hashing: argon2id (argon2-cffi). The cost is a parameter so tests can make hashing cheap; a hash
records its own parameters, so hashes made at another cost still verify (and are upgraded at the next login).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True)
class HashingCost:
    """argon2id parameters; the defaults are argon2-cffi's (RFC 9106 low-memory profile: t=3, 64 MiB, p=4)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


CHEAP = HashingCost(time_cost=1, memory_kib=1024, parallelism=1)  # for tests only


@cache
def _hasher(cost: HashingCost) -> PasswordHasher:
    return PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism)


@cache
def _decoy_hash(cost: HashingCost) -> str:
    return _hasher(cost).hash("decoy password that matches nothing")


def hash_password(password: str, cost: HashingCost) -> str:
    return _hasher(cost).hash(password)


def verify_password(stored_hash: str | None, password: str, cost: HashingCost) -> bool:
    """True when `password` matches. Without a stored hash (unknown user, certificate-only account) a decoy is
    checked instead, so the answer takes as long either way."""
    try:
        return _hasher(cost).verify(stored_hash or _decoy_hash(cost), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, cost: HashingCost) -> bool:
    return _hasher(cost).check_needs_rehash(stored_hash)
