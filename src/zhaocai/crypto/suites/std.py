"""The `std` suite: ECDSA P-256 with SHA-256, SHA-256 hashing, HPKE (P-256, HKDF-SHA256, AES-256-GCM) key wrap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from zhaocai.crypto.hashing import Hasher, digest
from zhaocai.crypto.ports import InvalidSignatureError, KeyWrap

ALGORITHM = "ecdsa-p256-sha256"
P256_CURVE_OID = "1.2.840.10045.3.1.7"
ECDSA_WITH_SHA256_OID = "1.2.840.10045.4.3.2"


def _load(loader: Callable[..., Any], *args: Any) -> Any:
    try:
        return loader(*args)
    except UnsupportedAlgorithm as exc:  # an SM2 key, for one
        raise ValueError(str(exc)) from exc


def _require_p256(curve: ec.EllipticCurve) -> None:
    if not isinstance(curve, ec.SECP256R1):
        raise ValueError(f"not a P-256 key (curve {curve.name})")


class P256VerifyingKey:
    algorithm = ALGORITHM

    def __init__(self, key: ec.EllipticCurvePublicKey) -> None:
        _require_p256(key.curve)
        self.key = key

    @classmethod
    def from_spki_der(cls, spki_der: bytes) -> P256VerifyingKey:
        key = _load(serialization.load_der_public_key, spki_der)
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise ValueError("not an elliptic-curve public key")
        return cls(key)

    def verify(self, signature: bytes, data: bytes) -> None:
        try:
            self.key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError) as exc:
            raise InvalidSignatureError("ECDSA P-256 signature does not verify") from exc

    def spki_der(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


class P256SigningKey:
    algorithm = ALGORITHM

    def __init__(self, key: ec.EllipticCurvePrivateKey) -> None:
        _require_p256(key.curve)
        self.key = key

    @classmethod
    def generate(cls) -> P256SigningKey:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pkcs8_der(cls, pkcs8_der: bytes) -> P256SigningKey:
        key = _load(serialization.load_der_private_key, pkcs8_der, None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("not an elliptic-curve private key")
        return cls(key)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))

    def public_key(self) -> P256VerifyingKey:
        return P256VerifyingKey(self.key.public_key())

    def private_pkcs8_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


class StdSuite:
    name = "std"
    hash_name = "sha256"
    signature_algorithm = ALGORITHM

    def __init__(self) -> None:
        from zhaocai.crypto.keywrap import HpkeP256KeyWrap

        self.key_wrap: KeyWrap = HpkeP256KeyWrap()

    def hash(self, data: bytes) -> bytes:
        return digest(hashes.SHA256(), data)

    def hasher(self) -> Hasher:
        return Hasher(hashes.SHA256())

    def generate_signing_key(self) -> P256SigningKey:
        return P256SigningKey.generate()

    def load_signing_key(self, pkcs8_der: bytes) -> P256SigningKey:
        return P256SigningKey.from_pkcs8_der(pkcs8_der)

    def load_verifying_key(self, spki_der: bytes) -> P256VerifyingKey:
        return P256VerifyingKey.from_spki_der(spki_der)
