"""The format is a published spec: known-answer tests for the chunk ciphers, the derivation vectors recomputed from
the spec's own words with independent code (gmssl's pure-Python SM3, hashlib, cryptography's AEADs directly), the
spec quoting the same vectors, and example envelopes of format version 1 that must open forever."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from gmssl import func as gmssl_func
from gmssl import sm3 as gmssl_sm3

from zhaocai.sealing import (
    MAGIC,
    check_key_commitment,
    open_section,
    read_header,
    scan_envelope,
    unwrap_section_key,
    verify_header_signature,
)
from zhaocai.sealing.aead import chunk_cipher
from zhaocai.sealing.chunks import decrypt_stream, encrypt_stream
from zhaocai.sealing.derive import chunk_associated_data, chunk_nonce, key_commitment, section_context_digest
from zhaocai.sealing.errors import EnvelopeError

VECTORS = Path(__file__).parent / "vectors"
SPEC = Path(__file__).parents[3] / "docs" / "envelope.md"
DERIVATION = json.loads((VECTORS / "derivation.json").read_text())


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sealing_vectors_generate", VECTORS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _load_generator()

# RFC 8998 appendix A.1 (SM4-GCM); McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256)
KNOWN_ANSWERS = {
    "sm4-gcm": (
        "0123456789abcdeffedcba9876543210",
        "00001234567800000000abcd",
        "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffff"
        "eeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15"
        "a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec",
    ),
    "aes-256-gcm": (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
        "b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838"
        "c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b",
    ),
}


@pytest.mark.parametrize("aead", sorted(KNOWN_ANSWERS))
def test_chunk_cipher_known_answers(aead: str) -> None:
    key, nonce, plaintext, associated_data, sealed = (bytes.fromhex(value) for value in KNOWN_ANSWERS[aead])
    cipher = chunk_cipher(aead, key)
    assert cipher.encrypt(nonce, plaintext, associated_data) == sealed
    assert cipher.decrypt(nonce, sealed, associated_data) == plaintext


def _independent_hash(suite: str, data: bytes) -> bytes:
    if suite == "gm":
        return bytes.fromhex(gmssl_sm3.sm3_hash(gmssl_func.bytes_to_list(data)))
    return hashlib.sha256(data).digest()


def _independent_seal(aead: str, key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    if aead == "aes-256-gcm":
        return AESGCM(key).encrypt(nonce, plaintext, associated_data)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated_data)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_derivation_vectors_follow_from_the_spec_text(suite: str) -> None:
    """Recomputed as §5 of the spec says, without the library's derivation code."""
    vector = DERIVATION[suite]
    context_json = vector["context_json"].encode()
    digest = _independent_hash(suite, b"zhaocai-envelope/v1 section-context\x00" + context_json)
    assert digest.hex() == vector["section_context_digest"]
    associated_data = b"zhaocai-envelope/v1 chunk\x00" + digest
    assert associated_data.hex() == vector["associated_data"]
    key = bytes.fromhex(vector["content_key"])
    commitment = _independent_hash(suite, b"zhaocai-envelope/v1 key-commitment\x00" + digest + key)
    assert commitment.hex() == vector["key_commitment"]
    ciphertext = b""
    for counter, chunk in enumerate(vector["chunks"]):
        last = counter == len(vector["chunks"]) - 1
        nonce = counter.to_bytes(11, "big") + bytes([last])
        assert nonce.hex() == chunk["nonce"]
        sealed = _independent_seal(vector["aead"], key, nonce, bytes.fromhex(chunk["plaintext"]), associated_data)
        assert sealed.hex() == chunk["sealed"]
        ciphertext += sealed
    assert len(ciphertext) == vector["ciphertext_length"]
    assert _independent_hash(suite, ciphertext).hex() == vector["ciphertext_hash"]


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_the_library_reproduces_the_derivation_vectors(suite: str) -> None:
    assert GENERATOR.derivation(suite) == DERIVATION[suite]


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_the_spec_quotes_the_vectors(suite: str) -> None:
    spec = SPEC.read_text()
    vector = DERIVATION[suite]
    quoted = [vector["section_context_digest"], vector["key_commitment"], vector["ciphertext_hash"]]
    quoted += [chunk["sealed"] for chunk in vector["chunks"]]
    for value in quoted:
        assert value in spec.replace("\n", "").replace(" ", ""), f"docs/envelope.md does not quote {value}"


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_example_envelopes_of_version_1_open(suite: str) -> None:
    data = (VECTORS / f"example-{suite}.zcenv").read_bytes()
    expected = json.loads((VECTORS / f"example-{suite}.json").read_text())["plaintexts"]
    key_pem = (VECTORS / f"example-{suite}.key.pem").read_bytes()
    assert data.startswith(MAGIC)
    report = scan_envelope(io.BytesIO(data))
    header = report.header
    verify_header_signature(header)
    assert (header.suite, header.tender_id, header.lot_id, header.bid_version) == (suite, "ZC-2026-0001", "1", 1)
    assert [section.name for section in header.sections] == list(expected)
    for section in header.sections:
        assert section.key_wrap("backup") is not None
        key = unwrap_section_key(header, section, key_pem)
        stream = io.BytesIO(data)
        stream.seek(header.section_offset(section.name))
        out = io.BytesIO()
        open_section(stream, header, section, key, out)
        assert out.getvalue().decode() == expected[section.name]
    assert read_header(io.BytesIO(data)) == header


def test_a_chunk_sealed_for_one_context_does_not_open_in_another_even_under_the_same_key() -> None:
    """The associated data binds chunks to their bid and section even if a careless writer reused a content key."""
    context = GENERATOR.derivation_context("std")
    key = bytes(32)
    cipher = chunk_cipher("aes-256-gcm", key)
    hasher = hashlib.sha256()
    sealed = io.BytesIO()
    here = chunk_associated_data(section_context_digest(context, "technical", "aes-256-gcm"))
    there = chunk_associated_data(section_context_digest(context, "price", "aes-256-gcm"))
    result = encrypt_stream(cipher, here, 64, io.BytesIO(b"x" * 100), sealed, hasher)  # type: ignore[arg-type]
    for associated_data, opens in ((here, True), (there, False)):
        arguments = (cipher, associated_data, 64, result.chunk_count, result.ciphertext_length)
        source, out = io.BytesIO(sealed.getvalue()), io.BytesIO()
        if opens:
            decrypt_stream(*arguments, source, out, hashlib.sha256(), "technical")  # type: ignore[arg-type]
            assert out.getvalue() == b"x" * 100
        else:
            with pytest.raises(EnvelopeError, match="does not authenticate"):
                decrypt_stream(*arguments, source, out, hashlib.sha256(), "price")  # type: ignore[arg-type]


def test_nonces_and_commitments_are_distinct_per_position_and_context() -> None:
    assert chunk_nonce(0, False) != chunk_nonce(0, True) != chunk_nonce(1, True)
    assert chunk_nonce(2**88 - 1, True) == b"\xff" * 11 + b"\x01"
    with pytest.raises(ValueError):
        chunk_nonce(2**88, False)
    context = GENERATOR.derivation_context("gm")
    key = bytes(16)
    digests = {section_context_digest(context, name, "sm4-gcm") for name in ("a", "b")}
    assert len({key_commitment("gm", digest, key) for digest in digests}) == 2


def test_check_key_commitment_accepts_the_committed_key_only() -> None:
    data = (VECTORS / "example-std.zcenv").read_bytes()
    header = read_header(io.BytesIO(data))
    key = unwrap_section_key(header, "price", (VECTORS / "example-std.key.pem").read_bytes())
    check_key_commitment(header, "price", key)
    with pytest.raises(EnvelopeError):
        check_key_commitment(header, "technical", key)
