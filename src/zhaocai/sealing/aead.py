"""One chunk's AEAD, per suite: SM4-GCM (gm) or AES-256-GCM (std), 12-byte nonce, 16-byte tag appended."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zhaocai.sealing.layout import TAG_SIZE

__all__ = ["ChunkCipher", "InvalidTag", "chunk_cipher"]


class ChunkCipher:
    name: str
    key_size: int

    def encrypt(self, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        """ciphertext || tag"""
        raise NotImplementedError

    def decrypt(self, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        """The plaintext, or InvalidTag."""
        raise NotImplementedError


class Sm4Gcm(ChunkCipher):
    name = "sm4-gcm"
    key_size = 16

    def __init__(self, key: bytes) -> None:
        self._algorithm = algorithms.SM4(key)

    def encrypt(self, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        encryptor = Cipher(self._algorithm, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data)
        ciphertext = encryptor.update(plaintext) + encryptor.finalize()
        return ciphertext + encryptor.tag

    def decrypt(self, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        if len(sealed) < TAG_SIZE:
            raise InvalidTag()
        body, tag = sealed[:-TAG_SIZE], sealed[-TAG_SIZE:]
        decryptor = Cipher(self._algorithm, modes.GCM(nonce, tag, min_tag_length=TAG_SIZE)).decryptor()
        decryptor.authenticate_additional_data(associated_data)
        plaintext = decryptor.update(body)
        return plaintext + decryptor.finalize()  # finalize raises InvalidTag before the plaintext is returned


class Aes256Gcm(ChunkCipher):
    name = "aes-256-gcm"
    key_size = 32

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        return self._aead.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        return self._aead.decrypt(nonce, sealed, associated_data)


_CIPHERS: dict[str, type[ChunkCipher]] = {"sm4-gcm": Sm4Gcm, "aes-256-gcm": Aes256Gcm}


def chunk_cipher(name: str, key: bytes) -> ChunkCipher:
    cls = _CIPHERS[name]
    if len(key) != cls.key_size:
        raise ValueError(f"{name} takes a {cls.key_size}-byte key, not {len(key)} bytes")
    return cls(key)  # type: ignore[call-arg]
