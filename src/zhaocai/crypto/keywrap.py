"""Key wrap: a content key (16-64 bytes) encrypted to a recipient's public key, one algorithm per suite.

- gm:  SM2 public-key encryption, GM/T 0009 DER (`openssl pkeyutl -decrypt` reads it).
- std: HPKE (RFC 9180) base mode, single shot: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, with
       info "zhaocai/keywrap/v1". Output is enc (65-byte uncompressed ephemeral point) || AES-GCM ciphertext || tag;
       that is ECDH P-256 with an ephemeral key, HKDF-SHA256 and AES-256-GCM, in a published construction.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hpke

from zhaocai.crypto import sm2_cipher
from zhaocai.crypto.ports import KeyUnwrapError

MIN_KEY_BYTES = 16
MAX_KEY_BYTES = 64
HPKE_INFO = b"zhaocai/keywrap/v1"


def _check_content_key(content_key: bytes) -> None:
    if not MIN_KEY_BYTES <= len(content_key) <= MAX_KEY_BYTES:
        raise ValueError(f"content key must be {MIN_KEY_BYTES}-{MAX_KEY_BYTES} bytes, got {len(content_key)}")


class Sm2KeyWrap:
    algorithm = "sm2-encrypt"

    def wrap(self, recipient_spki_der: bytes, content_key: bytes) -> bytes:
        from zhaocai.crypto.suites.gm import Sm2VerifyingKey

        _check_content_key(content_key)
        return sm2_cipher.encrypt(Sm2VerifyingKey.from_spki_der(recipient_spki_der).point(), content_key)

    def unwrap(self, recipient_pkcs8_der: bytes, wrapped: bytes) -> bytes:
        from zhaocai.crypto.suites.gm import Sm2SigningKey

        private_value = Sm2SigningKey.from_pkcs8_der(recipient_pkcs8_der).private_value()
        try:
            content_key = sm2_cipher.decrypt(private_value, wrapped)
        except sm2_cipher.DecryptionError as exc:
            raise KeyUnwrapError(str(exc)) from exc
        _check_unwrapped(content_key)
        return content_key


class HpkeP256KeyWrap:
    algorithm = "hpke-p256-sha256-aes256gcm"

    def __init__(self) -> None:
        self._suite = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

    def wrap(self, recipient_spki_der: bytes, content_key: bytes) -> bytes:
        from zhaocai.crypto.suites.std import P256VerifyingKey

        _check_content_key(content_key)
        recipient = P256VerifyingKey.from_spki_der(recipient_spki_der).key
        return self._suite.encrypt(content_key, recipient, info=HPKE_INFO)

    def unwrap(self, recipient_pkcs8_der: bytes, wrapped: bytes) -> bytes:
        from zhaocai.crypto.suites.std import P256SigningKey

        recipient = P256SigningKey.from_pkcs8_der(recipient_pkcs8_der).key
        try:
            content_key = self._suite.decrypt(wrapped, recipient, info=HPKE_INFO)
        except Exception as exc:  # cryptography raises InvalidTag or ValueError depending on what is wrong
            raise KeyUnwrapError("HPKE key wrap does not open with this key: altered, or made for another") from exc
        _check_unwrapped(content_key)
        return content_key


def _check_unwrapped(content_key: bytes) -> None:
    if not MIN_KEY_BYTES <= len(content_key) <= MAX_KEY_BYTES:
        raise KeyUnwrapError(f"unwrapped key has {len(content_key)} bytes, outside {MIN_KEY_BYTES}-{MAX_KEY_BYTES}")
