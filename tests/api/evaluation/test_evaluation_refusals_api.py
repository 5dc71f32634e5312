"""The issue's bad inputs in evaluation, each refused with a clear error naming field, rule and citation, and
audited: an expert of another committee at this lot's bids, the tenderer changing the criteria after the deadline,
a sheet from a replaced member, a score outside its criterion's range, a report signed with a wrong key — and the
report held until the tenderer extends the time more than a third of the members asked for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from evaluation_world import LOWEST, EvaluationWorld

from zhaocai.core.actor import SYSTEM
from zhaocai.evaluation import repository
from zhaocai.experts.draws import do_replace_member

SUITES = ["gm", "std"]


def test_refusals_while_scoring(ev: EvaluationWorld) -> None:
    lot = ev.lot()
    experts = ev.committee(lot, reserves=1)
    ev.away(experts)  # the next draw cannot take them
    other = ev.lot()
    theirs = ev.committee(other)
    assert not {e.user_id for e in experts} & {e.user_id for e in theirs}
    plan_url = f"/api/v1/lots/{lot.lot_id}/evaluation-plan"
    before = ev.client.get(plan_url).json()

    # the tenderer changes the criteria after the deadline
    changed = before["plan"] | {"price_points": "30", "criteria": before["plan"]["criteria"]}
    changed["criteria"] = [c | {"max": "50"} if c["id"] == "tech" else c for c in changed["criteria"]]
    frozen = ev.client.put(plan_url, json=changed, headers=ev.tenderer())
    assert frozen.status_code == 409
    assert frozen.json()["error"] == "plan_frozen" and frozen.json()["field"] == "plan"
    assert "条例49" in frozen.json()["citation"]
    assert ev.audit("evaluation.set_plan")[-1][0] == "refused:plan_frozen"
    assert ev.client.get(plan_url).json() == before

    assert ev.start(lot).status_code == 201
    bid_id = next(iter(lot.bid_ids.values()))
    member = experts[1]

    # an expert of another committee opens this lot's bids
    stranger = theirs[0]
    peek = ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/bids", headers=stranger.headers)
    assert peek.status_code == 403
    body = peek.json()
    assert body["error"] == "not_committee_member" and body["field"] == "lot_id" and "法38" in body["citation"]
    sheet = ev.sheet(lot, stranger, bid_id, {"tech": "30", "biz": "10"})
    assert sheet.status_code == 403 and sheet.json()["error"] == "not_committee_member"
    assert ("refused:not_committee_member", sheet.json()["message"]) in ev.audit("evaluation.submit_sheet")
    assert ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/sheets", headers=stranger.headers).status_code == 403
    assert lot.parties[0].get(f"/api/v1/lots/{lot.lot_id}/evaluation/bids").status_code == 403
    assert ev.client.get(f"/api/v1/lots/{lot.lot_id}/evaluation/bids", headers=member.headers).status_code == 200

    out_of_range = ev.sheet(lot, member, bid_id, {"tech": "41", "biz": "10"})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["error"] == "score_out_of_range" and out_of_range.json()["field"] == "scores.tech"
    assert out_of_range.json()["citation"] == "条例49"
    assert ev.audit("evaluation.submit_sheet")[-1][0] == "refused:score_out_of_range"
    negative = ev.sheet(lot, member, bid_id, {"tech": "-1", "biz": "10"})
    assert negative.status_code == 422 and negative.json()["error"] == "score_out_of_range"
    unknown = ev.sheet(lot, member, bid_id, {"tech": "30", "biz": "10", "bonus": "5"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "scores"
    silent_rejection = ev.sheet(lot, member, bid_id, {"tech": "30", "biz": "10"}, {"price": {"passed": False}})
    assert silent_rejection.status_code == 422 and silent_rejection.json()["citation"] == "条例51"

    assert ev.sheet(lot, member, bid_id, {"tech": "30", "biz": "10"}).status_code == 201
    twice = ev.sheet(lot, member, bid_id, {"tech": "31", "biz": "10"})
    assert twice.status_code == 409 and twice.json()["error"] == "sheet_submitted"

    # the member is replaced (条例48): its sheet is void, and it can no longer score
    do_replace_member(
        uow=ev.world.container.uow(),
        actor=SYSTEM,
        draw_id=lot.draw_id,
        member_id=member.member_id,
        reason="与投标人存在利害关系，应回避",
    )
    replaced = ev.sheet(lot, member, next(reversed(list(lot.bid_ids.values()))), {"tech": "30", "biz": "10"})
    assert replaced.status_code == 403
    assert replaced.json()["error"] == "member_replaced" and replaced.json()["citation"] == "条例48"
    assert ev.audit("evaluation.submit_sheet")[-1][0] == "refused:member_replaced"
    seated = ev.seat(lot)
    assert member not in seated and len(seated) == 5
    newcomer = next(e for e in seated if e not in experts)
    assert ev.sheet(lot, newcomer, bid_id, {"tech": "35", "biz": "10"}).status_code == 201
    with ev.world.container.engine.connect() as conn:
        sheets = repository.sheets_of(conn, lot.lot_id, status=None)
    voided = [s for s in sheets if s.member_id == member.member_id]
    assert [s.status for s in voided] == ["void"] and "条例48" in (voided[0].void_reason or "")


@pytest.mark.parametrize("suite", SUITES)
def test_report_signatures_and_the_time_extension(ev: EvaluationWorld, suite: str) -> None:
    ev.world.suite = suite
    lot = ev.lot(plan=LOWEST)
    experts = ev.committee(lot)
    chair = experts[0]
    assert ev.start(lot, chair).status_code == 201
    url = f"/api/v1/lots/{lot.lot_id}/evaluation"

    first = ev.client.post(f"{url}/time-claims", json={"reason": "投标文件篇幅大"}, headers=experts[1].headers)
    assert first.status_code == 201 and first.json() == {"extension_required": False}  # 1 of 5 is not over 1/3
    second = ev.client.post(f"{url}/time-claims", json={"reason": "需核对清单"}, headers=experts[2].headers)
    assert second.json() == {"extension_required": True}  # 2 of 5 is
    for expert in experts:
        for bid_id in lot.bid_ids.values():
            assert ev.sheet(lot, expert, bid_id, {"duration": "0"}).status_code == 201
    assert ev.client.post(f"{url}/report", json={}, headers=chair.headers).status_code == 201
    report = ev.report(lot)
    document = __import__("base64").b64decode(report["document"])
    signatures = f"/api/v1/evaluation-reports/{report['id']}/signatures"

    someone_elses_key = experts[1].sign(document)["signature"]
    forged = ev.client.post(
        signatures,
        json={"certificate_pem": experts[2].certificate_pem.decode(), "signature": someone_elses_key},
        headers=experts[2].headers,
    )
    assert forged.status_code == 422 and forged.json()["error"] == "bad_signature"
    borrowed = ev.client.post(signatures, json=experts[1].sign(document), headers=experts[2].headers)
    assert borrowed.status_code == 422 and borrowed.json()["error"] == "wrong_certificate"
    assert borrowed.json()["field"] == "certificate_pem"
    tampered = ev.client.post(signatures, json=experts[2].sign(document + b" "), headers=experts[2].headers)
    assert tampered.status_code == 422 and tampered.json()["error"] == "bad_signature"
    rogue = ev.world.pki.rogue[suite].issue(subject="CN=冒名专家,C=CN", usage="sign")
    from bidding_world import _der

    from zhaocai.crypto import keys

    rogue_key = keys.load_private_key(_der(rogue.private_key_pem or b""))
    untrusted = ev.client.post(
        signatures,
        json={
            "certificate_pem": rogue.certificate_pem.decode(),
            "signature": __import__("base64").b64encode(rogue_key.sign(document)).decode(),
        },
        headers=experts[2].headers,
    )
    assert untrusted.status_code == 422 and untrusted.json()["error"] == "untrusted_ca"
    outcomes = [outcome for outcome, _ in ev.audit("evaluation.sign_report")]
    assert outcomes == [
        "refused:bad_signature",
        "refused:wrong_certificate",
        "refused:bad_signature",
        "refused:untrusted_ca",
    ]
    outsider = ev.expert(suite)
    assert ev.client.post(signatures, json=outsider.sign(document), headers=outsider.headers).status_code == 403

    assert ev.sign(report, experts[2]).status_code == 201
    again = ev.sign(report, experts[2])
    assert again.status_code == 409 and again.json()["error"] == "already_signed"
    empty = ev.client.post(
        f"/api/v1/evaluation-reports/{report['id']}/refusals", json={"reasons": " "}, headers=experts[3].headers
    )
    assert empty.status_code == 422 and empty.json()["citation"] == "条例53"

    close = f"/api/v1/evaluation-reports/{report['id']}/close"
    held = ev.client.post(close, headers=chair.headers)
    assert held.status_code == 409 and held.json()["error"] == "extension_required"
    assert held.json()["citation"] == "条例48"
    until = (ev.world.clock.now() + timedelta(hours=4)).isoformat()
    not_yours = ev.client.post(f"{url}/extension", json={"until": until}, headers=chair.headers)
    assert not_yours.status_code == 403
    extended = ev.client.post(f"{url}/extension", json={"until": until}, headers=ev.tenderer())
    assert extended.status_code == 200, extended.text
    assert ev.client.post(close, headers=chair.headers).json() == {"state": "closed"}
    late = ev.sign(report, experts[4])
    assert late.status_code == 409 and late.json()["error"] == "report_closed"
