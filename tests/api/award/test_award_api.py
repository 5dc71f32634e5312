"""The award API on both databases: the stage end to end over HTTP, and each bad input answered with its status,
field, code and citation — and audited."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.crypto import keys
from zhaocai.rules.periods import local


def last_outcome(container, action: str) -> str:  # type: ignore[no-untyped-def]
    query = select(audit_entries.c.outcome).where(audit_entries.c.action == action).order_by(audit_entries.c.id.desc())
    with container.engine.connect() as conn:
        return conn.execute(query).scalars().first()


def publicity_body(world, days: int = 5) -> dict:  # type: ignore[no-untyped-def]
    return {
        "ends_at": (world.clock.now() + timedelta(days=days)).isoformat(),
        "evaluation_summary": "评标委员会5人，综合评估法。",
        "objection_channel": "通过交易平台提出异议。",
        "candidates": [{"bid_id": c.bid_id, "qualifications": "施工总承包二级"} for c in world.report.candidates],
    }


def signature_body(signer, data: bytes) -> dict:  # type: ignore[no-untyped-def]
    return {"certificate": signer.certificate_pem.decode(), "signature": base64.b64encode(signer.sign(data)).decode()}


def test_the_award_stage_over_http(client, container, world, h):
    lot = world.lot
    short = client.post(f"/api/v1/lots/{lot}/publicity", json=publicity_body(world, 2), headers=h["tenderer"])
    assert short.status_code == 422
    assert (short.json()["field"], short.json()["citation"]) == ("ends_at", "条例54")
    assert last_outcome(container, "award.publish_publicity") == "refused:invalid"
    published = client.post(f"/api/v1/lots/{lot}/publicity", json=publicity_body(world), headers=h["tenderer"])
    assert published.status_code == 201, published.text
    assert client.get(f"/api/v1/lots/{lot}/publicity").json()["candidates"][0]["price"] == "9500000.00"

    objection = client.post(
        f"/api/v1/lots/{lot}/award-objections", json={"objection": "报价有误"}, headers=h["bidder3"]
    )
    assert objection.status_code == 201
    world.clock.advance(days=6)
    award = {"bid_id": world.bid_ids[0]}
    pending = client.post(f"/api/v1/lots/{lot}/award", json=award, headers=h["tenderer"])
    assert (pending.status_code, pending.json()["error"], pending.json()["citation"]) == (
        409,
        "objection_pending",
        "条例54",
    )
    assert last_outcome(container, "award.decide_award") == "refused:objection_pending"
    answered = client.post(
        f"/api/v1/award-objections/{objection.json()['id']}/answer",
        json={"answer": "经复核无误"},
        headers=h["tenderer"],
    )
    assert answered.status_code == 204

    second = client.post(f"/api/v1/lots/{lot}/award", json={"bid_id": world.bid_ids[1]}, headers=h["tenderer"])
    assert (second.status_code, second.json()["error"], second.json()["citation"]) == (422, "reason_required", "条例55")
    assert last_outcome(container, "award.decide_award") == "refused:reason_required"
    decided = client.post(f"/api/v1/lots/{lot}/award", json=award, headers=h["tenderer"])
    assert decided.status_code == 201 and decided.json()["price"] == "9500000.00"

    notices = client.post(f"/api/v1/lots/{lot}/award/notices", headers=h["tenderer"]).json()
    assert [n["kind"] for n in notices] == ["award", "result", "result"]
    award_notice = notices[0]["id"]
    pdf = client.get(f"/api/v1/award-notices/{award_notice}/pdf", headers=h["tenderer"]).content
    assert pdf.startswith(b"%PDF")
    hidden = client.get(f"/api/v1/award-notices/{award_notice}/pdf", headers=h["bidder1"])
    assert hidden.status_code == 403  # not delivered yet
    wrong = client.put(
        f"/api/v1/award-notices/{award_notice}/signature",
        json=signature_body(world.signer(world.bidders[0]), pdf),
        headers=h["tenderer"],
    )
    assert (wrong.status_code, wrong.json()["error"], wrong.json()["field"]) == (403, "wrong_signer", "certificate")
    assert last_outcome(container, "award.sign_notice") == "refused:wrong_signer"
    signer = world.signer(world.tenderer)
    for notice in notices:
        data = client.get(f"/api/v1/award-notices/{notice['id']}/pdf", headers=h["tenderer"]).content
        signed = client.put(
            f"/api/v1/award-notices/{notice['id']}/signature", json=signature_body(signer, data), headers=h["tenderer"]
        )
        assert signed.status_code == 200 and signed.json()["delivered_at"]
    assert client.get(f"/api/v1/award-notices/{award_notice}/pdf", headers=h["bidder1"]).content == pdf
    signature = client.get(f"/api/v1/award-notices/{award_notice}/signature", headers=h["bidder1"]).content
    keys.load_private_key(signer.private_pkcs8).public_key().verify(signature, pdf)
    assert [n["kind"] for n in client.get(f"/api/v1/lots/{lot}/award/notices", headers=h["bidder2"]).json()] == [
        "result"
    ]

    first = world.report.candidates[0]
    terms = {
        "price": "9500000.00",
        "performance_bond": "950000.00",
        "duration_days": first.duration_days,
        "quality": first.quality,
        "project_manager": first.project_manager,
        "clauses": "专用条款见招标文件。",
    }
    mismatch = client.post(f"/api/v1/lots/{lot}/contract", json=terms | {"price": "9400000.00"}, headers=h["tenderer"])
    assert (mismatch.status_code, mismatch.json()["field"], mismatch.json()["citation"]) == (422, "price", "条例57")
    assert last_outcome(container, "award.draft_contract") == "refused:price_mismatch"
    drafted = client.post(f"/api/v1/lots/{lot}/contract", json=terms, headers=h["tenderer"])
    assert drafted.status_code == 201, drafted.text
    contract_id = drafted.json()["id"]
    document = client.get(f"/api/v1/contracts/{contract_id}/document", headers=h["bidder1"]).content
    for who, org in (("bidder1", world.bidders[0]), ("tenderer", world.tenderer)):
        sign = client.post(
            f"/api/v1/contracts/{contract_id}/signatures",
            json=signature_body(world.signer(org), document),
            headers=h[who],
        )
        assert sign.status_code == 201, sign.text
    state = client.get(f"/api/v1/contracts/{contract_id}", headers=h["tenderer"]).json()
    assert sorted(state["signed_by"]) == ["tenderer", "winner"] and state["signed_at"]
    assert client.get(f"/api/v1/contracts/{contract_id}", headers=h["bidder2"]).status_code == 403
    assert client.get(f"/api/v1/lots/{lot}/award").json()["contract_signed_at"]
    performance = client.post(
        f"/api/v1/contracts/{contract_id}/performance",
        json={"kind": "payment", "occurred_on": local(world.clock.now()).date().isoformat(), "description": "预付款"},
        headers=h["tenderer"],
    )
    assert performance.status_code == 201
    reported = client.post(f"/api/v1/lots/{lot}/award/report", json={"report": "书面报告"}, headers=h["tenderer"])
    assert reported.status_code == 204


def test_malformed_and_unknown_inputs_are_refused_not_crashed(client, world, h):
    bad = client.put(
        "/api/v1/award-notices/01ABC/signature", json={"certificate": "x", "signature": "!!"}, headers=h["tenderer"]
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "certificate")
    unknown = client.put(
        "/api/v1/award-notices/01ABC/signature",
        json={"certificate": base64.b64encode(b"x").decode(), "signature": base64.b64encode(b"y").decode()},
        headers=h["tenderer"],
    )
    assert unknown.status_code == 404
    assert client.get(f"/api/v1/lots/{world.lot}/award").status_code == 404
    assert client.get(f"/api/v1/lots/{world.lot}/publicity").status_code == 404
    early = client.post(f"/api/v1/lots/{world.lot}/award", json={"bid_id": world.bid_ids[0]}, headers=h["tenderer"])
    assert (early.status_code, early.json()["error"]) == (409, "publicity_required")
    foreign = client.post(
        f"/api/v1/lots/{world.lot}/publicity",
        json={
            "ends_at": "2026-05-01T00:00:00+08:00",
            "evaluation_summary": "x",
            "objection_channel": "y",
            "candidates": [],
        },
        headers=h["bidder1"],
    )
    assert foreign.status_code == 403
