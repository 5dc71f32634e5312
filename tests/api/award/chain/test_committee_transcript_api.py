"""The committee draw's transcript stays secret from the bidders until the lot's result is fixed — the award decided
(中标结果确定, 法37), not merely the report closed; then any bidder fetches it and replays the draw offline with
`zhaocai.experts.transcript.verify` (both databases)."""

from __future__ import annotations

from datetime import timedelta

from award_chain import close_report, draw_committee, open_lot
from evaluation_world import EvaluationWorld
from sqlalchemy import func, select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.experts.transcript import verify


def secret_refusals(ev: EvaluationWorld, user_id: str) -> int:
    query = select(func.count()).where(
        audit_entries.c.outcome == "refused:committee_secret", audit_entries.c.user_id == user_id
    )
    with ev.world.container.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_a_bidder_gets_the_draw_transcript_once_the_award_is_decided_and_it_replays(ev: EvaluationWorld) -> None:
    reported = open_lot(ev)
    experts = draw_committee(reported)
    bidder = reported.priced[0]
    url = f"/api/v1/draws/{reported.lot.draw_id}/transcript"
    before = ev.client.get(url, headers=bidder.headers)
    assert (before.status_code, before.json()["error"], before.json()["field"]) == (403, "committee_secret", "draw_id")
    assert secret_refusals(ev, bidder.actor.user_id or "") == 1

    report = close_report(reported)
    still = ev.client.get(url, headers=bidder.headers)
    assert still.status_code == 403  # the report is closed, but no award yet
    tenderer = ev.tenderer()
    body = {
        "ends_at": (ev.world.clock.now() + timedelta(days=5)).isoformat(),
        "evaluation_summary": "评标委员会由5人组成，采用综合评估法。",
        "objection_channel": "在公示期内通过交易平台提出异议",
        "candidates": [{"bid_id": c.bid_id, "qualifications": "建筑工程施工总承包二级"} for c in report.candidates],
    }
    assert ev.client.post(f"/api/v1/lots/{reported.lot_id}/publicity", json=body, headers=tenderer).status_code == 201
    ev.world.clock.advance(days=6)
    first = {"bid_id": report.candidates[0].bid_id}
    assert ev.client.post(f"/api/v1/lots/{reported.lot_id}/award", json=first, headers=tenderer).status_code == 201
    after = ev.client.get(url, headers=bidder.headers)
    assert after.status_code == 200, after.text
    transcript = after.json()
    assert verify(transcript) == []
    assert set(transcript["committee"]["experts"]) == {expert.expert_id for expert in experts}
    assert verify(transcript | {"seed": "00" * 32}) != []  # a transcript that does not replay is named
