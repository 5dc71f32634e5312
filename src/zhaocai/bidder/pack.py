"""`pack`: a bid spec and its files → one ZIP archive per section (docs/bid-format.md), each with its manifest.

One-envelope tenders get `whole.zip` with everything; two-envelope tenders `technical.zip` (the spec's `files`, the
duration, quality, project manager, declared fields) and `price.zip` (the price, the priced bill, `price_files`).
Every archive is read back and checked against its manifest before `pack` returns.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from zhaocai.bidder.requirements import BidRequirements
from zhaocai.bidder.signals import TOOL_ID, machine_hash
from zhaocai.bidder.spec import BidSpec
from zhaocai.bidding.archive import read_archive, write_archive
from zhaocai.bidding.filenames import check_file_name
from zhaocai.bidding.manifest import HASH_OF_SUITE, PRICED_SECTIONS, TECHNICAL_SECTIONS, SectionManifest
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto.suites import get_suite

READ_BLOCK = 1024 * 1024


def _file_entry(path: str, source: Path, suite: str) -> dict[str, Any]:
    check_file_name(path)
    if not source.is_file():
        raise ValidationFailed(f"bid file {path!r} is not a regular file at {source}", field="files")
    hasher = get_suite(suite).hasher()
    size = 0
    with source.open("rb") as handle:
        while block := handle.read(READ_BLOCK):
            hasher.update(block)
            size += len(block)
    return {"path": path, "size": size, "hash": hasher.digest().hex()}


def section_files(spec: BidSpec, requirements: BidRequirements) -> dict[str, list[str]]:
    if requirements.two_envelope:
        return {"technical": list(spec.files), "price": list(spec.price_files)}
    return {"whole": [*spec.files, *spec.price_files]}


def section_manifest(
    spec: BidSpec, requirements: BidRequirements, section: str, files: list[dict[str, Any]], signals: dict[str, str]
) -> SectionManifest:
    value: dict[str, Any] = {
        "section": section,
        "tender_id": spec.tender_id or requirements.tender_id,
        "lot_id": spec.lot_id or requirements.lot_id,
        "bidder": spec.bidder.model_dump(mode="json"),
        "hash_algorithm": HASH_OF_SUITE[requirements.suite],
        "files": files,
        "signals": signals,
    }
    if section in PRICED_SECTIONS:
        value |= {"price": spec.price_json(), "bill": spec.bill_json()}
    if section in TECHNICAL_SECTIONS:
        value |= {
            "duration_days": spec.duration_days,
            "quality": spec.quality,
            "project_manager": spec.project_manager.model_dump(mode="json"),
            "declared": spec.declared,
        }
    try:
        return SectionManifest.model_validate(value)
    except ValidationError as exc:
        raise ValidationFailed(f"the bid does not follow docs/bid-format.md: {exc}", field="spec") from exc


def pack(spec: BidSpec, *, base_dir: Path, out_dir: Path, requirements: BidRequirements) -> dict[str, Path]:
    """Write `<out_dir>/<section>.zip` for each section the lot asks for; return section name → archive path."""
    if (spec.tender_id, spec.lot_id) != (None, None) and (spec.tender_id, spec.lot_id) != (
        requirements.tender_id,
        requirements.lot_id,
    ):
        raise ValidationFailed(
            f"the spec is for tender {spec.tender_id}, lot {spec.lot_id}; the requirements for tender "
            f"{requirements.tender_id}, lot {requirements.lot_id}",
            field="lot_id",
        )
    signals = {"machine_hash": machine_hash(requirements.suite), "tool_id": TOOL_ID}
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for section, paths in section_files(spec, requirements).items():
        sources = {path: base_dir / path for path in paths}
        entries = [_file_entry(path, source, requirements.suite) for path, source in sources.items()]
        manifest = section_manifest(spec, requirements, section, entries, signals)
        target = out_dir / f"{section}.zip"
        partial = target.with_name(f".{target.name}.part")
        with partial.open("wb") as out:
            write_archive(out, manifest, sources)
        read_archive(partial, get_suite(requirements.suite).hasher)  # what opening will do, done now
        os.replace(partial, target)
        written[section] = target
    return written
