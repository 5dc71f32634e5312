"""Signing keys by algorithm name ("sm2-sm3", "ecdsa-p256-sha256", "ed25519"), and public keys by what their
SubjectPublicKeyInfo says they are. Key ids are the first 8 bytes (16 hex digits) of SHA-256 over the SPKI DER."""

from __future__ import annotations

import hashlib

from asn1crypto import keys as asn1_keys

from zhaocai.crypto.ports import SigningKey, VerifyingKey

SM2 = "sm2-sm3"
ECDSA_P256 = "ecdsa-p256-sha256"
ED25519 = "ed25519"
ALGORITHMS = (SM2, ECDSA_P256, ED25519)

_EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"
_CURVE_ALGORITHMS = {"1.2.156.10197.1.301": SM2, "1.2.840.10045.3.1.7": ECDSA_P256}
_ED25519_OID = "1.3.101.112"


class UnsupportedKeyError(ValueError):
    """A key of an algorithm zhaocai does not use."""


def _check(algorithm: str) -> None:
    if algorithm not in ALGORITHMS:
        raise UnsupportedKeyError(f"unknown key algorithm {algorithm!r}: expected one of {', '.join(ALGORITHMS)}")


def _classes(algorithm: str) -> tuple[type, type]:
    _check(algorithm)
    if algorithm == SM2:
        from zhaocai.crypto.suites.gm import Sm2SigningKey, Sm2VerifyingKey

        return Sm2SigningKey, Sm2VerifyingKey
    if algorithm == ECDSA_P256:
        from zhaocai.crypto.suites.std import P256SigningKey, P256VerifyingKey

        return P256SigningKey, P256VerifyingKey
    from zhaocai.crypto.ed25519 import Ed25519SigningKey, Ed25519VerifyingKey

    return Ed25519SigningKey, Ed25519VerifyingKey


def generate_signing_key(algorithm: str) -> SigningKey:
    return _classes(algorithm)[0].generate()


def load_signing_key(algorithm: str, pkcs8_der: bytes) -> SigningKey:
    return _classes(algorithm)[0].from_pkcs8_der(pkcs8_der)


def spki_algorithm(spki_der: bytes) -> str:
    """The algorithm name of a SubjectPublicKeyInfo, or UnsupportedKeyError."""
    return _algorithm_of(asn1_keys.PublicKeyInfo, spki_der, "SubjectPublicKeyInfo")


def pkcs8_algorithm(pkcs8_der: bytes) -> str:
    """The algorithm name of a PKCS#8 PrivateKeyInfo, or UnsupportedKeyError."""
    return _algorithm_of(asn1_keys.PrivateKeyInfo, pkcs8_der, "PKCS#8 PrivateKeyInfo")


def load_private_key(pkcs8_der: bytes) -> SigningKey:
    """A signing key from PKCS#8 DER, whatever its algorithm (as a CA or bidder tool writes it)."""
    return load_signing_key(pkcs8_algorithm(pkcs8_der), pkcs8_der)


def _algorithm_of(structure: type, der: bytes, what: str) -> str:
    try:
        info = structure.load(der, strict=True)
        algorithm = info["algorithm"] if "algorithm" in info else info["private_key_algorithm"]
        oid = algorithm["algorithm"].dotted
        parameters = algorithm["parameters"]
        curve = parameters.chosen.dotted if oid == _EC_PUBLIC_KEY_OID and parameters.name == "named" else None
    except (ValueError, TypeError, KeyError) as exc:
        raise UnsupportedKeyError(f"not a DER {what}") from exc
    if oid == _ED25519_OID:
        return ED25519
    if curve in _CURVE_ALGORITHMS:
        return _CURVE_ALGORITHMS[curve]
    raise UnsupportedKeyError(f"unsupported public key (algorithm {oid}, curve {curve})")


def load_verifying_key(spki_der: bytes, *, algorithm: str | None = None) -> VerifyingKey:
    """`algorithm`, when the caller already read it from the same bytes, spares parsing them again."""
    return _classes(algorithm or spki_algorithm(spki_der))[1].from_spki_der(spki_der)


def key_id(spki_der: bytes) -> str:
    return hashlib.sha256(spki_der).digest()[:8].hex()
