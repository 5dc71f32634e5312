"""Attacks on stored and uploaded bids (security.md §4, attacks 5, 6, 9): every alteration is refused, by the check
that should catch it, with a code that says which."""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sealing_world import (
    SMALL_CHUNK,
    Party,
    World,
    assemble,
    header_value,
    open_all,
    parts,
    rebuild,
    replace_section,
    section_chunks,
    section_keys,
)

from zhaocai.core.canonical import canonical_json
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import (
    EnvelopeError,
    EnvelopeHeader,
    EnvelopeReader,
    Limits,
    check_key_commitment,
    open_section,
    read_header,
    scan_envelope,
    unwrap_section_key,
    verify_header_signature,
)
from zhaocai.sealing.layout import MAGIC, MAX_HEADER_BYTES, PREAMBLE_SIZE, SIGNATURE_LABEL, pack_preamble
from zhaocai.sealing.recipients import Recipient

TECHNICAL = b"technical proposal, 150 bytes long. " * 4 + b"......"
PRICE = "投标报价 1,000,000.00 元".encode()


@dataclass
class Sample:
    data: bytes
    header: EnvelopeHeader
    keys: dict[str, bytes]


@pytest.fixture(scope="module")
def sample(world: World) -> Sample:
    data = world.alice.seal({"technical": TECHNICAL, "price": PRICE}, backup_key=world.alice.backup_public_key)
    header = read_header(io.BytesIO(data))
    return Sample(data, header, section_keys(header, world.alice))


def _refusal(data: bytes, keys: dict[str, bytes]) -> str:
    with pytest.raises(EnvelopeError) as caught:
        open_all(data, keys)
    return caught.value.code


def _open_directly(data: bytes, header: EnvelopeHeader, name: str, key: bytes) -> str:
    """Open a section without the keyless scan first (as if the stored copy changed after upload)."""
    stream = io.BytesIO(data)
    stream.seek(header.section_offset(name))
    with pytest.raises(EnvelopeError) as caught:
        open_section(stream, header, name, key, io.BytesIO())
    return caught.value.code


def test_the_untouched_sample_opens(sample: Sample) -> None:
    assert open_all(sample.data, sample.keys) == {"technical": TECHNICAL, "price": PRICE}
    assert len(section_chunks(sample.data, "technical")) == 3


def test_a_flipped_byte_anywhere_is_refused(sample: Sample) -> None:
    header = sample.header
    signature_start = header.ciphertext_offset - len(header.signature) - 2
    regions = {
        "preamble": (0, PREAMBLE_SIZE),
        "header": (PREAMBLE_SIZE, signature_start),
        "signature": (signature_start, header.ciphertext_offset),
        "ciphertext": (header.ciphertext_offset, len(sample.data)),
    }
    allowed = {
        "preamble": {
            "not_an_envelope",
            "unsupported_version",
            "header_too_large",
            "malformed_header",
            "truncated",
            "malformed_signature",
        },
        # a changed length or hash digit is caught by the keyless scan before the signature is checked
        "header": {"malformed_header", "bad_signature", "truncated", "trailing_data", "ciphertext_hash_mismatch"},
        "signature": {"malformed_signature", "bad_signature", "truncated", "ciphertext_hash_mismatch"},
        "ciphertext": {"ciphertext_hash_mismatch"},
    }
    for region, (start, end) in regions.items():
        found = set()
        for position in range(start, end):
            tampered = bytearray(sample.data)
            tampered[position] ^= 0x01 if position % 2 else 0x80
            found.add(_refusal(bytes(tampered), sample.keys))
        assert found <= allowed[region], (region, found)


@pytest.mark.parametrize("where", ["first chunk body", "middle chunk tag", "last chunk tag", "single chunk"])
def test_a_flipped_ciphertext_byte_fails_its_tag_even_without_the_hash_check(sample: Sample, where: str) -> None:
    name, offset = {
        "first chunk body": ("technical", 0),
        "middle chunk tag": ("technical", 2 * SMALL_CHUNK + 16 - 1),
        "last chunk tag": ("technical", sample.header.section("technical").ciphertext_length - 1),
        "single chunk": ("price", 3),
    }[where]
    tampered = bytearray(sample.data)
    tampered[sample.header.section_offset(name) + offset] ^= 0x04
    assert _open_directly(bytes(tampered), sample.header, name, sample.keys[name]) == "chunk_authentication_failed"


def test_removing_the_last_chunk_is_refused(sample: Sample, alice: Party) -> None:
    chunks = section_chunks(sample.data, "price")
    assert len(chunks) == 1
    technical = section_chunks(sample.data, "technical")
    cut = replace_section(sample.data, "technical", b"".join(technical[:-1]))
    assert _refusal(cut, sample.keys) == "ciphertext_hash_mismatch"
    cut_at_end = sample.data[: -len(chunks[-1])]
    assert _refusal(cut_at_end, sample.keys) == "truncated"
    assert _open_directly(cut_at_end, sample.header, "price", sample.keys["price"]) == "truncated"


def test_truncation_with_a_rewritten_header_fails_the_signature_and_the_last_chunk_flag(sample: Sample) -> None:
    """Someone cuts the last chunk and fixes up length, count and hash: the signature no longer verifies — and even a
    reader that skipped it would find the new last chunk was not sealed as a last chunk."""
    technical = section_chunks(sample.data, "technical")
    shortened = b"".join(technical[:-1])
    value = header_value(sample.data)
    entry = value["sections"][0]
    entry.update(
        chunk_count=2,
        ciphertext_length=len(shortened),
        ciphertext_hash=get_suite(sample.header.suite).hash(shortened).hex(),
    )
    tampered = assemble(
        canonical_json(value), sample.header.signature, shortened + section_chunks(sample.data, "price")[0]
    )
    assert _refusal(tampered, sample.keys) == "bad_signature"
    header = read_header(io.BytesIO(tampered))
    assert _open_directly(tampered, header, "technical", sample.keys["technical"]) == "chunk_authentication_failed"


def test_reordered_chunks_are_refused(sample: Sample) -> None:
    first, second, third = section_chunks(sample.data, "technical")
    swapped = replace_section(sample.data, "technical", second + first + third)
    assert _refusal(swapped, sample.keys) == "ciphertext_hash_mismatch"
    assert (
        _open_directly(swapped, sample.header, "technical", sample.keys["technical"]) == "chunk_authentication_failed"
    )


def test_a_chunk_moved_between_sections_is_refused(sample: Sample, alice: Party) -> None:
    data = alice.seal({"a": b"x" * SMALL_CHUNK, "b": b"y" * SMALL_CHUNK})
    header, _ = parts(data)
    keys = section_keys(header, alice)
    (a,), (b,) = section_chunks(data, "a"), section_chunks(data, "b")
    moved = replace_section(replace_section(data, "a", b), "b", a)
    assert _refusal(moved, keys) == "ciphertext_hash_mismatch"
    assert _open_directly(moved, header, "a", keys["a"]) == "chunk_authentication_failed"


def test_ciphertext_swapped_between_two_bidders_is_refused(sample: Sample, bob: Party) -> None:
    bobs = bob.seal({"technical": TECHNICAL, "price": PRICE}, backup_key=bob.backup_public_key)
    bob_header, bob_ciphertext = parts(bobs)
    assert bob_header.sections[0].ciphertext_length == sample.header.sections[0].ciphertext_length
    # Alice's signed header over Bob's ciphertext: the signed hashes do not match
    swapped = assemble(sample.header.encoded, sample.header.signature, bob_ciphertext)
    assert _refusal(swapped, sample.keys) == "ciphertext_hash_mismatch"
    # ... and with Bob's hashes copied into Alice's header, her signature fails
    value = header_value(sample.data)
    for entry, bobs_entry in zip(value["sections"], header_value(bobs)["sections"], strict=True):
        entry["ciphertext_hash"] = bobs_entry["ciphertext_hash"]
    assert _refusal(assemble(canonical_json(value), sample.header.signature, bob_ciphertext), sample.keys) == (
        "bad_signature"
    )
    # ... and Bob's chunks do not authenticate under Alice's key and header context
    assert (
        _open_directly(swapped, sample.header, "technical", sample.keys["technical"]) == "chunk_authentication_failed"
    )


def test_a_whole_envelope_resigned_by_another_bidder_does_not_open_with_its_keys(sample: Sample, bob: Party) -> None:
    """Bob re-signs Alice's envelope as his own bid: the bidder in the context changes, so nothing authenticates,
    and the key wraps still open only with Alice's key."""
    value = header_value(sample.data)
    value["bidder"] = {"kind": "organisation", "id": bob.organisation}
    value["signer_certificate"] = (
        parts(bob.seal({"x": b""}))[0].encoded and header_value(bob.seal({"x": b""}))["signer_certificate"]
    )
    stolen = rebuild(sample.data, value, signing_key=bob.signing_key)
    header = scan_envelope(io.BytesIO(stolen)).header
    verify_header_signature(header, bob.signer_certificate)
    with pytest.raises(EnvelopeError) as caught:
        unwrap_section_key(header, "price", bob.encryption_key)
    assert caught.value.code == "key_unwrap_failed"
    with pytest.raises(EnvelopeError) as caught:
        check_key_commitment(header, "price", sample.keys["price"])
    assert caught.value.code == "key_commitment_mismatch"


@pytest.mark.parametrize("change", ["strip backup", "swap wraps between sections", "wrap from another envelope"])
def test_a_stripped_or_swapped_key_wrap_fails_the_signature(sample: Sample, alice: Party, change: str) -> None:
    value = header_value(sample.data)
    technical, price = value["sections"]
    if change == "strip backup":
        technical["key_wraps"] = technical["key_wraps"][:1]
    elif change == "swap wraps between sections":
        technical["key_wraps"], price["key_wraps"] = price["key_wraps"], technical["key_wraps"]
    else:
        other = header_value(alice.seal({"technical": TECHNICAL, "price": PRICE}, backup_key=alice.backup_public_key))
        technical["key_wraps"] = other["sections"][0]["key_wraps"]
    assert _refusal(rebuild(sample.data, value), sample.keys) == "bad_signature"


def test_a_different_key_handed_over_at_opening_is_refused(sample: Sample) -> None:
    for wrong in (secrets.token_bytes(len(sample.keys["price"])), sample.keys["technical"], b""):
        with pytest.raises(EnvelopeError) as caught:
            check_key_commitment(sample.header, "price", wrong)
        assert caught.value.code == "key_commitment_mismatch"
        assert _open_directly(sample.data, sample.header, "price", wrong) == "key_commitment_mismatch"


def test_a_bidder_cannot_wrap_another_key_than_it_committed_to(alice: Party) -> None:
    """The bidder signs its own header, so it could wrap a second key to itself: the commitment catches it."""
    data = alice.seal({"whole": b"the real bid"})
    header, _ = parts(data)
    decoy = secrets.token_bytes(len(unwrap_section_key(header, "whole", alice.encryption_key)))
    recipient = Recipient.from_certificate(alice.encryption_certificate)
    value = header_value(data)
    wrapped = get_suite(alice.suite).key_wrap.wrap(recipient.spki_der, decoy)
    value["sections"][0]["key_wraps"][0]["wrapped"] = base64.b64encode(wrapped).decode()
    resigned = rebuild(data, value, signing_key=alice.signing_key)
    header = scan_envelope(io.BytesIO(resigned)).header
    verify_header_signature(header, alice.signer_certificate)
    with pytest.raises(EnvelopeError) as caught:
        unwrap_section_key(header, "whole", alice.encryption_key)
    assert caught.value.code == "key_commitment_mismatch"


_ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 200
_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 5


@pytest.mark.parametrize("plain", [_ZIP, _PDF, b"", b"\x89", b"\x89ZCENV\r\r" + b"\x00" * 100, MAGIC[::-1] * 20])
def test_a_plain_file_posing_as_a_bid_is_not_an_envelope(plain: bytes) -> None:
    for read in (lambda data: scan_envelope(io.BytesIO(data)), lambda data: read_header(io.BytesIO(data))):
        with pytest.raises(EnvelopeError) as caught:
            read(plain)
        assert caught.value.code == "not_an_envelope"
    if plain[:1] and plain[:1] != MAGIC[:1]:
        with pytest.raises(EnvelopeError) as caught:
            EnvelopeReader().feed(plain[:1])  # refused on its first byte
        assert caught.value.code == "not_an_envelope"


@pytest.mark.parametrize("length", [MAX_HEADER_BYTES + 1, 2**32 - 1])
def test_an_oversized_header_is_refused_from_the_preamble(length: int) -> None:
    reader = EnvelopeReader()
    with pytest.raises(EnvelopeError) as caught:
        reader.feed(pack_preamble(length))
    assert caught.value.code == "header_too_large"
    with pytest.raises(EnvelopeError):
        reader.feed(b"{}")  # a refused reader stays refused


def test_a_header_above_the_servers_own_limit_is_refused(sample: Sample) -> None:
    with pytest.raises(EnvelopeError) as caught:
        EnvelopeReader(Limits(max_header_bytes=1024)).feed(sample.data[:PREAMBLE_SIZE])
    assert caught.value.code == "header_too_large"


@pytest.mark.parametrize(
    "limits", [Limits(max_sections=1), Limits(max_chunks_per_section=2), Limits(max_envelope_bytes=1000)]
)
def test_absurd_counts_are_refused_as_soon_as_the_header_has_arrived(sample: Sample, limits: Limits) -> None:
    reader = EnvelopeReader(limits)
    with pytest.raises(EnvelopeError) as caught:
        reader.feed(sample.data[: sample.header.ciphertext_offset])
    assert caught.value.code == "limit_exceeded"


def test_a_header_claiming_impossible_lengths_is_refused(sample: Sample, alice: Party) -> None:
    value = header_value(sample.data)
    value["sections"][0]["chunk_count"] = 2**40
    value["sections"][0]["ciphertext_length"] = 2**40 * (SMALL_CHUNK + 16)
    with pytest.raises(EnvelopeError) as caught:
        read_header(io.BytesIO(rebuild(sample.data, value, signing_key=alice.signing_key)))
    assert caught.value.code == "limit_exceeded"
    value["sections"][0]["chunk_count"] = 1  # 1 chunk cannot hold that many bytes
    with pytest.raises(EnvelopeError) as caught:
        read_header(io.BytesIO(rebuild(sample.data, value, signing_key=alice.signing_key)))
    assert caught.value.code == "malformed_header"


def test_bytes_after_the_last_section_are_refused(sample: Sample) -> None:
    assert _refusal(sample.data + b"\x00", sample.keys) == "trailing_data"


def test_an_unknown_format_version_is_refused(sample: Sample) -> None:
    tampered = sample.data[:8] + b"\x00\x02" + sample.data[10:]
    with pytest.raises(EnvelopeError) as caught:
        read_header(io.BytesIO(tampered))
    assert caught.value.code == "unsupported_version"


@pytest.mark.parametrize(
    "encode",
    [
        lambda value: canonical_json(value).replace(b'","', b'", "', 1),  # whitespace
        lambda value: canonical_json(value).replace(b'{"bid_version":1,', b'{"bid_version":1,"bid_version":1,', 1),
        lambda value: canonical_json(value | {"comment": "x"}),  # unknown field
        lambda value: canonical_json(value | {"chunk_size": 64.0}),  # not an integer
        lambda value: canonical_json(value)[:-1],  # not JSON
    ],
    ids=["whitespace", "duplicate key", "unknown key", "float", "cut"],
)
def test_a_non_canonical_header_is_refused_even_when_signed(
    sample: Sample, alice: Party, encode: Callable[[dict[str, Any]], bytes]
) -> None:
    encoded = encode(header_value(sample.data))
    _, ciphertext = parts(sample.data)
    data = assemble(encoded, alice.signing_key.sign(SIGNATURE_LABEL + encoded), ciphertext)
    with pytest.raises(EnvelopeError) as caught:
        read_header(io.BytesIO(data))
    assert caught.value.code == "malformed_header"


@pytest.mark.parametrize("signature_length", [0, 7, 257, 65535])
def test_an_absurd_signature_length_is_refused(sample: Sample, signature_length: int) -> None:
    header = sample.header
    at = header.ciphertext_offset - len(header.signature) - 2
    tampered = sample.data[:at] + signature_length.to_bytes(2, "big") + sample.data[at + 2 :]
    with pytest.raises(EnvelopeError) as caught:
        read_header(io.BytesIO(tampered))
    assert caught.value.code == "malformed_signature"


def test_an_envelope_of_the_other_suite_is_refused_with_the_wrong_suite(sample: Sample, world: World) -> None:
    other = "std" if world.suite == "gm" else "gm"
    with pytest.raises(EnvelopeError) as caught:
        unwrap_section_key(sample.header, "price", world.alice.encryption_key, suite=other)
    assert caught.value.code == "wrong_suite"
