"""Checkpoints (https://c2sp.org/tlog-checkpoint): the signed note `<origin>\\n<size>\\n<base64 root>\\n`.

Suite `std` signs with Ed25519 alone; suite `gm` signs the same text with Ed25519 and SM2 (two signature lines,
both under the origin as key name, told apart by their key ids — see note.py).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from zhaocai.audit.note import NoteError, NoteSigner, NoteVerifier, OpenedNote, note_signer, open_note, sign_note
from zhaocai.crypto.ports import SigningKey

_SIZE = re.compile(r"0|[1-9][0-9]*")

# The signature algorithms each suite's checkpoints carry.
SUITE_NOTE_ALGORITHMS = {"std": ("ed25519",), "gm": ("ed25519", "sm2-sm3")}


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not all(lines[:-1]):
        raise NoteError("a checkpoint is at least three non-empty lines ending in a newline")
    origin, size, root = lines[0], lines[1], lines[2]
    if not _SIZE.fullmatch(size):
        raise NoteError(f"checkpoint size {size!r} is not a decimal number")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise NoteError("checkpoint root is not base64") from None
    return Checkpoint(origin, int(size), root_hash)


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[NoteSigner]) -> str:
    return sign_note(checkpoint.text(), signers)


def open_checkpoint(note: str, verifiers: Sequence[NoteVerifier]) -> tuple[Checkpoint, OpenedNote]:
    opened = open_note(note, verifiers)
    return parse_checkpoint(opened.text), opened


def checkpoint_signers(suite: str, origin: str, keys: Sequence[SigningKey]) -> list[NoteSigner]:
    """The note signers for a suite's checkpoints, in line order, from the keys given (one per algorithm)."""
    try:
        wanted = SUITE_NOTE_ALGORITHMS[suite]
    except KeyError:
        raise ValueError(f"unknown crypto suite {suite!r} (gm | std)") from None
    by_algorithm = {key.algorithm: key for key in keys}
    missing = [algorithm for algorithm in wanted if algorithm not in by_algorithm]
    if missing:
        raise ValueError(f"suite {suite} checkpoints need a {' and a '.join(missing)} key")
    return [note_signer(origin, by_algorithm[algorithm]) for algorithm in wanted]
