"""The committee draw over HTTP on both databases: an honest draw end to end, and every refusal the issue lists."""

from __future__ import annotations

import secrets

from experts_world import Draws

from zhaocai.experts.queries import active_member, committee_for
from zhaocai.experts.transcript import verify


def test_an_honest_draw_fixes_a_committee_that_replays(draws: Draws) -> None:
    pool = draws.pool(8)
    lot = draws.opened_lot()
    drawn = draws.run(lot, reserves=2)
    assert drawn["state"] == "drawn" and drawn["seed"] and drawn["pool_size"] == 8
    draw_id = drawn["id"]

    transcript = draws.client.get(f"/api/v1/draws/{draw_id}/transcript", headers=draws.operator).json()
    assert verify(transcript) == []
    assert len(transcript["committee"]["experts"]) == 5 and len(transcript["committee"]["reserves"]) == 2

    fixed = draws.client.post(f"/api/v1/draws/{draw_id}/fix", headers=draws.world.tenderer_headers())
    assert fixed.status_code == 200, fixed.text
    with draws.world.container.engine.connect() as conn:
        committee = committee_for(conn, lot.lot_id)
        assert committee is not None and len(committee.members) == 5
        ids = {e.user_id: e for e in pool}
        member = committee.members[0]
        assert member.user_id in ids and member.certificate_fingerprint
        assert active_member(conn, lot.lot_id, member.user_id) == member
    mine = draws.client.get("/api/v1/experts/me/assignments", headers=ids[member.user_id].headers).json()
    assert [item["role"] for item in mine] == ["member"]


def test_a_committee_of_four_and_experts_below_two_thirds_are_refused(draws: Draws) -> None:
    draws.pool(6)
    lot = draws.opened_lot()
    four = draws.request(lot, size=4, experts=4)
    assert four.status_code == 422, four.text
    assert four.json()["field"] == "size" and four.json()["citation"] == "法37"
    representative = draws.representative()
    few = draws.request(lot, size=5, experts=3, representatives=[representative, representative])
    assert few.status_code == 422
    assert few.json()["field"] == "experts" and few.json()["citation"] == "法37"
    assert draws.outcomes("experts.request_draw") == ["refused:invalid", "refused:invalid"]

    # declines that empty the pool leave the committee incomplete: it cannot be fixed, the draw is cancelled
    draw_id = draws.run(lot)["id"]
    drawn = draws.client.get(f"/api/v1/draws/{draw_id}/transcript", headers=draws.operator).json()["committee"]
    for expert_id in drawn["experts"][:2]:
        body = {"expert_id": expert_id, "reason": "身体原因"}
        assert draws.client.post(f"/api/v1/draws/{draw_id}/declines", json=body, headers=draws.operator).is_success
    fix = draws.client.post(f"/api/v1/draws/{draw_id}/fix", headers=draws.world.tenderer_headers())
    assert fix.status_code == 409 and fix.json()["error"] == "committee_incomplete"
    again = draws.request(lot)
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
    cancel = draws.client.post(
        f"/api/v1/draws/{draw_id}/cancel", json={"reason": "抽取人数不足"}, headers=draws.world.tenderer_headers()
    )
    assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"
    assert draws.request(lot).status_code == 201


def test_a_bidders_employee_is_never_drawn_and_the_recusal_is_recorded(draws: Draws) -> None:
    lot = draws.opened_lot()
    employee = draws.expert(employer_credit_code=lot.bidders[0].credit_code)
    draws.pool(6)
    drawn = draws.run(lot)
    assert drawn["recused_experts"] == 1
    transcript = draws.client.get(f"/api/v1/draws/{drawn['id']}/transcript", headers=draws.operator).json()
    assert employee.id not in [entry["id"] for entry in transcript["pool"]]
    assert {"expert_id": employee.id, "reason": "employer_is_bidder"}.items() <= transcript["recusals"][0].items()
    assert verify(transcript) == []


def test_no_reveal_before_every_commitment_and_none_that_does_not_match_its_commitment(draws: Draws) -> None:
    draws.pool(6)
    lot = draws.opened_lot()
    draw_id = draws.request(lot).json()["id"]
    early = draws.reveal(draw_id, secrets.token_hex(32))
    assert early.status_code == 409 and early.json()["error"] == "commitments_pending"
    assert draws.commit(draw_id, secrets.token_hex(32)).status_code == 200
    wrong = draws.reveal(draw_id, secrets.token_hex(32))
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "commitment_mismatch" and wrong.json()["field"] == "contribution"
    expected = ["refused:commitments_pending", "refused:commitment_mismatch"]
    assert draws.outcomes("experts.reveal_contribution") == expected


def test_a_party_that_fails_to_reveal_is_flagged_and_the_draw_restarts(draws: Draws) -> None:
    from zhaocai.exchange.outbox import pending_messages

    draws.pool(6)
    lot = draws.opened_lot()
    draw_id = draws.request(lot, reveal_minutes=10).json()["id"]
    first = secrets.token_hex(32)
    assert draws.commit(draw_id, first).status_code == 200
    draws.world.clock.advance(minutes=11)
    late = draws.reveal(draw_id, first)
    assert late.status_code == 409 and late.json()["error"] == "reveal_deadline_passed"

    restarted = draws.client.post(f"/api/v1/draws/{draw_id}/restart", headers=draws.operator)
    assert restarted.status_code == 200, restarted.text
    state = restarted.json()
    assert state["round"] == 2 and state["state"] == "committing"
    assert {p["party"]: p["failed_rounds"] for p in state["parties"]} == {"platform": [], "tenderer": [1]}
    with draws.world.container.engine.connect() as conn:
        flagged = pending_messages(conn, message_type="EXPERT_DRAW_REVEAL_MISSED")
    assert flagged[0]["payload"]["FAILED_PARTIES"] == ["tenderer"]

    second = secrets.token_hex(32)
    assert draws.commit(draw_id, second).status_code == 200
    assert draws.reveal(draw_id, second).json()["state"] == "drawn"
    transcript = draws.client.get(f"/api/v1/draws/{draw_id}/transcript", headers=draws.operator).json()
    assert [r["failed"] for r in transcript["rounds"]] == [["tenderer"], []]
    assert verify(transcript) == []


def test_the_committee_list_is_secret_before_the_result(draws: Draws) -> None:
    pool = draws.pool(7)
    lot = draws.opened_lot()
    draw_id = draws.run(lot)["id"]
    assert draws.client.post(f"/api/v1/draws/{draw_id}/fix", headers=draws.operator).status_code == 200
    assert draws.client.get(f"/api/v1/draws/{draw_id}/committee", headers=draws.operator).status_code == 200
    with draws.world.container.engine.connect() as conn:
        committee = committee_for(conn, lot.lot_id)
    assert committee is not None
    member_users = {m.user_id for m in committee.members}
    outsider = next(e for e in pool if e.user_id not in member_users)
    member = next(e for e in pool if e.user_id in member_users)
    readers = {
        "bidder": lot.bidders[0].headers,
        "tenderer": draws.world.tenderer_headers(),
        "another expert": outsider.headers,
        "a member": member.headers,
    }
    for who, headers in readers.items():
        for what in ("committee", "transcript"):
            response = draws.client.get(f"/api/v1/draws/{draw_id}/{what}", headers=headers)
            assert response.status_code == 403, (who, what, response.text)
            assert response.json()["error"] == "committee_secret" and response.json()["citation"] == "法37"
    with draws.world.container.engine.connect() as conn:
        from sqlalchemy import select

        from zhaocai.adapters.db.tables.audit import audit_entries

        refused = conn.execute(
            select(audit_entries.c.outcome).where(audit_entries.c.outcome == "refused:committee_secret")
        ).all()
    assert len(refused) == 8


def test_declines_take_the_next_in_order_and_a_replaced_member_gives_way(draws: Draws) -> None:
    draws.pool(8)
    lot = draws.opened_lot()
    draw_id = draws.run(lot)["id"]
    before = draws.client.get(f"/api/v1/draws/{draw_id}/transcript", headers=draws.operator).json()["committee"]
    declined = before["experts"][1]
    response = draws.client.post(
        f"/api/v1/draws/{draw_id}/declines", json={"expert_id": declined, "reason": "出差"}, headers=draws.operator
    )
    assert response.status_code == 200, response.text
    after = draws.client.get(f"/api/v1/draws/{draw_id}/transcript", headers=draws.operator).json()
    assert declined not in after["committee"]["experts"]
    assert before["reserves"][0] in after["committee"]["experts"]
    assert verify(after) == []

    assert draws.client.post(f"/api/v1/draws/{draw_id}/fix", headers=draws.operator).status_code == 200
    members = draws.client.get(f"/api/v1/draws/{draw_id}/committee", headers=draws.operator).json()
    replaced = members[0]
    response = draws.client.post(
        f"/api/v1/draws/{draw_id}/replacements",
        json={"member_id": replaced["member_id"], "reason": "发现应当回避的情形"},
        headers=draws.operator,
    )
    assert response.status_code == 201, response.text
    members = draws.client.get(f"/api/v1/draws/{draw_id}/committee", headers=draws.operator).json()
    assert [m["status"] for m in members].count("active") == 5 and members[0]["status"] == "replaced"
    final = draws.client.get(f"/api/v1/draws/{draw_id}/transcript", headers=draws.operator).json()
    assert len(final["replaced"]) == 1 and verify(final) == []
