"""The `gm` suite: SM2 signatures with SM3 (tongsuopy), SM3 hashing (cryptography), SM2 key wrap (GM/T 0009).

SM2 signatures use the default distinguishing id 1234567812345678 (GB/T 35276); tongsuopy 1.0.1 applies it and
offers no way to choose another, which is what every certificate and signature here expects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes
from tongsuopy.crypto import exceptions as tongsuo_exceptions
from tongsuopy.crypto import hashes as tongsuo_hashes
from tongsuopy.crypto import serialization as tongsuo_serialization
from tongsuopy.crypto.asymciphers import ec as tongsuo_ec

from zhaocai.crypto.hashing import Hasher, digest
from zhaocai.crypto.ports import InvalidSignatureError, KeyWrap

ALGORITHM = "sm2-sm3"
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"
DEFAULT_USER_ID = b"1234567812345678"


def _load(loader: Callable[..., Any], *args: Any) -> Any:
    try:
        return loader(*args)
    except (KeyError, tongsuo_exceptions.UnsupportedAlgorithm, tongsuo_exceptions.InternalError) as exc:
        raise ValueError(f"not an SM2 key ({exc!r})") from exc


def _signature_algorithm() -> tongsuo_ec.ECDSA:
    return tongsuo_ec.ECDSA(tongsuo_hashes.SM3())


class Sm2VerifyingKey:
    algorithm = ALGORITHM

    def __init__(self, key: tongsuo_ec.EllipticCurvePublicKey) -> None:
        if not isinstance(key.curve, tongsuo_ec.SM2):
            raise ValueError(f"not an SM2 public key (curve {key.curve.name})")
        self._key = key

    @classmethod
    def from_spki_der(cls, spki_der: bytes) -> Sm2VerifyingKey:
        key = _load(tongsuo_serialization.load_der_public_key, spki_der)
        if not isinstance(key, tongsuo_ec.EllipticCurvePublicKey):
            raise ValueError("not an elliptic-curve public key")
        return cls(key)

    def verify(self, signature: bytes, data: bytes) -> None:
        try:
            self._key.verify(signature, data, _signature_algorithm())
        except (tongsuo_exceptions.InvalidSignature, tongsuo_exceptions.InternalError, ValueError) as exc:
            raise InvalidSignatureError("SM2 signature does not verify") from exc

    def spki_der(self) -> bytes:
        return self._key.public_bytes(
            tongsuo_serialization.Encoding.DER, tongsuo_serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def point(self) -> tuple[int, int]:
        numbers = self._key.public_numbers()
        return numbers.x, numbers.y


class Sm2SigningKey:
    algorithm = ALGORITHM

    def __init__(self, key: tongsuo_ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(key.curve, tongsuo_ec.SM2):
            raise ValueError(f"not an SM2 private key (curve {key.curve.name})")
        self._key = key

    @classmethod
    def generate(cls) -> Sm2SigningKey:
        return cls(tongsuo_ec.generate_private_key(tongsuo_ec.SM2()))

    @classmethod
    def from_pkcs8_der(cls, pkcs8_der: bytes) -> Sm2SigningKey:
        key = _load(tongsuo_serialization.load_der_private_key, pkcs8_der, None)
        if not isinstance(key, tongsuo_ec.EllipticCurvePrivateKey):
            raise ValueError("not an elliptic-curve private key")
        return cls(key)

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data, _signature_algorithm())

    def public_key(self) -> Sm2VerifyingKey:
        return Sm2VerifyingKey(self._key.public_key())

    def private_pkcs8_der(self) -> bytes:
        return self._key.private_bytes(
            tongsuo_serialization.Encoding.DER,
            tongsuo_serialization.PrivateFormat.PKCS8,
            tongsuo_serialization.NoEncryption(),
        )

    def private_value(self) -> int:
        return self._key.private_numbers().private_value


class GmSuite:
    name = "gm"
    hash_name = "sm3"
    signature_algorithm = ALGORITHM

    def __init__(self) -> None:
        from zhaocai.crypto.keywrap import Sm2KeyWrap

        self.key_wrap: KeyWrap = Sm2KeyWrap()

    def hash(self, data: bytes) -> bytes:
        return digest(hashes.SM3(), data)

    def hasher(self) -> Hasher:
        return Hasher(hashes.SM3())

    def generate_signing_key(self) -> Sm2SigningKey:
        return Sm2SigningKey.generate()

    def load_signing_key(self, pkcs8_der: bytes) -> Sm2SigningKey:
        return Sm2SigningKey.from_pkcs8_der(pkcs8_der)

    def load_verifying_key(self, spki_der: bytes) -> Sm2VerifyingKey:
        return Sm2VerifyingKey.from_spki_der(spki_der)
