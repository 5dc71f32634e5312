"""The envelope header as data: frozen dataclasses, and their canonical JSON (docs/envelope.md §4). The header is
encoded with `zhaocai.core.canonical` (RFC 8785 for the values it can hold); parse.py reads it back strictly."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any, Literal

from zhaocai.core.canonical import canonical_json
from zhaocai.sealing.errors import EnvelopeError
from zhaocai.sealing.layout import FORMAT_NAME, PREAMBLE_SIZE, SIGNATURE_LABEL, SIGNATURE_LENGTH_SIZE

Role = Literal["bidder", "backup"]
ROLES: tuple[Role, ...] = ("bidder", "backup")
RECIPIENT_TYPES = ("certificate", "public_key")
HASH_BYTES = 32  # SM3 and SHA-256

# per suite: the chunk AEAD, its key length, and the key wrap algorithm (crypto/keywrap.py)
SUITE_AEAD = {"gm": "sm4-gcm", "std": "aes-256-gcm"}
AEAD_KEY_BYTES = {"sm4-gcm": 16, "aes-256-gcm": 32}
SUITE_KEY_WRAP = {"gm": "sm2-encrypt", "std": "hpke-p256-sha256-aes256gcm"}

MAX_ID_CHARS = 128
MAX_CONSORTIUM_MEMBERS = 32
MAX_WRAPPED_BYTES = 1024
MAX_CERTIFICATE_BYTES = 16 * 1024
MAX_BID_VERSION = 2**31 - 1
SECTION_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class Bidder:
    """An organisation (`lead` alone) or a consortium (联合体: `lead` plus the other `members`)."""

    lead: str
    members: tuple[str, ...] = ()

    @classmethod
    def organisation(cls, organisation_id: str) -> Bidder:
        return cls(organisation_id)

    @classmethod
    def consortium(cls, lead: str, members: tuple[str, ...] | list[str]) -> Bidder:
        if not members:
            raise ValueError("a consortium has members besides its lead")
        return cls(lead, tuple(sorted(set(members))))

    @property
    def is_consortium(self) -> bool:
        return bool(self.members)

    def to_json(self) -> dict[str, Any]:
        if self.members:
            return {"kind": "consortium", "lead": self.lead, "members": list(self.members)}
        return {"kind": "organisation", "id": self.lead}


@dataclass(frozen=True)
class KeyWrapEntry:
    role: Role
    algorithm: str
    recipient_type: str  # "certificate" | "public_key"
    recipient_sha256: str  # hex SHA-256 of the recipient certificate DER (or SubjectPublicKeyInfo DER)
    wrapped: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "recipient": {"sha256": self.recipient_sha256, "type": self.recipient_type},
            "role": self.role,
            "wrapped": b64(self.wrapped),
        }


@dataclass(frozen=True)
class SectionEntry:
    name: str
    aead: str
    chunk_count: int
    ciphertext_length: int
    ciphertext_hash: bytes
    key_commitment: bytes
    key_wraps: tuple[KeyWrapEntry, ...]

    def key_wrap(self, role: Role) -> KeyWrapEntry | None:
        return next((wrap for wrap in self.key_wraps if wrap.role == role), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "aead": self.aead,
            "chunk_count": self.chunk_count,
            "ciphertext_hash": self.ciphertext_hash.hex(),
            "ciphertext_length": self.ciphertext_length,
            "key_commitment": self.key_commitment.hex(),
            "key_wraps": [wrap.to_json() for wrap in self.key_wraps],
            "name": self.name,
        }


@dataclass(frozen=True)
class HeaderContext:
    """What every chunk and key commitment of the envelope is bound to (everything but the sections' results)."""

    version: int
    suite: str
    tender_id: str
    lot_id: str
    bidder: Bidder
    bid_version: int
    nonce: bytes
    chunk_size: int


@dataclass(frozen=True)
class EnvelopeHeader:
    context: HeaderContext
    signer_certificate: bytes  # DER
    sections: tuple[SectionEntry, ...]
    encoded: bytes  # the exact header bytes, as signed
    signature: bytes

    # shortcuts to the context
    @property
    def version(self) -> int:
        return self.context.version

    @property
    def suite(self) -> str:
        return self.context.suite

    @property
    def tender_id(self) -> str:
        return self.context.tender_id

    @property
    def lot_id(self) -> str:
        return self.context.lot_id

    @property
    def bidder(self) -> Bidder:
        return self.context.bidder

    @property
    def bid_version(self) -> int:
        return self.context.bid_version

    @property
    def nonce(self) -> bytes:
        return self.context.nonce

    @property
    def chunk_size(self) -> int:
        return self.context.chunk_size

    @property
    def signed_message(self) -> bytes:
        """The bytes the signature is over: the domain-separation label, then the header bytes. Hand these to a
        trust store (`TrustStore.verify_signature(header.signer_certificate, header.signed_message, ...)`)."""
        return SIGNATURE_LABEL + self.encoded

    def section(self, name: str) -> SectionEntry:
        for section in self.sections:
            if section.name == name:
                return section
        raise EnvelopeError(
            "no_such_section",
            f"the envelope has no section {name!r} (it has {', '.join(s.name for s in self.sections)})",
            field="section",
        )

    @property
    def ciphertext_offset(self) -> int:
        """Where the first section's ciphertext starts, counted from the envelope's first byte."""
        return PREAMBLE_SIZE + len(self.encoded) + SIGNATURE_LENGTH_SIZE + len(self.signature)

    def section_offset(self, name: str) -> int:
        offset = self.ciphertext_offset
        for section in self.sections:
            if section.name == name:
                return offset
            offset += section.ciphertext_length
        raise EnvelopeError("no_such_section", f"the envelope has no section {name!r}", field="section")

    @property
    def envelope_length(self) -> int:
        return self.ciphertext_offset + sum(section.ciphertext_length for section in self.sections)


def header_json(context: HeaderContext, signer_certificate: bytes, sections: list[SectionEntry]) -> dict[str, Any]:
    return context_json(context) | {
        "sections": [section.to_json() for section in sections],
        "signer_certificate": b64(signer_certificate),
    }


def context_json(context: HeaderContext) -> dict[str, Any]:
    return {
        "bid_version": context.bid_version,
        "bidder": context.bidder.to_json(),
        "chunk_size": context.chunk_size,
        "format": FORMAT_NAME,
        "lot_id": context.lot_id,
        "nonce": context.nonce.hex(),
        "suite": context.suite,
        "tender_id": context.tender_id,
        "version": context.version,
    }


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode_header(context: HeaderContext, signer_certificate: bytes, sections: list[SectionEntry]) -> bytes:
    return canonical_json(header_json(context, signer_certificate, sections))
