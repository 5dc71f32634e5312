"""Bond secrecy before the deadline (DESIGN principle 4; 法22, 20号令27): only the bidder sees its own bond. The
tenderer, an administrator, a supervisor, the operator or another bidder asking about any bond of the lot is refused
(403 naming 法22, audited) with the same answer whatever was paid; a bidder's own status never moves with another's
payment. After the deadline the tender side reads every bond."""

from __future__ import annotations

from datetime import timedelta

from zhaocai.bonds.service import record_bid_withdrawn


def _observe(world, observers, acme, bolt) -> list[tuple[str, int, object]]:
    """What everyone can see of the lot's bonds, request by request."""
    seen = [("acme own", *_answer(world.get(acme, f"/api/v1/lots/{world.lot}/bond")))]
    for name, caller in observers.items():
        for url in (
            f"/api/v1/lots/{world.lot}/bonds",
            f"/api/v1/lots/{world.lot}/bonds/{acme.org_id}",
            f"/api/v1/lots/{world.lot}/bonds/{bolt.org_id}",
        ):
            seen.append((f"{name} {url}", *_answer(world.get(caller, url))))
    return seen


def _answer(response) -> tuple[int, object]:
    return response.status_code, response.json()


def test_before_the_deadline_nobody_but_the_bidder_sees_a_bond_whatever_was_paid(world, container):
    acme, bolt, third = world.bidder(1), world.bidder(2), world.bidder(3)
    observers = {
        "tenderer": world.tenderer,
        "system_admin": world.staff("system_admin"),
        "supervisor": world.staff("supervisor"),
        "operator": world.operator,
        "other bidder": third,
    }
    acme_code = world.code(acme)
    assert world.pay(acme, 1, acme_code).status_code == 201
    before = _observe(world, observers, acme, bolt)

    # bolt asks for its code, pays, records a guarantee on top, then withdraws: nothing anyone else sees changes.
    bolt_code = world.code(bolt)
    assert world.pay(bolt, 2, bolt_code).status_code == 201
    guarantee = {
        "issuer": "中国银行",
        "number": "BG-1",
        "amount": "200000.00",
        "beneficiary": "某市第一中学",
        "valid_from": "2026-03-01",
        "valid_until": "2026-12-31",
        "verification_code": "ABCD1234",
    }
    assert world.post(bolt, f"/api/v1/lots/{world.lot}/bond/guarantee", json=guarantee).status_code == 201
    uow = container.uow()
    with uow:
        record_bid_withdrawn(uow, lot_id=world.lot, bidder_org_id=bolt.org_id, withdrawn_at=container.clock.now())
        uow.commit()
    after = _observe(world, observers, acme, bolt)
    assert after == before

    own_status, own = before[0][1], before[0][2]
    assert (own_status, own["coverage"], own["reference_code"]) == (200, "covered", acme_code)
    for label, status, body in before[1:]:
        assert status == 403, label
        assert body["error"] == "secret_until_deadline" and "法22" in body["citation"], (label, body)
    assert len(world.refusals("GET /api/v1/lots/")) == 2 * len(before[1:])  # every refused read is audited

    # The bidder that paid sees its own, of course.
    bolt_own = world.get(bolt, f"/api/v1/lots/{world.lot}/bond").json()
    assert (bolt_own["coverage"], bolt_own["refunds"][0]["citation"]) == ("unpaid", "条例35")


def test_the_operator_sees_unaccepted_credits_only_by_bank_reference_before_the_deadline(world, container):
    acme = world.bidder(1)
    code = world.code(acme)
    row = ["2026-03-05", "200000.00", acme.name, "6222999999999999", "某银行", "TXNOTBASIC", code]
    stray = ["2026-03-05", "5000.00", "某某", "6222888888888888", "某银行", "TXSTRAY", "货款"]
    imported = world.upload(world.statement([row, stray]))
    assert imported.status_code == 201, imported.text
    body = imported.json()
    assert (body["rows_total"], body["rows_new"], body["problems"]) == (2, 2, [])
    by_reference = {item["bank_reference"]: item for item in body["unresolved"]}
    assert by_reference["TXNOTBASIC"] | {"statement_id": None} == {
        "bank_reference": "TXNOTBASIC",
        "statement_id": None,
        "row": 2,
        "status": None,
        "reason_code": None,
        "reason": None,
        "citation": None,
        "lot_id": None,
        "bidder_org_id": None,
    }
    assert (by_reference["TXSTRAY"]["status"], by_reference["TXSTRAY"]["reason_code"]) == ("unmatched", "no_reference")
    assert acme.name not in imported.text and acme.org_id not in imported.text
    # The bidder itself learns why, citing 条例26.
    [payment] = world.get(acme, f"/api/v1/lots/{world.lot}/bond").json()["payments"]
    assert (payment["status"], payment["citation"]) == ("refused", "条例26")
    # After the deadline the operator sees what the row was.
    container.clock.set(world.tender.bid_deadline)
    later = {item["bank_reference"]: item for item in world.get(world.operator, "/api/v1/bonds/unresolved").json()}
    assert (later["TXNOTBASIC"]["reason_code"], later["TXNOTBASIC"]["bidder_org_id"]) == (
        "not_basic_account",
        acme.org_id,
    )


def test_after_the_deadline_the_tender_side_reads_every_bond_and_other_bidders_still_do_not(world, container):
    acme, bolt = world.bidder(1), world.bidder(2)
    world.pay(acme, 1, world.code(acme))
    world.code(bolt)
    container.clock.set(world.tender.bid_deadline + timedelta(seconds=1))
    response = world.get(world.tenderer, f"/api/v1/lots/{world.lot}/bonds")
    assert response.status_code == 200, response.text
    coverage = {item["bidder_org_id"]: item["coverage"] for item in response.json()}
    assert coverage == {acme.org_id: "covered", bolt.org_id: "unpaid"}
    refused = world.get(bolt, f"/api/v1/lots/{world.lot}/bonds/{acme.org_id}")
    assert (refused.status_code, refused.json()["error"]) == (403, "not_a_lot_reader")
    late = world.post(bolt, f"/api/v1/lots/{world.lot}/bond/reference")
    assert (late.status_code, late.json()["error"]) == (409, "deadline_passed")
