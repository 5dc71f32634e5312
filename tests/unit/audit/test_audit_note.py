"""Signed notes and checkpoints: the Go sumdb/note known answer, the gm (Ed25519 + SM2) form, and tampering."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from zhaocai.audit.checkpoint import Checkpoint, checkpoint_signers, open_checkpoint, parse_checkpoint, sign_checkpoint
from zhaocai.audit.note import (
    NoteError,
    add_signatures,
    note_key_id,
    note_signer,
    note_verifier,
    open_note,
    sign_note,
    split_note,
)
from zhaocai.crypto.ed25519 import Ed25519SigningKey
from zhaocai.crypto.keys import generate_signing_key

# golang.org/x/mod/sumdb/note, note_test.go / example_test.go
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ORIGIN = "example.zhaocai/audit"


def peter_neumann() -> Ed25519SigningKey:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])
    assert seed[0] == 1  # algorithm byte: Ed25519
    return Ed25519SigningKey(ed25519.Ed25519PrivateKey.from_private_bytes(seed[1:]))


def test_go_sumdb_note_known_answer():
    key = peter_neumann()
    signer = note_signer("PeterNeumann", key)
    verifier = note_verifier("PeterNeumann", key.public_key())
    assert signer.key_id.hex() == "c74f20a3"
    assert verifier.vkey() == GO_VKEY
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE  # Ed25519 is deterministic: byte for byte
    opened = open_note(GO_NOTE, [verifier])
    assert opened.text == GO_TEXT
    assert opened.verified_by == ("PeterNeumann+c74f20a3",)
    with pytest.raises(NoteError):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), [verifier])


@pytest.fixture(scope="module")
def gm_keys():
    return [generate_signing_key("ed25519"), generate_signing_key("sm2-sm3")]


def test_gm_checkpoint_carries_ed25519_and_sm2_lines(gm_keys):
    checkpoint = Checkpoint(ORIGIN, 12345, hashlib.sha256(b"root").digest())
    note = sign_checkpoint(checkpoint, checkpoint_signers("gm", ORIGIN, gm_keys))
    assert note.startswith(f"{ORIGIN}\n12345\n{base64.b64encode(checkpoint.root).decode()}\n\n— {ORIGIN} ")
    text, signatures = split_note(note)
    assert text == checkpoint.text()
    assert [s.name for s in signatures] == [ORIGIN, ORIGIN]
    ed_key, sm2_key = gm_keys
    # the documented key-id rules
    ed_raw = ed_key.public_key().spki_der()[-32:]
    assert signatures[0].key_id == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + ed_raw).digest()[:4]
    sm2_spki = sm2_key.public_key().spki_der()
    sm2_id = hashlib.sha256(ORIGIN.encode() + b"\n\xff1.2.156.10197.1.501" + sm2_spki).digest()[:4]
    assert signatures[1].key_id == sm2_id == note_key_id(ORIGIN, sm2_key.public_key())
    # each line verifies alone, with its own key
    sm2_key.public_key().verify(signatures[1].signature, text.encode())
    for keys in ([ed_key], [sm2_key], gm_keys):
        opened, _ = open_checkpoint(note, [note_verifier(ORIGIN, k.public_key()) for k in keys])
        assert opened == checkpoint


def test_std_checkpoint_is_ed25519_only(gm_keys):
    signers = checkpoint_signers("std", ORIGIN, gm_keys)
    assert len(signers) == 1 and signers[0].key.algorithm == "ed25519"
    with pytest.raises(ValueError, match="sm2-sm3"):
        checkpoint_signers("gm", ORIGIN, gm_keys[:1])


def test_tampering_with_a_note_is_refused(gm_keys):
    verifiers = [note_verifier(ORIGIN, k.public_key()) for k in gm_keys]
    note = sign_checkpoint(Checkpoint(ORIGIN, 7, b"\x01" * 32), checkpoint_signers("gm", ORIGIN, gm_keys))
    open_checkpoint(note, verifiers)
    forged = [
        note.replace(f"{ORIGIN}\n7\n", f"{ORIGIN}\n8\n", 1),  # another size
        note.replace("AQEBAQEB", "AgEBAQEB", 1),  # another root
        note[: note.rindex("\n— ")] + "\n",  # a line dropped (still signed by the other: see below)
    ]
    with pytest.raises(NoteError):
        open_checkpoint(forged[0], verifiers)
    with pytest.raises(NoteError):
        open_checkpoint(forged[1], verifiers)
    open_checkpoint(forged[2], verifiers)  # one trusted signature is enough, as the spec says
    _, sigs = split_note(note)
    blob = bytearray(sigs[0].key_id + sigs[0].signature)
    blob[-1] ^= 1
    broken = note.replace(
        base64.b64encode(sigs[0].key_id + sigs[0].signature).decode(), base64.b64encode(blob).decode()
    )
    with pytest.raises(NoteError, match="does not verify"):
        open_checkpoint(broken, verifiers)


def test_unknown_keys_are_ignored_but_one_trusted_key_must_sign(gm_keys):
    stranger = generate_signing_key("ed25519")
    note = sign_note("hello\n", [note_signer(ORIGIN, stranger)])
    trusted = [note_verifier(ORIGIN, k.public_key()) for k in gm_keys]
    with pytest.raises(NoteError, match="no signature from a trusted key"):
        open_note(note, trusted)
    cosigned = add_signatures(note, [note_signer("witness.example/sv", gm_keys[0])])
    opened = open_note(cosigned, [note_verifier("witness.example/sv", gm_keys[0].public_key())])
    assert opened.text == "hello\n" and len(opened.signatures) == 2


@pytest.mark.parametrize(
    "note",
    [
        "no signatures\n",
        "text\n\n",
        "text\n\nnot a signature line\n",
        "text\n\n— name !!!notbase64\n",
        "text\n\n— name AAAA\n",
        "text\x07bell\n\n— name AAAAAAAA\n",
        "text\n\n— name AAAAAAAA",
    ],
)
def test_malformed_notes(note):
    with pytest.raises(NoteError):
        split_note(note)


@pytest.mark.parametrize(
    "text",
    ["origin\n12\n", "origin\n012\nAAAA\n", "origin\n-1\nAAAA\n", "origin\n1\n!!\n", "origin\n1\nAAAA", "\n1\nAAAA\n"],
)
def test_malformed_checkpoints(text):
    with pytest.raises(NoteError):
        parse_checkpoint(text)


def test_checkpoint_text_round_trip():
    checkpoint = Checkpoint("a.example/log", 0, hashlib.sha256(b"").digest())
    assert checkpoint.text() == "a.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    assert parse_checkpoint(checkpoint.text()) == checkpoint
    assert parse_checkpoint(checkpoint.text() + "extension line\n") == checkpoint


@pytest.mark.parametrize("name", ["", "has space", "has+plus"])
def test_bad_key_names(name, gm_keys):
    with pytest.raises(ValueError):
        note_signer(name, gm_keys[0])
