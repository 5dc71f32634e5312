"""At the deadline: a lot with fewer than 3 bids is not opened (流标, 条例44) and, when every lot failed, the tender
fails and can be re-tendered; bids voided at the deadline (条例34) are opened and marked void; the backup-key remedy
(电子招标投标办法31); objections raised and answered on the spot and shown in the record (条例44)."""

from __future__ import annotations

import json

from opening_world import Opening
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.adapters.db.tables.exchange import outbox_messages
from zhaocai.opening.queries import opened_bids, opening_status
from zhaocai.tendering.ending import do_re_tender
from zhaocai.tendering.queries import bidding_terms


def _payloads(world, message_type: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with world.container.engine.connect() as conn:
        rows = conn.execute(select(outbox_messages.c.payload).where(outbox_messages.c.message_type == message_type))
        return [json.loads(row[0]) for row in rows]


def test_a_lot_short_of_bids_fails_and_the_others_open(opening: Opening) -> None:
    world = opening.world
    tender = world.tender(lots=2)
    full, short = tender.lot_ids
    for index in range(3):
        opening.bid(world.bidder(f"full{index}"), tender, lot_id=full)
    opening.bid(world.bidder("lonely"), tender, lot_id=short)
    opening.reach_deadline(tender)
    with world.container.engine.connect() as conn:
        assert opening_status(conn, full).state == "decrypting"
        failed = opening_status(conn, short)
        assert failed.state == "failed" and failed.window_ends_at is None
        assert bidding_terms(conn, full).state == "deadline_passed"  # one lot opens: the tender goes on
    [message] = _payloads(world, "BID_OPENING_FAILED")
    assert message["BIDDER_COUNT"] == 1 and message["LEGAL_BASIS"] == "条例44"
    lonely = world.client.post(
        f"/api/v1/lots/{short}/opening/keys", json={"keys": {"whole": "AAAA"}}, headers=opening.bids[-1].party.headers
    )
    assert lonely.status_code == 409 and lonely.json()["error"] == "lot_failed"
    assert lonely.json()["citation"] == "条例44"


def test_when_every_lot_fails_the_tender_fails_and_is_re_tendered(opening: Opening) -> None:
    world = opening.world
    tender = world.tender()
    for index in range(2):
        opening.bid(world.bidder(f"few{index}"), tender)
    opening.reach_deadline(tender)
    with world.container.engine.connect() as conn:
        assert bidding_terms(conn, tender.lot_ids[0]).state == "failed"
        actions = list(conn.execute(select(audit_entries.c.action).where(audit_entries.c.action.like("opening.%"))))
    assert [a[0] for a in actions] == ["opening.fail_lot"]
    assert len(_payloads(world, "TENDER_TERMINATED")) == 1
    successor = do_re_tender(uow=world.container.uow(), actor=world.tenderer, tender_id=tender.tender_id)
    assert successor.tender_id != tender.tender_id and len(successor.lot_ids) == 1


def test_void_bids_are_opened_and_marked_void(opening: Opening) -> None:
    world = opening.world
    tender = world.tender()
    lot = tender.lot_ids[0]
    twins = [world.bidder(f"twin{i}", legal_representative="赵六") for i in range(2)]
    honest = world.bidder("honest")
    bids = [opening.bid(p, tender) for p in [*twins, honest]]
    opening.reach_deadline(tender)
    for bid in bids:
        assert opening.hand_over(bid.party, lot, bid.keys()).status_code == 200
    with world.container.engine.connect() as conn:
        outcomes = {b.bidder_org_id: b for b in opened_bids(conn, lot)}
    assert [outcomes[p.org_id].outcome for p in twins] == ["void", "void"]
    assert outcomes[honest.org_id].outcome == "opened" and outcomes[twins[0].org_id].price is not None
    record = world.client.get(f"/api/v1/lots/{lot}/opening/record").json()["record"]
    assert sorted(b["void_at_deadline"] for b in record["bids"]) == [False, True, True]


def test_the_backup_key_remedy_opens_the_bid(opening: Opening) -> None:
    from zhaocai.crypto.suites import get_suite

    world = opening.world
    suite = get_suite(world.suite)
    backup = suite.generate_signing_key()  # a P-256 / SM2 key pair of the bidder's own
    world.backup_public[world.suite] = backup.public_key().spki_der()
    tender = world.tender(backup_key_remedy=True)
    lot = tender.lot_ids[0]
    bids = [opening.bid(world.bidder(f"remedy{i}"), tender, backup=True) for i in range(3)]
    opening.reach_deadline(tender)
    lost = bids[0]
    response = opening.hand_over(lost.party, lot, lost.keys(backup_key=backup.private_pkcs8_der()))
    assert response.status_code == 200 and response.json()["outcome"] == "opened"


def test_objections_are_raised_and_answered_on_the_spot_and_recorded(opening: Opening) -> None:
    world = opening.world
    tender = world.tender()
    lot = tender.lot_ids[0]
    bids = [opening.bid(world.bidder(f"voice{i}"), tender) for i in range(3)]
    outsider = world.bidder("outsider")
    early = world.client.post(
        f"/api/v1/lots/{lot}/opening/objections", json={"text": "?"}, headers=bids[0].party.headers
    )
    assert early.status_code == 409 and early.json()["citation"] == "条例44"
    opening.reach_deadline(tender)
    text = "第二名投标人的报价大写与小写不一致"
    raised = world.client.post(
        f"/api/v1/lots/{lot}/opening/objections", json={"text": text}, headers=bids[0].party.headers
    )
    assert raised.status_code == 201, raised.text
    objection_id = raised.json()["id"]
    stranger = world.client.post(f"/api/v1/lots/{lot}/opening/objections", json={"text": "x"}, headers=outsider.headers)
    assert stranger.status_code == 403
    for bid in bids:
        assert opening.hand_over(bid.party, lot, bid.keys()).json()["session_closed"] is False  # awaits the answer
    by_bidder = world.client.post(
        f"/api/v1/opening-objections/{objection_id}/answer", json={"answer": "no"}, headers=bids[1].party.headers
    )
    assert by_bidder.status_code == 403
    answer = "经核对，大小写一致，异议不成立"
    answered = world.client.post(
        f"/api/v1/opening-objections/{objection_id}/answer", json={"answer": answer}, headers=world.tenderer_headers()
    )
    assert answered.status_code == 200 and answered.json()["record_id"]
    record = world.client.get(f"/api/v1/lots/{lot}/opening/record").json()["record"]
    assert [(o["text"], o["answer"]) for o in record["objections"]] == [(text, answer)]
    assert world.outcomes("opening.raise_objection") == ["refused:not_in_session", "ok", "refused:not_a_bidder"]
