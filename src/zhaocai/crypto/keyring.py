"""The platform's own signing keys (receipts, exchange messages, audit checkpoints, ...), encrypted at rest.

One JSON file per key in a directory (0700; files 0600), named `<key_id>.json`:

    {"format": "zhaocai-key/1", "key_id": "…16 hex…", "purpose": "receipts", "algorithm": "sm2-sm3",
     "created": "2026-…+00:00", "retired": false, "retired_at": null,
     "public_key": "<base64 SPKI DER>", "private_key": {scrypt + AES-256-GCM, see sealed_key.py}}

The passphrase comes from the caller (Settings.passphrase()) and is never stored. Each purpose has at most one
active key; rotation retires the old one, which stays in the ring so that what it signed still verifies.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from zhaocai.core.clock import Clock, RealClock
from zhaocai.crypto import keys
from zhaocai.crypto.files import ensure_private_dir, locked_directory, write_private_file
from zhaocai.crypto.ports import SigningKey, VerifyingKey
from zhaocai.crypto.sealed_key import DEFAULT_SCRYPT_N, WrongPassphrase, seal, unseal

FILE_FORMAT = "zhaocai-key/1"
_PURPOSE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class KeyringError(Exception):
    """The keyring cannot do what was asked (bad passphrase, unknown key, damaged file)."""


class KeyringPassphraseError(KeyringError, WrongPassphrase):
    pass


class KeyNotFound(KeyringError, LookupError):
    pass


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    purpose: str
    algorithm: str
    created: datetime
    retired: bool
    retired_at: datetime | None
    public_key_der: bytes

    def public_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "purpose": self.purpose,
            "algorithm": self.algorithm,
            "public_key": base64.b64encode(self.public_key_der).decode(),
            "created": self.created.isoformat(),
            "retired": self.retired,
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
        }


class KeyringSigner:
    """A keyring key: a SigningKey that also carries its `key_id`."""

    def __init__(self, key_id: str, key: SigningKey) -> None:
        self.key_id = key_id
        self.algorithm = key.algorithm
        self._key = key

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def public_key(self) -> VerifyingKey:
        return self._key.public_key()

    def private_pkcs8_der(self) -> bytes:
        return self._key.private_pkcs8_der()


def _aad(key_id: str, purpose: str, algorithm: str, public_key_b64: str) -> bytes:
    return "\n".join([FILE_FORMAT, key_id, purpose, algorithm, public_key_b64]).encode()


class Keyring:
    def __init__(self, directory: Path, passphrase: bytes, clock: Clock, scrypt_n: int) -> None:
        self.directory = directory
        self._passphrase = passphrase
        self._clock = clock
        self._scrypt_n = scrypt_n
        self._infos: dict[str, KeyInfo] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._signers: dict[str, KeyringSigner] = {}

    @classmethod
    def open(
        cls,
        directory: Path,
        passphrase: bytes | None,
        *,
        clock: Clock | None = None,
        scrypt_n: int = DEFAULT_SCRYPT_N,
    ) -> Keyring:
        """Open (creating it, 0700, if missing) the keyring in `directory`; unlocks every active key at once, so a
        wrong passphrase fails here."""
        if not passphrase:
            raise KeyringError("no key passphrase: set ZHAOCAI_KEY_PASSPHRASE or ZHAOCAI_KEY_PASSPHRASE_FILE")
        ensure_private_dir(directory)
        ring = cls(Path(directory), passphrase, clock or RealClock(), scrypt_n)
        ring._reload()
        return ring

    # reading

    def keys(self) -> list[KeyInfo]:
        return sorted(self._infos.values(), key=lambda info: (info.created, info.key_id))

    def public_keys(self) -> list[dict[str, Any]]:
        """For /.well-known/zhaocai-keys.json: every key ever held, active and retired."""
        return [info.public_dict() for info in self.keys()]

    def active(self, purpose: str) -> KeyInfo | None:
        candidates = [info for info in self.keys() if info.purpose == purpose and not info.retired]
        return candidates[-1] if candidates else None

    def signer(self, purpose: str) -> KeyringSigner:
        info = self.active(purpose)
        if info is None:
            raise KeyNotFound(f"no active key for purpose {purpose!r} in {self.directory}")
        return self._signers[info.key_id]

    def verifying_key(self, key_id: str) -> VerifyingKey:
        info = self._infos.get(key_id)
        if info is None:
            raise KeyNotFound(f"no key {key_id!r} in {self.directory}")
        return keys.load_verifying_key(info.public_key_der)

    # changing

    def ensure(self, purpose: str, algorithm: str) -> KeyInfo:
        """The active key for `purpose`; a new one if there is none, or if the active one uses another algorithm
        (the old one is then retired, as in `rotate`)."""
        with self._locked():
            current = self.active(purpose)
            if current is not None and current.algorithm == algorithm:
                return current
            return self._replace_active(purpose, algorithm)

    def rotate(self, purpose: str) -> KeyInfo:
        """A new active key for `purpose`, same algorithm; the old key is retired and still verifies."""
        with self._locked():
            current = self.active(purpose)
            if current is None:
                raise KeyNotFound(f"no active key for purpose {purpose!r} to rotate; call ensure() first")
            return self._replace_active(purpose, current.algorithm)

    # internals

    def _replace_active(self, purpose: str, algorithm: str) -> KeyInfo:
        if not _PURPOSE.match(purpose):
            raise KeyringError(f"bad key purpose {purpose!r}: lower-case letters, digits, '.', '_', '-'")
        signing_key = keys.generate_signing_key(algorithm)
        spki = signing_key.public_key().spki_der()
        now = self._clock.now()
        info = KeyInfo(keys.key_id(spki), purpose, algorithm, now, False, None, spki)
        public_b64 = base64.b64encode(spki).decode()
        record = info.public_dict() | {
            "format": FILE_FORMAT,
            "private_key": seal(
                signing_key.private_pkcs8_der(),
                self._passphrase,
                aad=_aad(info.key_id, purpose, algorithm, public_b64),
                scrypt_n=self._scrypt_n,
            ),
        }
        self._write(record)
        self._remember(info, record, KeyringSigner(info.key_id, signing_key))
        for old in self.keys():
            if old.purpose == purpose and not old.retired and old.key_id != info.key_id:
                self._retire(old, now)
        return info

    def _retire(self, info: KeyInfo, when: datetime) -> None:
        retired = replace(info, retired=True, retired_at=when)
        record = self._records[info.key_id] | {"retired": True, "retired_at": when.isoformat()}
        self._write(record)
        self._remember(retired, record, None)
        self._signers.pop(info.key_id, None)

    def _write(self, record: dict[str, Any]) -> None:
        data = json.dumps(record, indent=2, ensure_ascii=False).encode() + b"\n"
        write_private_file(self.directory / f"{record['key_id']}.json", data)

    def _remember(self, info: KeyInfo, record: dict[str, Any], signer: KeyringSigner | None) -> None:
        self._infos[info.key_id] = info
        self._records[info.key_id] = record
        if signer is not None:
            self._signers[info.key_id] = signer

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise changes across processes sharing the directory; re-read it first to see their keys."""
        with locked_directory(self.directory):
            self._reload()
            yield

    def _reload(self) -> None:
        for path in sorted(self.directory.glob("*.json")):
            info, record = self._read(path)
            signer = None
            if not info.retired and info.key_id not in self._signers:
                signer = self._unlock(path, info, record)
            self._remember(info, record, signer)

    def _read(self, path: Path) -> tuple[KeyInfo, dict[str, Any]]:
        try:
            record = json.loads(path.read_text())
            if record.get("format") != FILE_FORMAT:
                raise KeyringError(f"{path}: not a {FILE_FORMAT} key file")
            spki = base64.b64decode(record["public_key"], validate=True)
            info = KeyInfo(
                key_id=record["key_id"],
                purpose=record["purpose"],
                algorithm=record["algorithm"],
                created=datetime.fromisoformat(record["created"]),
                retired=bool(record["retired"]),
                retired_at=datetime.fromisoformat(record["retired_at"]) if record.get("retired_at") else None,
                public_key_der=spki,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyringError(f"{path}: damaged key file ({exc})") from exc
        if keys.key_id(spki) != info.key_id or path.stem != info.key_id:
            raise KeyringError(f"{path}: key id does not match its public key")
        if keys.spki_algorithm(spki) != info.algorithm:
            raise KeyringError(f"{path}: public key is not {info.algorithm}")
        return info, record

    def _unlock(self, path: Path, info: KeyInfo, record: dict[str, Any]) -> KeyringSigner:
        aad = _aad(info.key_id, info.purpose, info.algorithm, record["public_key"])
        try:
            pkcs8 = unseal(record["private_key"], self._passphrase, aad=aad)
        except WrongPassphrase as exc:
            raise KeyringPassphraseError(
                f"wrong key passphrase for keyring {self.directory} (key {info.key_id} does not open; "
                "or its file was altered)"
            ) from exc
        signing_key = keys.load_signing_key(info.algorithm, pkcs8)
        if signing_key.public_key().spki_der() != info.public_key_der:
            raise KeyringError(f"{path}: private key does not match the public key")
        return KeyringSigner(info.key_id, signing_key)
