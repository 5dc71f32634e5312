"""Ed25519 keys behind the SigningKey / VerifyingKey ports. Used only for audit checkpoint notes (C2SP signed notes)."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from zhaocai.crypto.ports import InvalidSignatureError

ALGORITHM = "ed25519"
ED25519_OID = "1.3.101.112"


class Ed25519VerifyingKey:
    algorithm = ALGORITHM

    def __init__(self, key: ed25519.Ed25519PublicKey) -> None:
        self.key = key

    @classmethod
    def from_spki_der(cls, spki_der: bytes) -> Ed25519VerifyingKey:
        try:
            key = serialization.load_der_public_key(spki_der)
        except UnsupportedAlgorithm as exc:
            raise ValueError(str(exc)) from exc
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return cls(key)

    @classmethod
    def from_raw(cls, raw: bytes) -> Ed25519VerifyingKey:
        return cls(ed25519.Ed25519PublicKey.from_public_bytes(raw))

    def verify(self, signature: bytes, data: bytes) -> None:
        try:
            self.key.verify(signature, data)
        except InvalidSignature as exc:
            raise InvalidSignatureError("Ed25519 signature does not verify") from exc

    def spki_der(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def raw(self) -> bytes:
        """The 32-byte public key, as signed notes carry it."""
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class Ed25519SigningKey:
    algorithm = ALGORITHM

    def __init__(self, key: ed25519.Ed25519PrivateKey) -> None:
        self.key = key

    @classmethod
    def generate(cls) -> Ed25519SigningKey:
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_pkcs8_der(cls, pkcs8_der: bytes) -> Ed25519SigningKey:
        try:
            key = serialization.load_der_private_key(pkcs8_der, None)
        except UnsupportedAlgorithm as exc:
            raise ValueError(str(exc)) from exc
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return cls(key)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)

    def public_key(self) -> Ed25519VerifyingKey:
        return Ed25519VerifyingKey(self.key.public_key())

    def private_pkcs8_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
