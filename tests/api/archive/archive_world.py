"""Driving a tender to an archive package through the real API, and writing the trust anchors a user would give."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bidding_world import MS, Party, World

from zhaocai.bidder import BidderClient
from zhaocai.tendering.scenario import OpenedTender


@dataclass
class Archived:
    tender: OpenedTender
    parties: dict[str, Party]
    package: dict[str, Any]  # the API's description
    data: bytes  # the package as downloaded
    tenderer: dict[str, str]  # the tenderer's headers


def run_tender(world: World, suite: str) -> tuple[OpenedTender, dict[str, Party]]:
    """Three bidders; alice submits twice, bob withdraws and submits again; then the deadline passes."""
    world.suite = suite
    tender = world.tender()
    lot = tender.lot_ids[0]
    parties = {name: world.bidder(name) for name in ("alice", "bob", "carol")}
    for name, versions in (("alice", 2), ("bob", 1), ("carol", 1)):
        party = parties[name]
        for version in range(1, versions + 1):
            assert party.submit(lot, party.seal(tender, version=version)).status_code == 201
    BidderClient(http=world.client, token=parties["bob"].token).withdraw(lot, parties["bob"].credentials[suite])
    bob = parties["bob"]
    assert bob.submit(lot, bob.seal(tender, version=2)).status_code == 201
    world.clock.set(tender.bid_deadline + MS)
    return tender, parties


def build(world: World, tender: OpenedTender, headers: dict[str, str]) -> tuple[dict[str, Any], bytes]:
    built = world.client.post(f"/api/v1/tenders/{tender.tender_id}/archives", headers=headers)
    assert built.status_code == 201, built.text
    package = built.json()
    download = world.client.get(package["download"], headers=headers)
    assert download.status_code == 200, download.text
    return package, download.content


def archived(world: World, suite: str) -> Archived:
    tender, parties = run_tender(world, suite)
    tenderer = world.tenderer_headers()
    package, data = build(world, tender, tenderer)
    return Archived(tender, parties, package, data, tenderer)


def write_anchors(world: World, directory: Path, suite: str, *, with_cas: bool = True) -> Path:
    """What a user gives --trust: the platform's published keys and the CA roots, fetched/saved beforehand."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = world.client.get("/.well-known/zhaocai-keys.json").json()
    (directory / "zhaocai-keys.json").write_text(json.dumps(keys))
    if with_cas:
        for index, ca in enumerate(world.pki.cas[suite]):
            (directory / f"ca-{index}.pem").write_bytes(ca.certificate_pem)
    return directory


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()
