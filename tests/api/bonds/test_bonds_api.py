"""The bond API end to end: a bidder gets its code and pays, the operator imports the statement (again: nothing
changes twice), a withdrawal's refund is recorded by the operator; refusals name their rule and are audited."""

from __future__ import annotations

from datetime import datetime

from zhaocai.bonds.service import record_bid_withdrawn


def test_code_payment_import_and_refund_over_http(world, container):
    acme = world.bidder(1)
    reference = world.post(acme, f"/api/v1/lots/{world.lot}/bond/reference")
    assert reference.status_code == 200
    body = reference.json()
    assert (body["amount"], body["code"][:2]) == ("200000.00", "ZC")
    assert datetime.fromisoformat(body["pay_before"]) == world.tender.bid_deadline
    first = world.pay(acme, 1, f"投标保证金 {body['code']}")
    assert first.status_code == 201, first.text
    again = world.upload(
        world.statement(
            [
                [
                    "2026-03-05 10:00:00",
                    "200000.00",
                    acme.name,
                    world.account(1),
                    "中国工商银行",
                    "TX1",
                    f"投标保证金 {body['code']}",
                ]
            ]
        )
    )
    assert (again.status_code, again.json()["already_imported"]) == (200, True)
    status = world.get(acme, f"/api/v1/lots/{world.lot}/bond").json()
    assert (status["coverage"], status["received"], len(status["payments"])) == ("covered", "200000.00", 1)

    uow = container.uow()
    with uow:
        refund_id = record_bid_withdrawn(
            uow, lot_id=world.lot, bidder_org_id=acme.org_id, withdrawn_at=container.clock.now()
        )
        uow.commit()
    [work] = world.get(world.operator, "/api/v1/bonds/refunds").json()
    assert (work["id"], work["payer_bank_references"], work["lot_id"]) == (refund_id, ["TX1"], None)
    made = world.post(world.operator, f"/api/v1/bonds/refunds/{refund_id}/made", json={"bank_reference": "RF1"})
    assert (made.status_code, made.json()["state"]) == (200, "refunded")
    assert world.get(world.operator, "/api/v1/bonds/refunds").json() == []
    assert world.get(acme, f"/api/v1/lots/{world.lot}/bond").json()["refunds"][0]["state"] == "refunded"


def test_a_malformed_row_is_named_and_a_bad_file_is_refused(world):
    acme = world.bidder(1)
    code = world.code(acme)
    good = ["2026-03-05", "200000.00", acme.name, world.account(1), "中国工商银行", "TXGOOD", code]
    bad = ["2026-03-05", "二十万", acme.name, world.account(1), "中国工商银行", "TXBAD", code]
    response = world.upload(world.statement([good, bad]))
    assert response.status_code == 201
    assert response.json()["problems"] == [
        {"row": 3, "column": "amount", "message": "not an amount in yuan (e.g. 200000.00)"}
    ]
    refused = world.upload(b"this,is\nnot,a statement\n")
    assert refused.status_code == 422
    assert refused.json()["field"] == "value_date"


def test_roles_are_checked_and_refusals_audited(world):
    acme, bolt = world.bidder(1), world.bidder(2)
    assert world.upload(world.statement([])).status_code == 422
    as_bidder = world.post(acme, "/api/v1/bonds/statements", files={"file": ("s.csv", b"x", "text/csv")})
    assert (as_bidder.status_code, as_bidder.json()["error"]) == (403, "role")
    for url in ("/api/v1/bonds/unresolved", "/api/v1/bonds/refunds"):
        assert world.get(acme, url).status_code == 403
    other = world.get(bolt, f"/api/v1/bonds/basic-accounts/{acme.org_id}")
    assert (other.status_code, other.json()["error"]) == (403, "other_organisation")
    stolen = world.put(
        bolt,
        f"/api/v1/bonds/basic-accounts/{acme.org_id}",
        json={"account_number": "6222000000000000", "account_name": "第2建筑工程有限公司", "bank_name": "x"},
    )
    assert stolen.status_code == 403
    as_tenderer = world.post(world.tenderer, f"/api/v1/lots/{world.lot}/bond/reference")
    assert (as_tenderer.status_code, as_tenderer.json()["field"]) == (403, "role")
    assert len(world.refusals("GET /api/v1/bonds/")) == 3
