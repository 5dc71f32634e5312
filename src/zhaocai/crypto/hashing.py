"""A `Hasher` over any `cryptography` hash algorithm (SM3 and SHA-256 for the two suites)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes


class Hasher:
    def __init__(self, algorithm: hashes.HashAlgorithm) -> None:
        self._hash = hashes.Hash(algorithm)

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        """The digest so far; more data may still be added afterwards."""
        return self._hash.copy().finalize()


def digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    hasher = hashes.Hash(algorithm)
    hasher.update(data)
    return hasher.finalize()
