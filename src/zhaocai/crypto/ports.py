"""The crypto port. Two suites implement it (DESIGN principle 8):

- `gm`:  SM2 signatures (default user id 1234567812345678), SM2 key wrap, SM3, SM4-GCM
- `std`: ECDSA P-256 signatures, ECDH P-256 + HKDF-SHA256 key wrap, AES-256-GCM, SHA-256

Everything above this package talks to these protocols only, never to cryptography/tongsuopy/gmssl directly.
"""

from __future__ import annotations

from typing import Protocol


class InvalidSignatureError(Exception):
    """A signature did not verify."""


class KeyUnwrapError(Exception):
    """A wrapped key could not be unwrapped (wrong recipient key, or the ciphertext was altered)."""


class Hasher(Protocol):
    def update(self, data: bytes) -> None: ...
    def digest(self) -> bytes: ...


class VerifyingKey(Protocol):
    algorithm: str  # "sm2-sm3" | "ecdsa-p256-sha256" | "ed25519"

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raise InvalidSignatureError unless `signature` is a valid signature over `data`."""

    def spki_der(self) -> bytes:
        """SubjectPublicKeyInfo, DER."""


class SigningKey(Protocol):
    algorithm: str

    def sign(self, data: bytes) -> bytes:
        """Signature over `data` (DER-encoded r,s for SM2 and ECDSA; 64 raw bytes for Ed25519)."""

    def public_key(self) -> VerifyingKey: ...

    def private_pkcs8_der(self) -> bytes: ...


class KeyWrap(Protocol):
    """Encrypts a short content key (16-64 bytes) to a recipient's public key (its encryption certificate's key)."""

    algorithm: str  # "sm2-encrypt" (GM/T 0009 DER) | "hpke-p256-sha256-aes256gcm"

    def wrap(self, recipient_spki_der: bytes, content_key: bytes) -> bytes: ...

    def unwrap(self, recipient_pkcs8_der: bytes, wrapped: bytes) -> bytes:
        """The content key; raise KeyUnwrapError if `wrapped` was not made for this key or was altered."""


class Suite(Protocol):
    name: str  # "gm" | "std"
    hash_name: str  # "sm3" | "sha256"
    signature_algorithm: str
    key_wrap: KeyWrap

    def hash(self, data: bytes) -> bytes: ...

    def hasher(self) -> Hasher: ...

    def generate_signing_key(self) -> SigningKey: ...

    def load_signing_key(self, pkcs8_der: bytes) -> SigningKey: ...

    def load_verifying_key(self, spki_der: bytes) -> VerifyingKey: ...
