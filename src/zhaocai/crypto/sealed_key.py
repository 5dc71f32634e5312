"""A private key sealed under a passphrase: scrypt derives an AES-256-GCM key; the associated data binds the sealed
key to the public facts stored next to it (key id, algorithm, ...), so a sealed blob cannot be moved to another
record. Used by the keyring and the demo CA."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

DEFAULT_SCRYPT_N = 2**15  # 32 MiB with r=8: ~0.1 s per key on the test machines
_MAX_SCRYPT_N = 2**20


class WrongPassphrase(Exception):
    """The passphrase does not open a sealed key (or the sealed record was altered)."""


def _kek(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def seal(secret: bytes, passphrase: bytes, *, aad: bytes, scrypt_n: int = DEFAULT_SCRYPT_N) -> dict[str, Any]:
    if not passphrase:
        raise ValueError("an empty passphrase cannot protect a private key")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    r, p = 8, 1
    ciphertext = AESGCM(_kek(passphrase, salt, scrypt_n, r, p)).encrypt(nonce, secret, aad)
    return {
        "kdf": "scrypt",
        "n": scrypt_n,
        "r": r,
        "p": p,
        "salt": _b64(salt),
        "cipher": "aes-256-gcm",
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }


def unseal(sealed: dict[str, Any], passphrase: bytes, *, aad: bytes) -> bytes:
    if sealed.get("kdf") != "scrypt" or sealed.get("cipher") != "aes-256-gcm":
        raise ValueError(f"unknown key protection {sealed.get('kdf')}/{sealed.get('cipher')}")
    n, r, p = int(sealed["n"]), int(sealed["r"]), int(sealed["p"])
    if not (2 <= n <= _MAX_SCRYPT_N and 1 <= r <= 32 and 1 <= p <= 16):
        raise ValueError(f"scrypt parameters out of range: n={n} r={r} p={p}")
    kek = _kek(passphrase, base64.b64decode(sealed["salt"]), n, r, p)
    try:
        return AESGCM(kek).decrypt(base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["ciphertext"]), aad)
    except InvalidTag as exc:
        raise WrongPassphrase("wrong key passphrase (or the key file was altered)") from exc
