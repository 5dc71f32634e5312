"""C2SP signed notes (https://c2sp.org/signed-note): text, a blank line, then one line per signature,
`— <key name> <base64(4-byte key id ‖ signature)>`.

Key ids (SHA-256(name ‖ 0x0A ‖ signature type ‖ public key)[:4]):
- Ed25519: type 0x01, the 32-byte public key (the signed-note spec; Go's golang.org/x/mod/sumdb/note).
- SM2: type 0xFF ‖ "1.2.156.10197.1.501" (the SM2-with-SM3 signature OID, as the spec's extension rule for
  types without an assigned byte asks: 0xFF followed by a longer identifier), then the SubjectPublicKeyInfo DER.
  The signature is SM2 over SM3 with the default user id 1234567812345678, DER-encoded (r, s).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from zhaocai.crypto.ports import InvalidSignatureError, SigningKey, VerifyingKey

ED25519_TYPE = b"\x01"
SM2_TYPE = b"\xff" + b"1.2.156.10197.1.501"
_ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
_DASH = "\u2014 "
MAX_SIGNATURES = 16


class NoteError(ValueError):
    """A note is malformed, or no trusted key's signature on it verifies, or one of them fails."""


def _public_key_encoding(verifying_key: VerifyingKey) -> tuple[bytes, bytes]:
    """(signature type bytes, public key bytes) for the key-id hash."""
    spki = verifying_key.spki_der()
    if verifying_key.algorithm == "ed25519":
        if len(spki) != 44 or not spki.startswith(_ED25519_SPKI_PREFIX):
            raise ValueError("not an Ed25519 SubjectPublicKeyInfo")
        return ED25519_TYPE, spki[12:]
    if verifying_key.algorithm == "sm2-sm3":
        return SM2_TYPE, spki
    raise ValueError(f"no signed-note signature type for {verifying_key.algorithm} keys")


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise ValueError(f"a note key name must be non-empty, without spaces or '+': {name!r}")


def note_key_id(name: str, verifying_key: VerifyingKey) -> bytes:
    sig_type, public = _public_key_encoding(verifying_key)
    return hashlib.sha256(name.encode() + b"\n" + sig_type + public).digest()[:4]


@dataclass(frozen=True)
class NoteSigner:
    name: str
    key_id: bytes
    key: SigningKey

    def signature_line(self, text: bytes) -> str:
        blob = base64.b64encode(self.key_id + self.key.sign(text)).decode()
        return f"{_DASH}{self.name} {blob}\n"


@dataclass(frozen=True)
class NoteVerifier:
    name: str
    key_id: bytes
    key: VerifyingKey

    def vkey(self) -> str:
        """The verifier key as Go's sumdb/note writes it: `name+hex key id+base64(type ‖ public key)`."""
        sig_type, public = _public_key_encoding(self.key)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(sig_type + public).decode()}"


def note_signer(name: str, key: SigningKey) -> NoteSigner:
    _check_name(name)
    return NoteSigner(name, note_key_id(name, key.public_key()), key)


def note_verifier(name: str, key: VerifyingKey) -> NoteVerifier:
    _check_name(name)
    return NoteVerifier(name, note_key_id(name, key), key)


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must not contain control characters")


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    _check_text(text)
    if not signers:
        raise ValueError("a note needs at least one signer")
    raw = text.encode()
    return text + "\n" + "".join(signer.signature_line(raw) for signer in signers)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The note text (with its final newline) and its signature lines, parsed but not verified."""
    if not note.endswith("\n"):
        raise NoteError("a signed note ends with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("no blank line between text and signatures")
    text, lines = note[: cut + 1], note[cut + 2 : -1].split("\n")
    _check_text(text)
    if any(ord(c) < 0x20 and c != "\n" for c in note[cut:]):
        raise NoteError("signature lines must not contain control characters")
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note carries 1 to {MAX_SIGNATURES} signatures, this one {len(lines)}")
    signatures = []
    for line in lines:
        if not line.startswith(_DASH):
            raise NoteError(f"not a signature line: {line[:60]!r}")
        name, _, blob = line[len(_DASH) :].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise NoteError(f"signature of {name!r} is not base64") from None
        if not name or " " in blob or len(raw) < 5:
            raise NoteError(f"malformed signature line: {line[:60]!r}")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    return text, signatures


@dataclass(frozen=True)
class OpenedNote:
    text: str
    verified_by: tuple[str, ...]  # names of the trusted keys whose signatures verified
    signatures: tuple[Signature, ...]


def open_note(note: str, verifiers: Sequence[NoteVerifier]) -> OpenedNote:
    """Verify a note as the spec says: signatures of unknown keys are ignored; one that matches a known key (name
    and id) must verify, or the whole note is rejected; at least one known key must have signed."""
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[str] = []
    raw = text.encode()
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        try:
            verifier.key.verify(sig.signature, raw)
        except InvalidSignatureError:
            raise NoteError(f"the signature of {sig.name} ({sig.key_id.hex()}) does not verify") from None
        verified.append(f"{sig.name}+{sig.key_id.hex()}")
    if not verified:
        raise NoteError("the note carries no signature from a trusted key")
    return OpenedNote(text, tuple(verified), tuple(signatures))


def add_signatures(note: str, signers: Sequence[NoteSigner]) -> str:
    """Cosign: append signature lines (a witness's, say) to an already signed note."""
    text, signatures = split_note(note)
    if len(signatures) + len(signers) > MAX_SIGNATURES:
        raise NoteError(f"a note carries at most {MAX_SIGNATURES} signatures")
    raw = text.encode()
    return note + "".join(signer.signature_line(raw) for signer in signers)
