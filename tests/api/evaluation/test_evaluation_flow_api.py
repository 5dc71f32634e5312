"""Evaluation end to end through the API on really opened bids and a really drawn committee, both suites and both
databases: independent sheets, the ranking of both methods, the report signed by every member with the key of their
certificate (dissent kept, silence counted as agreement), the two-envelope order, arithmetic correction confirmed by
the bidder, and the committee rejecting all when too few valid bids remain."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path

import pytest
from evaluation_world import LOWEST, EvaluationWorld
from sqlalchemy import select
from typer.testing import CliRunner

from zhaocai.adapters.db.tables.exchange import outbox_messages
from zhaocai.core.canonical import canonical_json
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.keys import load_verifying_key
from zhaocai.crypto.trust import TrustStore
from zhaocai.evaluation import cli
from zhaocai.evaluation.archiving import archive_items
from zhaocai.evaluation.export import export_report, verify_export
from zhaocai.evaluation.queries import final_report, technical_result

SUITES = ["gm", "std"]


def _messages(ev: EvaluationWorld, message_type: str) -> list[dict]:
    with ev.world.container.engine.connect() as conn:
        rows = conn.execute(select(outbox_messages.c.payload).where(outbox_messages.c.message_type == message_type))
        return [json.loads(row[0]) for row in rows]


@pytest.mark.parametrize("suite", SUITES)
def test_comprehensive_one_envelope_to_a_signed_report(ev: EvaluationWorld, suite: str, tmp_path: Path) -> None:
    ev.world.suite = suite
    lot = ev.lot()  # bidder0 1 200 000, bidder1 1 100 000, bidder2 1 000 000
    experts = ev.committee(lot)
    chair, member = experts[0], experts[1]
    started = ev.start(lot, chair)
    assert started.status_code == 201, started.text
    assert started.json()["state"] == "scoring" and started.json()["stage"] == "whole"
    ids = [lot.bid_ids[p.username] for p in lot.parties]

    seen = ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/bids", headers=member.headers).json()
    assert [b["competing"] for b in seen["bids"]] == [True] * 3
    assert all(b["missing_declarations"] == [] for b in seen["bids"])
    kinds = {flag["kind"] for flag in seen["flags"]}
    assert {"same_machine_id_hash", "same_project_manager"} <= kinds  # one machine, one PM: flags, not verdicts
    assert "same_creation_tool" not in kinds  # a public tool every bid used

    first = ev.sheet(lot, chair, ids[0], {"tech": "38", "biz": "10"})
    assert first.status_code == 201, first.text
    others = ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/sheets", headers=member.headers).json()
    assert others == []  # members do not see each other's sheets before submitting theirs

    tech = {ids[0]: "38", ids[1]: "30", ids[2]: "20"}
    for expert in experts:
        for bid_id in ids:
            if expert is chair and bid_id == ids[0]:
                continue
            response = ev.sheet(lot, expert, bid_id, {"tech": tech[bid_id], "biz": "10"})
            assert response.status_code == 201, response.text
    everyone = ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/sheets", headers=member.headers).json()
    assert len(everyone) == 15

    not_chair = ev.client.post(f"/api/v1/lots/{lot.lot_id}/evaluation/report", json={}, headers=member.headers)
    assert not_chair.status_code == 403 and not_chair.json()["error"] == "not_chair"
    drafted = ev.client.post(f"/api/v1/lots/{lot.lot_id}/evaluation/report", json={}, headers=chair.headers)
    assert drafted.status_code == 201, drafted.text
    report = ev.report(lot)
    assert report["state"] == "signing"
    # price score = 1 000 000 / price × 40: 33.33, 36.36, 40.00
    assert [(c["bid_id"], c["score"], c["bid_price"]) for c in report["candidates"]] == [
        (ids[0], "81.33", "1200000.00"),
        (ids[1], "76.36", "1100000.00"),
        (ids[2], "70.00", "1000000.00"),
    ]
    assert ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/report", headers=ev.tenderer()).status_code == 403

    for expert in experts[:3]:
        assert ev.sign(report, expert).status_code == 201
    dissent = ev.sign(report, experts[3], dissent="第二名施工组织设计更优")
    assert dissent.status_code == 201, dissent.text
    closed = ev.client.post(f"/api/v1/evaluation-reports/{report['id']}/close", headers=chair.headers)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    final = ev.report(lot, ev.tenderer())  # submitted to the tenderer
    kinds_by_member = {s["member_id"]: s["kind"] for s in final["signatures"]}
    assert kinds_by_member[experts[4].member_id] == "deemed"  # silent: counts as agreeing (条例53)
    with ev.world.container.engine.connect() as conn:
        found = final_report(conn, lot.lot_id)
    assert found is not None and found.method == "comprehensive" and not found.all_rejected
    assert [c.rank for c in found.candidates] == [1, 2, 3] and found.candidates[0].bid_price == Decimal("1200000.00")
    assert found.candidates[0].project_manager == "张三" and found.candidates[0].duration_days == 365
    assert len(found.signatures) == 4
    assert {s.dissent for s in found.signatures} == {None, "第二名施工组织设计更优"}
    for signature in found.signatures:  # each verifies with the key of the certificate beside it
        leaf = ParsedCertificate.from_bytes(signature.certificate_pem)
        load_verifying_key(leaf.spki_der).verify(signature.signature, found.document)
    document = json.loads(found.document)
    assert document["ranking"] == ids and document["standards"]["method"] == "comprehensive"
    assert document["opening_record_sha256"] and len(document["committee"]) == 5
    assert base64.b64decode(final["document"]) == found.document
    message = _messages(ev, "EVALUATION_REPORT")[-1]
    assert message["EVALUATION_REPORT_ID"] == report["id"] and len(message["WIN_CANDIDATES"]) == 3

    with ev.world.container.engine.connect() as conn:
        items = {item.path: item for item in archive_items(conn, lot.tender.tender_id)}
    assert items["evaluation/lot-01/report.json"].data == found.document
    signed = [item for path, item in items.items() if path.startswith("evaluation/lot-01/signed/")]
    assert len(signed) == 4 and all(item.data == found.document and item.signature for item in signed)
    trust = ev.world.container.extras["identity_env"].trust
    for item in signed:  # as the archive verifier checks them: algorithm of the certificate's key, chain, signature
        assert ParsedCertificate.from_bytes(item.signer_certificate_pem).key_algorithm == item.signature_algorithm
        trust.verify_signature(item.signer_certificate_pem, item.data, item.signature, at=item.signed_at)
    summary = json.loads(items["evaluation/lot-01/signatures.json"].data)["signatures"]
    assert sorted(s["kind"] for s in summary) == ["deemed"] + ["signed"] * 4
    assert len(json.loads(items["evaluation/lot-01/sheets.json"].data)) == 15
    _export_verifies_offline(ev, lot.lot_id, tmp_path, suite)


def _export_verifies_offline(ev: EvaluationWorld, lot_id: str, tmp_path: Path, suite: str) -> None:
    with ev.world.container.engine.connect() as conn:
        export = export_report(conn, lot_id)
    trusted, rogue = tmp_path / "trust", tmp_path / "rogue"
    trusted.mkdir()
    rogue.mkdir()
    for index, ca in enumerate(ev.world.pki.cas[suite]):
        (trusted / f"ca{index}.pem").write_bytes(ca.certificate_pem)
    (rogue / "rogue.pem").write_bytes(ev.world.pki.rogue[suite].certificate_pem)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    ok = CliRunner().invoke(cli.app, ["verify-report", str(path), "--trust", str(trusted)])
    assert ok.exit_code == 0, ok.output
    untrusted = CliRunner().invoke(cli.app, ["verify-report", str(path), "--trust", str(rogue)])
    assert untrusted.exit_code == 1
    altered = json.loads(base64.b64decode(export["document"])) | {"ranking": []}
    forged = export | {"document": base64.b64encode(canonical_json(altered)).decode()}
    problems = verify_export(forged, TrustStore.load(trusted))
    assert problems[0] == "the document does not match its SHA-256" and len(problems) == 5


@pytest.mark.parametrize("suite", ["std"])  # the gm suite signs in the comprehensive test; this one is about order
def test_two_envelope_lowest_evaluated_price_with_a_confirmed_correction(ev: EvaluationWorld, suite: str) -> None:
    ev.world.suite = suite
    lot = ev.lot(plan=LOWEST, two_envelope=True, prices=("1200000.00", "1100000.00", "1000000.00"))
    experts = ev.committee(lot)
    chair = experts[0]
    assert ev.start(lot, chair).status_code == 201
    ids = [lot.bid_ids[p.username] for p in lot.parties]
    assert ev.status(lot)["stage"] == "technical"

    no_reason = {"qualification": {"passed": False, "reason": "安全生产许可证过期"}}
    adjustments = {ids[0]: "-30000", ids[1]: "20000", ids[2]: "0"}
    for index, expert in enumerate(experts):
        for bid_id in ids:
            checklist = no_reason if bid_id == ids[2] and index < 3 else None  # a majority rejects bidder2
            response = ev.sheet(lot, expert, bid_id, {"duration": adjustments[bid_id]}, checklist)
            assert response.status_code == 201, response.text
    early = ev.client.post(f"/api/v1/lots/{lot.lot_id}/evaluation/report", json={}, headers=chair.headers)
    assert early.status_code == 409
    concluded = ev.client.post(f"/api/v1/lots/{lot.lot_id}/evaluation/technical-result", headers=chair.headers)
    assert concluded.status_code == 200, concluded.text
    assert set(concluded.json()["passed"]) == {ids[0], ids[1]}
    with ev.world.container.engine.connect() as conn:
        assert technical_result(conn, lot.lot_id) == frozenset({ids[0], ids[1]})

    ev.open_prices(lot)
    assert ev.status(lot)["state"] == "scoring"
    refused = ev.sheet(lot, chair, ids[2], {})
    assert refused.status_code == 409 and refused.json()["error"] == "bid_excluded"
    assert ev.status(lot)["stage"] == "price"

    # bidder1's priced bill, read by a member: 10 × 100 000.00 is not the 1 100 000.00 total: unit price prevails
    bill = [{"item": "主体工程", "quantity": "10", "unit_price": "100000.00", "total": "1100000.00"}]
    corrected = ev.client.post(
        f"/api/v1/lots/{lot.lot_id}/evaluation/corrections",
        json={"bid_id": ids[1], "bill": bill},
        headers=chair.headers,
    )
    assert corrected.status_code == 201, corrected.text
    bidder1 = lot.parties[1]
    asked = bidder1.get(f"/api/v1/lots/{lot.lot_id}/evaluation/my-clarifications").json()
    assert asked[0]["kind"] == "price_correction" and asked[0]["corrected_price"] == "1000000.00"
    undecided = ev.client.post(
        f"/api/v1/evaluation-clarifications/{asked[0]['id']}/answer", json={"answer": "确认"}, headers=bidder1.headers
    )
    assert undecided.status_code == 422 and undecided.json()["citation"] == "评标规定19"
    other = ev.client.post(
        f"/api/v1/evaluation-clarifications/{asked[0]['id']}/answer",
        json={"answer": "确认", "accept": True},
        headers=lot.parties[0].headers,
    )
    assert other.status_code == 403
    answered = ev.client.post(
        f"/api/v1/evaluation-clarifications/{asked[0]['id']}/answer",
        json={"answer": "确认修正后的报价", "accept": True},
        headers=bidder1.headers,
    )
    assert answered.status_code == 200, answered.text

    for expert in experts:
        for bid_id in (ids[0], ids[1]):
            assert ev.sheet(lot, expert, bid_id, {}).status_code == 201
    assert (
        ev.client.post(f"/api/v1/lots/{lot.lot_id}/evaluation/report", json={}, headers=chair.headers).status_code
        == 201
    )
    report = ev.report(lot)
    # evaluated = corrected price + mean adjustment: bidder0 1 170 000, bidder1 1 020 000
    assert [(c["bid_id"], c["bid_price"], c["evaluated_price"]) for c in report["candidates"]] == [
        (ids[1], "1000000.00", "1020000.00"),
        (ids[0], "1200000.00", "1170000.00"),
    ]
    document = json.loads(base64.b64decode(report["document"]))
    assert (
        document["rejected_bids"][0]["bid_id"] == ids[2]
        and "安全生产许可证过期" in document["rejected_bids"][0]["reason"]
    )
    assert document["clarifications"][0]["accepted"] is True
    for expert in experts:
        assert ev.sign(report, expert).status_code == 201
    assert ev.client.post(f"/api/v1/evaluation-reports/{report['id']}/close", headers=chair.headers).json() == {
        "state": "closed"
    }


def test_too_few_valid_bids_the_committee_rejects_all(ev: EvaluationWorld) -> None:
    lot = ev.lot()
    experts = ev.committee(lot)
    chair = experts[0]
    assert ev.start(lot, chair).status_code == 201
    ids = [lot.bid_ids[p.username] for p in lot.parties]
    failing = {"responsiveness": {"passed": False, "reason": "工期不满足招标文件要求"}}
    for expert in experts:
        for bid_id in ids:
            assert ev.sheet(lot, expert, bid_id, {"tech": "30", "biz": "10"}, failing if bid_id == ids[0] else None)
    url = f"/api/v1/lots/{lot.lot_id}/evaluation/report"
    no_reason = ev.client.post(url, json={"reject_all": True}, headers=chair.headers)
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    drafted = ev.client.post(
        url, json={"reject_all": True, "reason": "有效投标不足三个，缺乏竞争"}, headers=chair.headers
    )
    assert drafted.status_code == 201, drafted.text
    report = ev.report(lot)
    assert report["all_rejected"] and report["candidates"] == []
    refusal = ev.client.post(
        f"/api/v1/evaluation-reports/{report['id']}/refusals",
        json={"reasons": "应推荐候选人"},
        headers=experts[1].headers,
    )
    assert refusal.status_code == 201
    closed = ev.client.post(f"/api/v1/evaluation-reports/{report['id']}/close", headers=chair.headers)
    assert closed.json() == {"state": "failed"}  # the tenderer re-tenders
    with ev.world.container.engine.connect() as conn:
        found = final_report(conn, lot.lot_id)
    assert found is not None and found.all_rejected and found.candidates == ()
    # every lot of the tender failed: the tenderer declares it failed (法42) and re-tenders
    tender_id = lot.tender.tender_id
    reason = {"reason": "全部投标被否决"}
    failed = ev.client.post(f"/api/v1/tenders/{tender_id}/fail", json=reason, headers=ev.tenderer())
    assert failed.status_code == 200, failed.text
    assert failed.json()["state"] == "failed"
    successor = ev.client.post(f"/api/v1/tenders/{tender_id}/re-tender", headers=ev.tenderer())
    assert successor.status_code == 201, successor.text
