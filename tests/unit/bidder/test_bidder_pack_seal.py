"""The bidder tool offline: pack a spec into section archives, seal them for the lot, and open the envelope again
the way opening will — for one- and two-envelope tenders, with and without the backup-key remedy, in both suites."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from bidder_world import BIDDER_CODE, CANARY, Bidder, load_spec, requirements, write_spec

from zhaocai.bidder import pack, seal_bid
from zhaocai.bidding.archive import ArchiveRefused, read_archive
from zhaocai.bidding.manifest import SectionManifest
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import open_section, scan_envelope, unwrap_section_key, verify_header_signature
from zhaocai.sealing.recipients import der_of


def _open(envelope: Path, key: bytes, which: str = "bidder") -> dict[str, bytes]:
    data = envelope.read_bytes()
    header = scan_envelope(io.BytesIO(data)).header
    verify_header_signature(header)
    opened = {}
    for section in header.sections:
        content_key = unwrap_section_key(header, section, key, which=which)  # type: ignore[arg-type]
        stream = io.BytesIO(data)
        stream.seek(header.section_offset(section.name))
        out = io.BytesIO()
        open_section(stream, header, section, content_key, out)
        opened[section.name] = out.getvalue()
    return opened


def test_one_envelope_bid_packs_seals_and_opens(bidder: Bidder, tmp_path: Path) -> None:
    reqs = requirements(bidder.suite)
    archives = pack(
        load_spec(write_spec(tmp_path / "bid")), base_dir=tmp_path / "bid", out_dir=tmp_path / "out", requirements=reqs
    )
    assert list(archives) == ["whole"]
    envelope = tmp_path / "bid.zcenv"
    header = seal_bid(archives, envelope, requirements=reqs, credentials=bidder.without_backup(), bid_version=1)
    assert (header.tender_id, header.lot_id, header.bid_version, header.bidder.lead) == ("T-1", "L-1", 1, BIDDER_CODE)
    assert CANARY.encode() not in envelope.read_bytes()
    plaintext = _open(envelope, bidder.credentials.encryption_key or b"")["whole"]
    assert plaintext == archives["whole"].read_bytes()
    manifest, members = read_archive(io.BytesIO(plaintext), get_suite(bidder.suite).hasher)
    assert manifest.price is not None and str(manifest.price.total) == "1250.50"
    assert manifest.price.total_in_words == "壹仟贰佰伍拾元伍角"
    assert [m.path for m in members] == ["技术标/施工组织设计.txt", "报价/已标价工程量清单.csv"]
    assert manifest.hash_algorithm == {"gm": "sm3", "std": "sha256"}[bidder.suite]


def test_two_envelope_bid_keeps_the_price_out_of_the_technical_section(bidder: Bidder, tmp_path: Path) -> None:
    reqs = requirements(bidder.suite, two_envelope=True, remedy=True)
    archives = pack(
        load_spec(write_spec(tmp_path / "bid")), base_dir=tmp_path / "bid", out_dir=tmp_path / "out", requirements=reqs
    )
    technical, _ = read_archive(archives["technical"], get_suite(bidder.suite).hasher)
    price, _ = read_archive(archives["price"], get_suite(bidder.suite).hasher)
    assert technical.price is None and not technical.bill and technical.project_manager is not None
    assert price.price is not None and len(price.bill) == 2 and price.duration_days is None
    envelope = tmp_path / "bid.zcenv"
    header = seal_bid(archives, envelope, requirements=reqs, credentials=bidder.credentials, bid_version=3)
    assert [s.name for s in header.sections] == ["technical", "price"]
    assert all(s.key_wrap("backup") is not None for s in header.sections)
    backup_key = der_of(bidder.backup_private_key.read_bytes(), "PRIVATE KEY")
    assert _open(envelope, backup_key, which="backup")["price"] == archives["price"].read_bytes()


def test_the_remedy_needs_a_backup_key_and_only_then(bidder: Bidder, tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path / "bid"))
    for remedy, credentials, fragment in (
        (True, bidder.without_backup(), "announce the backup-key remedy"),
        (False, bidder.credentials, "announces no backup-key remedy"),
    ):
        reqs = requirements(bidder.suite, remedy=remedy)
        archives = pack(spec, base_dir=tmp_path / "bid", out_dir=tmp_path / "out", requirements=reqs)
        with pytest.raises(ValidationFailed, match=fragment):
            seal_bid(archives, tmp_path / "x.zcenv", requirements=reqs, credentials=credentials, bid_version=1)
        assert not (tmp_path / "x.zcenv").exists()


def test_pack_is_deterministic_and_refuses_a_spec_for_another_lot(bidder: Bidder, tmp_path: Path) -> None:
    reqs = requirements(bidder.suite)
    spec = load_spec(write_spec(tmp_path / "bid"))
    first = pack(spec, base_dir=tmp_path / "bid", out_dir=tmp_path / "a", requirements=reqs)["whole"].read_bytes()
    second = pack(spec, base_dir=tmp_path / "bid", out_dir=tmp_path / "b", requirements=reqs)["whole"].read_bytes()
    assert first == second
    other = spec.model_copy(update={"lot_id": "L-2", "tender_id": "T-1"})
    with pytest.raises(ValidationFailed, match="lot L-2"):
        pack(other, base_dir=tmp_path / "bid", out_dir=tmp_path / "c", requirements=reqs)


def test_seal_refuses_archives_for_another_lot(bidder: Bidder, tmp_path: Path) -> None:
    reqs = requirements(bidder.suite)
    archives = pack(
        load_spec(write_spec(tmp_path / "bid")), base_dir=tmp_path / "bid", out_dir=tmp_path / "out", requirements=reqs
    )
    other = type(reqs)("T-1", "L-9", reqs.suite, reqs.sections, reqs.backup_key_remedy)
    with pytest.raises(ValidationFailed, match="lot L-1; sealing for tender T-1, lot L-9"):
        seal_bid(archives, tmp_path / "x.zcenv", requirements=other, credentials=bidder.without_backup(), bid_version=1)


def _rezip(source: Path, target: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            mutate(new, info, old.read(info))
    return target


def test_read_archive_refuses_tampering_links_and_escapes(bidder: Bidder, tmp_path: Path) -> None:
    reqs = requirements(bidder.suite)
    whole = pack(
        load_spec(write_spec(tmp_path / "bid")), base_dir=tmp_path / "bid", out_dir=tmp_path / "out", requirements=reqs
    )["whole"]
    hasher = get_suite(bidder.suite).hasher

    def altered(new, info, data):  # type: ignore[no-untyped-def]
        new.writestr(info, data.replace(b"10.00", b"99.00") if "清单" in info.filename else data)

    def extra(new, info, data):  # type: ignore[no-untyped-def]
        new.writestr(info, data)
        if info.filename == "manifest.json":
            new.writestr("files/../../evil.sh", b"#!/bin/sh")

    def link(new, info, data):  # type: ignore[no-untyped-def]
        if "清单" in info.filename:
            info.external_attr = (0o120777) << 16
        new.writestr(info, data)

    for mutate, fragment in ((altered, "does not match"), (extra, "'..'"), (link, "not a regular file")):
        with pytest.raises((ArchiveRefused, ValidationFailed)) as caught:
            read_archive(_rezip(whole, tmp_path / "bad.zip", mutate), hasher)
        assert fragment in caught.value.message
    with pytest.raises(ArchiveRefused, match="not a ZIP"):
        read_archive(io.BytesIO(b"%PDF-1.7 not a zip"), hasher)


def test_read_archive_refuses_a_zip_bomb(tmp_path: Path) -> None:
    from manifest_like import bomb_archive

    with pytest.raises(ArchiveRefused, match="fold"):
        read_archive(bomb_archive(tmp_path / "bomb.zip"), get_suite("std").hasher)


def test_manifest_is_what_opening_reads(bidder: Bidder, tmp_path: Path) -> None:
    reqs = requirements(bidder.suite)
    whole = pack(
        load_spec(write_spec(tmp_path / "bid")), base_dir=tmp_path / "bid", out_dir=tmp_path / "out", requirements=reqs
    )["whole"]
    with zipfile.ZipFile(whole) as archive:
        assert archive.namelist()[0] == "manifest.json"
        manifest = SectionManifest.decode(archive.read("manifest.json"))
    assert manifest.signals.tool_id.startswith("zhaocai-bidder/")
    assert len(manifest.signals.machine_hash) == 64
