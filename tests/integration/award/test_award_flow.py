"""The award stage end to end on both databases: publicity → award → signed notices → contract signed by both parties →
bond refunds with interest, and what each step leaves (audit, outbox, inboxes, the read side)."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pypdf
from award_chain import BOND, PRICES
from award_world import Steps

from zhaocai.archive.package import check_item_path, check_media_type
from zhaocai.award.archiving import archive_items, audit_object_ids
from zhaocai.award.queries import award_outcome
from zhaocai.award.repository import bond_interest_of, contract_of_lot
from zhaocai.bonds.queries import bond_status
from zhaocai.identity.env import identity_env


def test_the_award_stage_from_publicity_to_bond_refunds(world, suite):
    world.build(suite=suite, pay=True)
    steps = Steps(world)
    content = steps.publish()
    assert [c.rank for c in content.candidates] == [1, 2, 3]
    assert content.candidates[0].bidder_name == world.bidders[0].name
    assert world.outbox("CANDIDATE_PUBLICITY")[0]["payload"]["WIN_CANDIDATES"][0]["BID_PRICE"] == "9500000.00"
    steps.after_publicity()
    steps.decide()
    outcome = world.read(award_outcome, world.lot)
    assert (outcome.winner_bid_id, outcome.price, outcome.contract_signed_at) == (
        world.bid_ids[0],
        Decimal(PRICES[0]),
        None,
    )

    ids_of_notices = ids = steps.notify()
    assert len(ids) == 3
    text = pypdf.PdfReader(io.BytesIO(steps.pdf(ids[0]))).pages[0].extract_text()
    assert "中标通知书" in text and world.bidders[0].name in text and "9,500,000.00" in text
    other = pypdf.PdfReader(io.BytesIO(steps.pdf(ids[1]))).pages[0].extract_text()
    assert "中标结果通知书" in other
    assert any("中标通知书" in subject for subject, _ in world.inbox(world.bidders[0].actor))
    assert any("中标结果通知书" in subject for subject, _ in world.inbox(world.bidders[2].actor))

    contract_id = steps.draft()
    assert steps.sign_contract(contract_id, world.bidders[0]) == "winner"
    assert world.read(award_outcome, world.lot).contract_signed_at is None
    assert steps.sign_contract(contract_id, world.tenderer) == "tenderer"
    assert world.read(award_outcome, world.lot).contract_signed_at == world.clock.now()
    assert world.read(contract_of_lot, world.lot).signed_late is False
    assert world.outbox("CONTRACT_SIGNED")[0]["payload"]["CONTRACT_AMOUNT"] == "9500000.00"

    interest = world.read(bond_interest_of, contract_id)
    assert len(interest) == 3 and all(row.refund_id for row in interest)
    row = interest[0]
    # 200,000.00 × 0.35% × days / 360, from the day the bond arrived to the refund's due day
    assert Decimal(row.interest) == (BOND * Decimal("0.0035") * row.days / 360).quantize(Decimal("0.01"))
    assert row.days > 20
    status = world.read(bond_status, world.lot, world.bidders[1].org_id)
    assert [r.cause for r in status.refunds] == ["contract_signed"]
    assert [o for o, _ in world.audit("award.sign_contract")] == ["ok", "ok"]

    items = {item.path: item for item in world.read(archive_items, world.tender.tender_id)}
    for item in items.values():  # as the archive builder will check them
        check_item_path(item.path)
        check_media_type(item.media_type)
    trust = identity_env(world.container).trust
    signed = [item for item in items.values() if item.signature is not None]
    assert len(signed) == 5  # three notices, the contract twice (one item per party's signature)
    for item in signed:
        content = item.data if item.data is not None else steps.blob(item.blob_key)
        assert hashlib.sha256(content).hexdigest() == item.sha256
        trust.verify_signature(item.signer_certificate_pem, content, item.signature, at=world.clock.now(), suite=suite)
    lot = next(iter(items)).split("/")[1]
    assert f"award/{lot}/award.json" in items and f"award/{lot}/contract/bond-refund-interest.json" in items
    ids = world.read(audit_object_ids, world.tender.tender_id)
    assert contract_id in ids and all(notice in ids for notice in ids_of_notices)
