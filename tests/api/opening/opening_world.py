"""Bid packages in the published bid format (docs/bid-format.md) sealed by the bidding world's parties, keys
unwrapped as the bidder tool does, and the moves of an opening (deadline, window end, the time job)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bidding_world import Party, World

from zhaocai.bidder.unwrap import unwrap_keys
from zhaocai.bidding.archive import write_archive
from zhaocai.bidding.manifest import HASH_OF_SUITE, SectionManifest
from zhaocai.core.money import amount_in_words
from zhaocai.crypto.suites import get_suite
from zhaocai.opening.closing import do_process_due_openings, record_signer
from zhaocai.sealing import read_header
from zhaocai.tendering.scenario import OpenedTender
from zhaocai.tendering.scheduler import do_process_due_tenders

TECHNICAL_FILE = "技术标/施工组织设计.pdf"
PRICE_FILE = "商务标/报价清单.xlsx"


@dataclass
class Bid:
    party: Party
    lot_id: str
    envelope: bytes
    sections: tuple[str, ...]

    def keys(self, sections: list[str] | None = None, *, backup_key: bytes | None = None) -> dict[str, bytes]:
        header = read_header(io.BytesIO(self.envelope))
        creds = self.party.credentials[header.suite]
        private = backup_key if backup_key is not None else creds.encryption_key
        return unwrap_keys(header, private, sections, backup=backup_key is not None)


@dataclass
class Opening:
    world: World
    tmp: Path
    bids: list[Bid] = field(default_factory=list)

    def manifest(
        self, party: Party, tender: OpenedTender, lot_id: str, section: str, files: dict[str, bytes], price: str
    ) -> SectionManifest:
        suite = self.world.suite
        value: dict[str, Any] = {
            "section": section,
            "tender_id": tender.tender_id,
            "lot_id": lot_id,
            "bidder": {"kind": "organisation", "credit_code": party.credit_code, "name": f"{party.username} 有限公司"},
            "hash_algorithm": HASH_OF_SUITE[suite],
            "files": [self._entry(path, data, suite) for path, data in files.items()],
            "signals": {"machine_hash": "cd" * 32, "tool_id": "zhaocai-bidder/0.1.0"},
        }
        if section in ("whole", "price"):
            value["price"] = {"total": price, "total_in_words": amount_in_words(Decimal(price))}
        if section in ("whole", "technical"):
            value |= {
                "duration_days": 365,
                "quality": "合格",
                "project_manager": {"name": "张三", "certificate_number": "京111060800001"},
                "declared": {"safety_licence": "(京)JZ安许证字[2020]000001"},
            }
        return SectionManifest.model_validate(value)

    @staticmethod
    def _entry(path: str, data: bytes, suite: str) -> dict[str, Any]:
        hasher = get_suite(suite).hasher()
        hasher.update(data)
        return {"path": path, "size": len(data), "hash": hasher.digest().hex()}

    def archive(self, manifest: SectionManifest, files: dict[str, bytes]) -> bytes:
        paths = {}
        for index, (path, data) in enumerate(files.items()):
            target = self.tmp / f"f{len(self.bids)}-{index}"
            target.write_bytes(data)
            paths[path] = target
        out = io.BytesIO()
        write_archive(out, manifest, paths)
        return out.getvalue()

    def sections(
        self, party: Party, tender: OpenedTender, lot_id: str, price: str, two_envelope: bool
    ) -> dict[str, bytes]:
        technical = {TECHNICAL_FILE: f"{party.username} 施工组织设计".encode() * 50}
        priced = {PRICE_FILE: f"{party.username} 报价 {price}".encode()}
        if two_envelope:
            return {
                "technical": self.archive(
                    self.manifest(party, tender, lot_id, "technical", technical, price), technical
                ),
                "price": self.archive(self.manifest(party, tender, lot_id, "price", priced, price), priced),
            }
        files = technical | priced
        return {"whole": self.archive(self.manifest(party, tender, lot_id, "whole", files, price), files)}

    def bid(
        self,
        party: Party,
        tender: OpenedTender,
        *,
        lot_id: str | None = None,
        price: str = "1250000.00",
        two_envelope: bool = False,
        sections: dict[str, bytes] | None = None,
        **seal: Any,
    ) -> Bid:
        lot = lot_id or tender.lot_ids[0]
        payload = sections or self.sections(party, tender, lot, price, two_envelope)
        envelope = party.seal(tender, lot, sections=payload, **seal)
        response = party.submit(lot, envelope)
        assert response.status_code == 201, response.text
        bid = Bid(party, lot, envelope, tuple(payload))
        self.bids.append(bid)
        return bid

    def reach_deadline(self, tender: OpenedTender) -> None:
        self.world.clock.set(tender.bid_deadline)
        run = do_process_due_tenders(uow_factory=self.world.container.uow, clock=self.world.clock)
        assert not run.failed, run.failed

    def process(self):  # type: ignore[no-untyped-def]
        container = self.world.container
        return do_process_due_openings(
            uow_factory=container.uow, clock=self.world.clock, signer=record_signer(container)
        )

    def hand_over(self, party: Party, lot_id: str, keys: dict[str, bytes]):  # type: ignore[no-untyped-def]
        import base64

        body = {"keys": {name: base64.b64encode(key).decode() for name, key in keys.items()}}
        return self.world.client.post(f"/api/v1/lots/{lot_id}/opening/keys", json=body, headers=party.headers)
