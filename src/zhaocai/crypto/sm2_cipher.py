"""SM2 public-key encryption (GB/T 32918.4, C1C3C2) with the ciphertext DER-encoded per GM/T 0009, as OpenSSL and
Tongsuo read and write it:  SEQUENCE { INTEGER x, INTEGER y, OCTET STRING hash, OCTET STRING ciphertext }.

tongsuopy has no public SM2 encryption, so the curve arithmetic comes from gmssl (pure Python), with the traps
from reference/sm2-notes.md closed here:
- gmssl draws its nonce from `random.choice`; `gmssl.func.random_hex` is replaced by a `secrets`-based one on import;
- gmssl `decrypt` never checks C3, so decryption is done here and C3 compared in constant time;
- the `CryptSM2` constructor strips leading "0"/"4" hex digits off the public key, so the key is set afterwards;
- C1 is checked to be on the curve before the private key touches it (no invalid-curve oracle).
"""

from __future__ import annotations

import hmac
import secrets

from asn1crypto import core
from cryptography.hazmat.primitives import hashes
from gmssl import func as gmssl_func
from gmssl import sm2 as gmssl_sm2
from gmssl import sm3 as gmssl_sm3

from zhaocai.crypto.hashing import digest

_CURVE = gmssl_sm2.default_ecc_table
P = int(_CURVE["p"], 16)
A = int(_CURVE["a"], 16)
B = int(_CURVE["b"], 16)
N = int(_CURVE["n"], 16)


def _secure_random_hex(length: int) -> str:
    return secrets.token_hex((length + 1) // 2)[:length]


gmssl_func.random_hex = _secure_random_hex


class DecryptionError(Exception):
    """The ciphertext is malformed, was altered, or was not made for this key."""


class Sm2Ciphertext(core.Sequence):
    _fields = [  # noqa: RUF012 - asn1crypto's declaration style
        ("x", core.Integer),
        ("y", core.Integer),
        ("hash", core.OctetString),
        ("ciphertext", core.OctetString),
    ]


def is_on_curve(x: int, y: int) -> bool:
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def _point_hex(x: int, y: int) -> str:
    return f"{x:064x}{y:064x}"


def _cipher(*, public_point: tuple[int, int] | None = None, private_value: int | None = None) -> gmssl_sm2.CryptSM2:
    cipher = gmssl_sm2.CryptSM2(private_key=None, public_key="", mode=1)
    if public_point is not None:
        cipher.public_key = _point_hex(*public_point)
    if private_value is not None:
        cipher.private_key = f"{private_value:064x}"
    return cipher


def encrypt(public_point: tuple[int, int], plaintext: bytes) -> bytes:
    if not plaintext:
        raise ValueError("nothing to encrypt")
    if not is_on_curve(*public_point):
        raise ValueError("recipient public key is not a point on the SM2 curve")
    cipher = _cipher(public_point=public_point)
    raw = None
    while raw is None:  # gmssl returns None when the KDF output is all zero; draw a new nonce
        raw = cipher.encrypt(plaintext)
    c1, c3, c2 = raw[:64], raw[64:96], raw[96:]
    return Sm2Ciphertext(
        {
            "x": int.from_bytes(c1[:32], "big"),
            "y": int.from_bytes(c1[32:], "big"),
            "hash": c3,
            "ciphertext": c2,
        }
    ).dump()


def decrypt(private_value: int, ciphertext_der: bytes) -> bytes:
    try:
        parsed = Sm2Ciphertext.load(ciphertext_der, strict=True)
        x, y = parsed["x"].native, parsed["y"].native
        c3, c2 = parsed["hash"].native, parsed["ciphertext"].native
    except (ValueError, TypeError) as exc:
        raise DecryptionError("SM2 ciphertext is not GM/T 0009 DER") from exc
    if len(c3) != 32 or not c2:
        raise DecryptionError("SM2 ciphertext has a malformed hash or an empty body")
    if not is_on_curve(x, y):
        raise DecryptionError("SM2 ciphertext point C1 is not on the curve")
    shared = _cipher(private_value=private_value)._kg(private_value, _point_hex(x, y))
    if shared is None:
        raise DecryptionError("SM2 ciphertext point C1 is invalid")
    x2, y2 = bytes.fromhex(shared[:64]), bytes.fromhex(shared[64:])
    stream = bytes.fromhex(gmssl_sm3.sm3_kdf(shared.encode(), len(c2)))
    if not any(stream):
        raise DecryptionError("SM2 key derivation produced an all-zero stream")
    plaintext = bytes(a ^ b for a, b in zip(c2, stream, strict=True))
    if not hmac.compare_digest(digest(hashes.SM3(), x2 + plaintext + y2), c3):
        raise DecryptionError("SM2 ciphertext hash C3 does not match: altered, or not made for this key")
    return plaintext
