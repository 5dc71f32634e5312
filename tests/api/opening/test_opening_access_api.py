"""Who reads an opening: the record is public once closed; the opened bids belong to the tender side, oversight and
the ACTIVE members of THAT lot's committee — an expert of another committee is refused, and the refusal audited."""

from __future__ import annotations

from experts_world import Draws, Lot
from opening_world import Opening
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries


def _opened_lot(opening: Opening) -> Lot:
    world = opening.world
    tender = world.tender()
    lot = tender.lot_ids[0]
    parties = [world.bidder(f"{tender.tender_id[-6:].lower()}x{i}") for i in range(3)]
    bids = [opening.bid(p, tender) for p in parties]
    opening.reach_deadline(tender)
    for bid in bids:
        assert opening.hand_over(bid.party, lot, bid.keys()).status_code == 200
    return Lot(tender, lot, parties)


def test_an_expert_reads_only_the_bids_of_its_own_committee(opening: Opening, draws: Draws) -> None:
    world = opening.world
    pool = {expert.user_id: expert for expert in draws.pool(6)}
    mine, other = _opened_lot(opening), _opened_lot(opening)
    drawn = draws.run(mine)
    fixed = world.client.post(f"/api/v1/draws/{drawn['id']}/fix", headers=world.tenderer_headers())
    assert fixed.status_code == 200, fixed.text
    from zhaocai.experts.queries import committee_for

    with world.container.engine.connect() as conn:
        committee = committee_for(conn, mine.lot_id)
    assert committee is not None
    member = pool[committee.members[0].user_id]
    outsider = next(e for user_id, e in pool.items() if user_id not in {m.user_id for m in committee.members})

    own = world.client.get(f"/api/v1/lots/{mine.lot_id}/opening/bids", headers=member.headers)
    assert own.status_code == 200 and len(own.json()) == 3
    assert (
        world.client.get(
            f"/api/v1/lots/{mine.lot_id}/opening/bids/{own.json()[0]['bid_id']}/files/0", headers=member.headers
        ).status_code
        == 200
    )
    for expert, lot in ((member, other), (outsider, mine)):
        refused = world.client.get(f"/api/v1/lots/{lot.lot_id}/opening/bids", headers=expert.headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"] == "not_on_committee"
    with world.container.engine.connect() as conn:
        audited = conn.execute(
            select(audit_entries.c.outcome).where(
                audit_entries.c.user_id == member.user_id, audit_entries.c.outcome == "refused:not_on_committee"
            )
        ).all()
    assert len(audited) == 1
