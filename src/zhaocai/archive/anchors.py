"""The trust anchors a user gives `zhaocai archive verify --trust`: the platform's published keys (the JSON of its
/.well-known/zhaocai-keys.json) and CA certificates (and, optionally, their CRLs). Nothing inside a package is ever
trusted by itself; only these."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhaocai.crypto import keys
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.ports import VerifyingKey
from zhaocai.crypto.trust import TrustStore

_CERT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der", ".crl"})


class AnchorError(ValueError):
    """The trust anchors given cannot be used as they are."""


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    purpose: str
    algorithm: str
    key: VerifyingKey


@dataclass(frozen=True)
class Anchors:
    platform_code: str
    keys: tuple[PublishedKey, ...]
    store: TrustStore
    sources: tuple[str, ...] = field(default=())

    def key(self, key_id: str) -> PublishedKey | None:
        return next((k for k in self.keys if k.key_id == key_id), None)

    def with_purpose(self, *purposes: str) -> list[PublishedKey]:
        return [k for k in self.keys if k.purpose in purposes]


def published_keys(document: Any, source: str) -> tuple[str, list[PublishedKey]]:
    """The platform code and keys of a zhaocai-keys.json document (/.well-known/zhaocai-keys.json)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise AnchorError(f"{source}: not a zhaocai-keys.json document (no 'keys' list)")
    code = document.get("platform_code")
    if not isinstance(code, str) or not code:
        raise AnchorError(f"{source}: the keys document names no platform_code")
    found = []
    for entry in document["keys"]:
        try:
            spki = base64.b64decode(entry["public_key"], validate=True)
            key = keys.load_verifying_key(spki)
            if keys.key_id(spki) != entry["key_id"] or key.algorithm != entry["algorithm"]:
                raise AnchorError(f"{source}: key {entry.get('key_id')!r} does not match its public key")
            found.append(PublishedKey(entry["key_id"], entry["purpose"], entry["algorithm"], key))
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            if isinstance(exc, AnchorError):
                raise
            raise AnchorError(f"{source}: a key entry cannot be read ({exc})") from exc
    return code, found


def _files(paths: Iterable[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise AnchorError(f"{path}: no such file or directory")
    return found


def load_anchors(paths: Iterable[Path]) -> Anchors:
    """Every given file, or every file in a given directory: *.json are keys documents, *.pem/*.crt/*.cer/*.der
    CA certificates, *.crl (or PEM "X509 CRL" blocks) revocation lists."""
    platform_code: str | None = None
    published: list[PublishedKey] = []
    certificates: list[bytes] = []
    crls: list[bytes] = []
    sources = []
    for path in _files(paths):
        suffix = path.suffix.lower()
        if suffix == ".json":
            try:
                document = json.loads(path.read_bytes())
            except ValueError as exc:
                raise AnchorError(f"{path}: not JSON ({exc})") from exc
            code, found = published_keys(document, str(path))
            if platform_code is not None and code != platform_code:
                raise AnchorError(f"{path}: keys of platform {code!r}, but other keys given are of {platform_code!r}")
            platform_code = code
            published.extend(found)
        elif suffix in _CERT_SUFFIXES:
            data = path.read_bytes()
            blocks = pem_blocks(data) if b"-----BEGIN" in data else [("DER", data)]
            for label, der in blocks:
                if label == "X509 CRL" or (label == "DER" and suffix == ".crl"):
                    crls.append(der)
                elif label in ("CERTIFICATE", "DER"):
                    certificates.append(der)
                else:
                    raise AnchorError(f"{path}: unexpected PEM block {label!r}")
        else:
            continue
        sources.append(str(path))
    if platform_code is None:
        raise AnchorError("no platform keys given: pass the platform's zhaocai-keys.json with --trust")
    try:
        store = TrustStore(certificates=certificates, crls=crls)
    except Exception as exc:  # TrustStoreError and certificate parse errors alike: the anchors are unusable
        raise AnchorError(f"the CA certificates given cannot be trusted: {exc}") from exc
    return Anchors(platform_code, tuple(published), store, tuple(sources))
