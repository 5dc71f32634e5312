"""From really opened and evaluated bids to the signed contract, through the API (both databases, gm suite)."""

from __future__ import annotations

import base64
from datetime import timedelta
from decimal import Decimal

from award_chain import close_report, open_lot
from evaluation_world import EvaluationWorld

from zhaocai.archive.conclusion import archive_concluded_tenders
from zhaocai.award.queries import award_outcome
from zhaocai.crypto import keys
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.evaluation.queries import final_report
from zhaocai.identity import repository as identity_repository


def _signature(certificate_pem: bytes, private_key_pem: bytes, data: bytes) -> dict[str, str]:
    key = keys.load_private_key(pem_blocks(private_key_pem)[0][1])
    return {"certificate": certificate_pem.decode(), "signature": base64.b64encode(key.sign(data)).decode()}


def test_award_on_a_real_evaluation_report(ev: EvaluationWorld) -> None:
    world, client = ev.world, ev.client
    reported = open_lot(ev)
    close_report(reported)
    lot = reported.lot
    with world.container.engine.connect() as conn:
        report = final_report(conn, lot.lot_id)
        tenderer_org = identity_repository.get_organisation(conn, world.tenderer.org_id or "")
    assert report is not None and tenderer_org is not None
    tenderer = world.tenderer_headers()
    body = {
        "ends_at": (world.clock.now() + timedelta(days=4)).isoformat(),
        "evaluation_summary": "评标委员会5人，综合评估法。",
        "objection_channel": "通过交易平台提出异议。",
        "candidates": [
            {"bid_id": c.bid_id, "qualifications": "施工总承包二级", "quality": None if c.quality else "合格"}
            for c in report.candidates
        ],
    }
    published = client.post(f"/api/v1/lots/{lot.lot_id}/publicity", json=body, headers=tenderer)
    assert published.status_code == 201, published.text
    world.clock.advance(days=5)
    first = report.candidates[0]
    decided = client.post(f"/api/v1/lots/{lot.lot_id}/award", json={"bid_id": first.bid_id}, headers=tenderer)
    assert decided.status_code == 201, decided.text
    assert Decimal(decided.json()["price"]) == first.bid_price

    issued = world.pki.cas["gm"][0].issue(
        subject=f"CN=经办人,O={tenderer_org.name},C=CN", usage="sign", credit_code=tenderer_org.credit_code
    )
    assert issued.private_key_pem is not None
    notices = client.post(f"/api/v1/lots/{lot.lot_id}/award/notices", headers=tenderer).json()
    assert sorted(n["kind"] for n in notices) == ["award", "result", "result"]
    for notice in notices:
        pdf = client.get(f"/api/v1/award-notices/{notice['id']}/pdf", headers=tenderer).content
        signed = client.put(
            f"/api/v1/award-notices/{notice['id']}/signature",
            json=_signature(issued.certificate_pem, issued.private_key_pem, pdf),
            headers=tenderer,
        )
        assert signed.status_code == 200, signed.text

    winner = next(p for p in lot.parties if p.org_id == first.bidder_org_id)
    terms = {
        "price": str(first.bid_price),
        "performance_bond": "0.00",
        "duration_days": first.duration_days,
        "quality": first.quality or "合格",
        "project_manager": first.project_manager,
        "clauses": "专用条款见招标文件。",
    }
    drafted = client.post(f"/api/v1/lots/{lot.lot_id}/contract", json=terms, headers=tenderer)
    assert drafted.status_code == 201, drafted.text
    contract_id = drafted.json()["id"]
    assert archive_concluded_tenders(world.container) == []  # not concluded before the contract is signed
    document = client.get(f"/api/v1/contracts/{contract_id}/document", headers=winner.headers).content
    signer = winner.signer["gm"]
    assert signer.private_key_pem is not None
    for headers, certificate, key in (
        (winner.headers, signer.certificate_pem, signer.private_key_pem),
        (tenderer, issued.certificate_pem, issued.private_key_pem),
    ):
        response = client.post(
            f"/api/v1/contracts/{contract_id}/signatures", json=_signature(certificate, key, document), headers=headers
        )
        assert response.status_code == 201, response.text
    with world.container.engine.connect() as conn:
        outcome = award_outcome(conn, lot.lot_id)
    assert outcome is not None and outcome.winner_bid_id == first.bid_id
    assert outcome.contract_signed_at == world.clock.now()
    # concluded: the platform's job archives the tender once
    assert archive_concluded_tenders(world.container) == [lot.tender.tender_id]
    assert archive_concluded_tenders(world.container) == []
