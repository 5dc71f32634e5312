"""Seal, read, open: whole and two-envelope (分段) bids, the backup key, consortia, and random section sizes."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sealing_world import SMALL_CHUNK, Party, World, open_all

from zhaocai.sealing import (
    MAGIC,
    Bidder,
    EnvelopeError,
    EnvelopeReader,
    check_key_commitment,
    open_section,
    read_header,
    scan_envelope,
    unwrap_section_key,
    verify_header_signature,
)
from zhaocai.sealing.layout import TAG_SIZE


def test_whole_bid_round_trip(alice: Party) -> None:
    plaintext = b"technical and commercial offer " * 20
    data = alice.seal({"whole": plaintext})
    assert data.startswith(MAGIC)
    assert plaintext not in data and b"offer" not in data
    assert open_all(data, private_key=alice.encryption_key) == {"whole": plaintext}


def test_two_section_bid_round_trip_each_section_opens_alone(alice: Party) -> None:
    technical, price = b"technical proposal " * 11, "报价：壹佰万元整".encode() * 5
    data = alice.seal({"technical": technical, "price": price})
    header = read_header(io.BytesIO(data))
    assert [section.name for section in header.sections] == ["technical", "price"]
    assert header.sections[0].key_commitment != header.sections[1].key_commitment
    # the price section opens without touching the technical one (two-envelope tenders open them at different times)
    stream = io.BytesIO(data)
    stream.seek(header.section_offset("price"))
    out = io.BytesIO()
    key = unwrap_section_key(header, "price", alice.encryption_key)
    assert open_section(stream, header, "price", key, out) == len(price)
    assert out.getvalue() == price
    assert open_all(data, private_key=alice.encryption_key) == {"technical": technical, "price": price}


def test_backup_key_opens_the_bid_when_the_tender_announces_the_remedy(alice: Party) -> None:
    data = alice.seal({"whole": b"bid"}, backup_key=alice.backup_public_key)
    header = read_header(io.BytesIO(data))
    wrap = header.sections[0].key_wrap("backup")
    assert wrap is not None and wrap.recipient_type == "public_key"
    key = unwrap_section_key(header, "whole", alice.backup_private_key, which="backup")
    assert key == unwrap_section_key(header, "whole", alice.encryption_key, which="bidder")
    assert open_all(data, {"whole": key}) == {"whole": b"bid"}


def test_without_backup_there_is_no_backup_wrap(alice: Party) -> None:
    header = read_header(io.BytesIO(alice.seal({"whole": b"bid"})))
    with pytest.raises(EnvelopeError) as caught:
        unwrap_section_key(header, "whole", alice.backup_private_key, which="backup")
    assert caught.value.code == "no_such_key_wrap"


def test_another_bidders_private_key_does_not_unwrap(alice: Party, bob: Party) -> None:
    header = read_header(io.BytesIO(alice.seal({"whole": b"bid"})))
    with pytest.raises(EnvelopeError) as caught:
        unwrap_section_key(header, "whole", bob.encryption_key)
    assert caught.value.code == "key_unwrap_failed"


def test_header_names_the_bid_and_its_recipient(alice: Party, world: World) -> None:
    consortium = Bidder.consortium("91110000100000008J", ["91310000MA1FL0007C", "91440300MA5F00000A"])
    data = alice.seal({"whole": b"x"}, bidder=consortium, bid_version=3, lot_id="lot-2")
    header = read_header(io.BytesIO(data))
    assert (header.suite, header.tender_id, header.lot_id, header.bid_version) == (
        world.suite,
        "T-2026-0001",
        "lot-2",
        3,
    )
    assert header.bidder == consortium and header.bidder.is_consortium
    assert len(header.nonce) >= 16
    assert header.chunk_size == SMALL_CHUNK
    from zhaocai.crypto.certs.parsed import ParsedCertificate

    wrap = header.sections[0].key_wrap("bidder")
    assert wrap is not None and wrap.recipient_type == "certificate"
    assert wrap.recipient_sha256 == ParsedCertificate.from_bytes(alice.encryption_certificate).fingerprint
    assert header.signer_certificate == ParsedCertificate.from_bytes(alice.signer_certificate).der


def test_signature_verifies_with_the_certificate_or_its_key(alice: Party, bob: Party) -> None:
    header = read_header(io.BytesIO(alice.seal({"whole": b"x"})))
    verify_header_signature(header)
    verify_header_signature(header, alice.signer_certificate)
    verify_header_signature(header, alice.signing_key.public_key())
    with pytest.raises(EnvelopeError) as caught:
        verify_header_signature(header, bob.signer_certificate)
    assert caught.value.code == "bad_signature"


def test_signature_passes_a_trust_store_check(alice: Party, world: World) -> None:
    from zhaocai.crypto.trust import TrustStore

    header = read_header(io.BytesIO(alice.seal({"whole": b"x"})))
    store = TrustStore(certificates=[world.ca.certificate_pem])
    verified = store.verify_signature(
        header.signer_certificate,
        header.signed_message,
        header.signature,
        at=world.ca.certificate.not_before,
        suite=header.suite,
    )
    assert verified.organization == alice.organisation


def test_reader_reports_byte_ranges_and_leaves_read_header_at_the_ciphertext(alice: Party) -> None:
    data = alice.seal({"technical": b"t" * 200, "price": b""})
    report = scan_envelope(io.BytesIO(data))
    header = report.header
    assert report.length == len(data) == header.envelope_length
    assert data[report.header_range.offset : report.header_range.offset + report.header_range.length] == header.encoded
    assert data[report.signature_range.offset :][: report.signature_range.length] == header.signature
    technical, price = report.sections
    assert (technical.offset, price.offset) == (header.section_offset("technical"), header.section_offset("price"))
    assert technical.length == 200 + 4 * TAG_SIZE and price.length == TAG_SIZE
    assert price.offset + price.length == len(data)
    stream = io.BytesIO(data)
    read_header(stream)
    assert stream.tell() == header.ciphertext_offset == technical.offset


def test_reader_accepts_any_block_sizes(alice: Party) -> None:
    data = alice.seal({"technical": b"t" * 300, "price": b"p" * 64})
    expected = scan_envelope(io.BytesIO(data))
    for block in (1, 7, 64, 1000):
        reader = EnvelopeReader()
        for start in range(0, len(data), block):
            reader.feed(data[start : start + block])
        assert reader.finish() == expected


def test_header_is_known_as_soon_as_it_has_arrived(alice: Party) -> None:
    data = alice.seal({"whole": b"w" * 500})
    reader = EnvelopeReader()
    header = read_header(io.BytesIO(data))
    reader.feed(data[: header.ciphertext_offset - 1])
    assert reader.header is None
    reader.feed(data[header.ciphertext_offset - 1 : header.ciphertext_offset])
    assert reader.header == header


def test_local_test_decryption_passes_and_catches_a_wrong_key(alice: Party, bob: Party) -> None:
    data = alice.seal({"whole": b"ok"}, test_decrypt_key=alice.encryption_key)
    assert open_all(data, private_key=alice.encryption_key) == {"whole": b"ok"}
    out = io.BytesIO()
    with pytest.raises(EnvelopeError) as caught:
        alice.seal({"whole": b"bid"}, test_decrypt_key=bob.encryption_key, out=out)
    assert caught.value.code == "test_decrypt_failed"
    assert caught.value.detail == {"cause": "key_unwrap_failed"}
    assert out.getvalue() == b""


def test_signing_key_must_match_the_signer_certificate(alice: Party, bob: Party) -> None:
    with pytest.raises(EnvelopeError) as caught:
        alice.seal({"whole": b"x"}, signing_key=bob.signing_key)
    assert caught.value.code == "certificate_key_mismatch"


def test_certificates_of_the_other_suite_are_refused(alice: Party, world: World) -> None:
    other = "std" if world.suite == "gm" else "gm"
    with pytest.raises(EnvelopeError) as caught:
        alice.seal({"whole": b"x"}, suite=other)
    assert caught.value.code == "wrong_suite"


@pytest.mark.parametrize(
    ("overrides", "sections"),
    [
        ({"tender_id": ""}, {"whole": b""}),
        ({"lot_id": "x\n"}, {"whole": b""}),
        ({"bid_version": 0}, {"whole": b""}),
        ({"chunk_size": 32}, {"whole": b""}),
        ({}, {"Price": b""}),
        ({}, {}),
    ],
)
def test_bad_input_is_refused_before_anything_is_encrypted(alice: Party, overrides: dict, sections: dict) -> None:
    with pytest.raises(EnvelopeError) as caught:
        alice.seal(sections, **overrides)
    assert caught.value.code == "malformed_header"


class _Trickle(io.RawIOBase):
    """A plaintext source that returns short reads, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        taken = bytes(self._data[: min(size, 5)])
        self._data = self._data[len(taken) :]
        return taken


def test_short_reads_from_the_plaintext_source_give_the_same_chunking(alice: Party) -> None:
    from zhaocai.sealing import seal

    out = io.BytesIO()
    plaintext = bytes(range(256)) * 2
    header = seal(
        out,
        [("whole", _Trickle(plaintext))],  # type: ignore[list-item]
        suite=alice.suite,
        tender_id="T",
        lot_id="L",
        bidder=Bidder.organisation(alice.organisation),
        bid_version=1,
        signing_key=alice.signing_key,
        signer_certificate=alice.signer_certificate,
        encryption_certificate=alice.encryption_certificate,
        chunk_size=SMALL_CHUNK,
    )
    assert header.sections[0].chunk_count == len(plaintext) // SMALL_CHUNK
    assert open_all(out.getvalue(), private_key=alice.encryption_key) == {"whole": plaintext}


_sizes = st.one_of(
    st.sampled_from([0, 1, SMALL_CHUNK - 1, SMALL_CHUNK, SMALL_CHUNK + 1, 2 * SMALL_CHUNK, 5 * SMALL_CHUNK]),
    st.integers(0, 8 * SMALL_CHUNK),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(_sizes, min_size=1, max_size=3), seed=st.binary(min_size=1, max_size=8))
def test_random_section_sizes_round_trip(alice: Party, sizes: list[int], seed: bytes) -> None:
    sections = {f"s{i}": (seed * (size // len(seed) + 1))[:size] for i, size in enumerate(sizes)}
    data = alice.seal(sections)
    header = read_header(io.BytesIO(data))
    for section, size in zip(header.sections, sizes, strict=True):
        assert section.chunk_count == max(1, -(-size // SMALL_CHUNK))
        assert section.ciphertext_length == size + section.chunk_count * TAG_SIZE
    keys = {section.name: unwrap_section_key(header, section, alice.encryption_key) for section in header.sections}
    for name, key in keys.items():
        check_key_commitment(header, name, key)
    assert open_all(data, keys) == sections
