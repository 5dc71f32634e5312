"""The decrypting section reader hashes the ciphertext in the same pass as it decrypts (docs/envelope.md §8 step 4):
whatever order the archive reader asks for the chunks in, the hash is of all chunks in order, and a ciphertext that
authenticates but is not the one the bidder signed (re-encrypted by someone holding the key) is caught."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhaocai.adapters.blob.local import LocalBlobStore
from zhaocai.core.clock import FixedClock
from zhaocai.crypto.ca import CertificateAuthority
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.suites import SUITE_NAMES, get_suite
from zhaocai.opening.decrypt import DecryptionFailed, open_envelope_section
from zhaocai.opening.section_reader import MAX_AHEAD, DecryptedSection
from zhaocai.sealing import Bidder, EnvelopeHeader, read_header, seal, unwrap_section_key
from zhaocai.sealing.aead import chunk_cipher
from zhaocai.sealing.derive import chunk_associated_data, chunk_nonce
from zhaocai.sealing.layout import TAG_SIZE
from zhaocai.sealing.opening import section_context

CHUNK = 64  # the format's smallest chunk: many chunks from little data
PLAIN = os.urandom(40 * CHUNK + 17)


@dataclass
class Sealed:
    envelope: bytes
    header: EnvelopeHeader
    key: bytes

    def chunk_offset(self, index: int) -> int:
        return self.header.section_offset("whole") + index * (CHUNK + TAG_SIZE)


def _seal(tmp: Path, suite: str, plain: bytes) -> Sealed:
    at = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    ca = CertificateAuthority.init(tmp / "ca", name=f"测试CA {suite}", suite=suite, passphrase=b"t", clock=at)
    signer = ca.issue(subject="CN=投标,O=投标人,C=CN", usage="sign")
    encrypter = ca.issue(subject="CN=投标,O=投标人,C=CN", usage="encrypt")
    assert signer.private_key_pem is not None and encrypter.private_key_pem is not None
    out = io.BytesIO()
    seal(
        out,
        {"whole": io.BytesIO(plain)},
        suite=suite,
        tender_id="T-2026-0001",
        lot_id="标段1",
        bidder=Bidder.organisation("91110000100000000X"),
        bid_version=1,
        signing_key=get_suite(suite).load_signing_key(pem_blocks(signer.private_key_pem)[0][1]),
        signer_certificate=signer.certificate_pem,
        encryption_certificate=encrypter.certificate_pem,
        chunk_size=CHUNK,
    )
    envelope = out.getvalue()
    header = read_header(io.BytesIO(envelope))
    key = unwrap_section_key(header, "whole", pem_blocks(encrypter.private_key_pem)[0][1])
    return Sealed(envelope, header, key)


@pytest.fixture(scope="module", params=SUITE_NAMES)
def sealed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Sealed:
    return _seal(tmp_path_factory.mktemp(f"reader-{request.param}"), str(request.param), PLAIN)


def _reader(sealed: Sealed, envelope: bytes | None = None) -> DecryptedSection:
    stream = io.BytesIO(sealed.envelope if envelope is None else envelope)
    return DecryptedSection(stream, sealed.header, sealed.header.section("whole"), sealed.key)


def test_reads_in_any_order_hash_every_chunk_once_in_order(sealed: Sealed) -> None:
    reader = _reader(sealed)
    reader.seek(-100, io.SEEK_END)  # a ZIP reader's first look: the end
    assert reader.read() == PLAIN[-100:]
    reader.seek(0)
    pieces = []
    while piece := reader.read(CHUNK * 3 + 5):
        pieces.append(piece)
    assert b"".join(pieces) == PLAIN
    reader.check_every_chunk()
    assert reader.ciphertext_hash_matches()


def test_chunks_read_backwards_beyond_the_kept_ones_are_read_again_for_the_hash(sealed: Sealed) -> None:
    entry = sealed.header.section("whole")
    assert entry.chunk_count > MAX_AHEAD + 2
    reader = _reader(sealed)
    for index in reversed(range(entry.chunk_count)):
        reader.seek(index * CHUNK)
        assert reader.read(CHUNK) == PLAIN[index * CHUNK : (index + 1) * CHUNK]
    assert reader.ciphertext_hash_matches()


def test_a_chunk_re_encrypted_with_the_key_authenticates_but_is_not_the_signed_ciphertext(sealed: Sealed) -> None:
    """Only the key holder can do this (the bidder, or whoever it gave the key to) — the signed hash is what stops a
    bid from being swapped in storage after the deadline."""
    header, entry, index = sealed.header, sealed.header.section("whole"), 5
    forged = chunk_cipher(entry.aead, sealed.key).encrypt(
        chunk_nonce(index, False), b"x" * CHUNK, chunk_associated_data(section_context(header, entry))
    )
    envelope = bytearray(sealed.envelope)
    envelope[sealed.chunk_offset(index) : sealed.chunk_offset(index + 1)] = forged
    reader = _reader(sealed, bytes(envelope))
    assert reader.read()[index * CHUNK : (index + 1) * CHUNK] == b"x" * CHUNK  # every chunk authenticates
    reader.check_every_chunk()
    assert not reader.ciphertext_hash_matches()


def _receipt_header_hash(header: EnvelopeHeader) -> str:
    return get_suite(header.suite).hash(header.encoded).hex()


def _open(tmp_path: Path, envelope: bytes, sealed: Sealed) -> None:
    """Open the stored `envelope` as the bid whose receipt acknowledged `sealed`'s header."""
    blobs = LocalBlobStore(tmp_path / "blobs")
    key = blobs.put_bytes(envelope).key
    open_envelope_section(
        blobs,
        key,
        "whole",
        sealed.key,
        tender_id="T-2026-0001",
        lot_id="标段1",
        receipt_header_hash=_receipt_header_hash(sealed.header),
    )


def test_another_validly_signed_envelope_in_its_place_is_the_platforms_fault(sealed: Sealed, tmp_path: Path) -> None:
    """An envelope the bidder really signed (an older version, say) swapped in after the deadline: its signature and
    ciphertext hashes verify, but its header is not the one the receipt acknowledged."""
    other = _seal(tmp_path / "other", sealed.header.suite, PLAIN)
    with pytest.raises(DecryptionFailed) as caught:
        _open(tmp_path, other.envelope, sealed)
    assert caught.value.code == "stored_envelope_damaged"
    assert "receipt" in caught.value.message


def test_an_intact_section_that_is_no_archive_is_the_bidders_fault(sealed: Sealed, tmp_path: Path) -> None:
    with pytest.raises(DecryptionFailed) as caught:
        _open(tmp_path, sealed.envelope, sealed)
    assert caught.value.code == "archive_refused"


@pytest.mark.parametrize("index", [0, 7, -1])
def test_a_damaged_chunk_anywhere_is_the_platforms_fault(sealed: Sealed, tmp_path: Path, index: int) -> None:
    """Whatever fails first (here the chunk's tag, or the archive reader on the way), a ciphertext that is not the
    signed one is reported as damage in storage, as when the hash was checked before decrypting."""
    envelope = bytearray(sealed.envelope)
    position = sealed.chunk_offset(index if index >= 0 else sealed.header.section("whole").chunk_count - 1) + 3
    envelope[position] ^= 0x01
    with pytest.raises(DecryptionFailed) as caught:
        _open(tmp_path, bytes(envelope), sealed)
    assert caught.value.code == "stored_envelope_damaged"
