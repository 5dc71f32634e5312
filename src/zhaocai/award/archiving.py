"""What the award domain contributes to a tender's electronic archive (20号令40), per lot under `award/lot-<number>/`:
the candidate publicity as published and the objections with their answers, the award decision (with the candidates
passed over and why, and the report to the supervisor), every notice PDF with the tenderer's detached signature over
its bytes, the contract's canonical document once per party's signature over it, the bond interest owed and the
performance records. See zhaocai/archive/providers.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.award import award_publicities
from zhaocai.adapters.db.tables.tendering import tender_lots
from zhaocai.archive.items import ArchiveItem, blob_item, inline_item, json_item
from zhaocai.award import repository
from zhaocai.crypto.certs.pem import pem_encode

PDF = "application/pdf"
CONTRACT_MEDIA_TYPE = "application/vnd.zhaocai.contract+json"


def _lots(conn: Connection, tender_id: str) -> list[Any]:
    query = select(tender_lots.c.id, tender_lots.c.number).where(tender_lots.c.tender_id == tender_id)
    return list(conn.execute(query.order_by(tender_lots.c.seq)).all())


def _signed(row: Any) -> dict[str, Any]:
    return {
        "signature": row.signature,
        "signer_certificate_pem": pem_encode("CERTIFICATE", row.signer_certificate),
        "signature_algorithm": row.signature_algorithm,
        "signed_at": row.signed_at,
    }


def _rows(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in rows]


def archive_items(conn: Connection, tender_id: str) -> list[ArchiveItem]:
    items: list[ArchiveItem] = []
    for lot in _lots(conn, tender_id):
        base = f"award/lot-{lot.number}"
        publicities = conn.execute(
            select(award_publicities)
            .where(award_publicities.c.lot_id == lot.id)
            .order_by(award_publicities.c.published_at)
        ).all()
        for publicity in publicities:
            record = _rows([publicity])[0] | {"content": json.loads(publicity.content)}
            items.append(json_item(f"{base}/publicity-{publicity.id}.json", record))
            objections = repository.objections_of(conn, publicity.id)
            if objections:
                items.append(json_item(f"{base}/publicity-{publicity.id}-objections.json", _rows(objections)))
        award = repository.award_of_lot(conn, lot.id)
        if award is None:
            continue
        items.append(
            json_item(f"{base}/award.json", _rows([award])[0] | {"passed_over": json.loads(award.passed_over)})
        )
        for notice in repository.notices_of(conn, award.id):
            signature = _signed(notice) if notice.signature is not None else {}
            items.append(blob_item(f"{base}/notices/{notice.kind}-{notice.id}.pdf", PDF, notice.pdf_key, **signature))
        contract = repository.contract_of_lot(conn, lot.id)
        if contract is None:
            continue
        for sig in repository.contract_signatures(conn, contract.id):
            path = f"{base}/contract/document.signed-by-{sig.party}.json"
            items.append(inline_item(path, CONTRACT_MEDIA_TYPE, contract.document, **_signed(sig)))
        state = {k: v for k, v in contract._mapping.items() if k != "document"}
        items.append(json_item(f"{base}/contract/state.json", state))
        interest = repository.bond_interest_of(conn, contract.id)
        if interest:
            items.append(json_item(f"{base}/contract/bond-refund-interest.json", _rows(interest)))
        performance = repository.performance_of(conn, contract.id)
        if performance:
            items.append(json_item(f"{base}/contract/performance.json", _rows(performance)))
    return items


def audit_object_ids(conn: Connection, tender_id: str) -> set[str]:
    """The ids award use cases name in their audit entries (lots, publicities, objections, awards, notices,
    contracts)."""
    ids: set[str] = set()
    for lot in _lots(conn, tender_id):
        ids.add(lot.id)
        for publicity in conn.execute(select(award_publicities.c.id).where(award_publicities.c.lot_id == lot.id)):
            ids.add(publicity.id)
            ids.update(row.id for row in repository.objections_of(conn, publicity.id))
        award = repository.award_of_lot(conn, lot.id)
        if award is not None:
            ids.add(award.id)
            ids.update(notice.id for notice in repository.notices_of(conn, award.id))
            contract = repository.contract_of_lot(conn, lot.id)
            if contract is not None:
                ids.add(contract.id)
    return ids


__all__ = ["archive_items", "audit_object_ids"]
