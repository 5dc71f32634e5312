"""Every bad input of the award stage is refused with the field, the rule and its citation, and audited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from award_world import Steps

from zhaocai.award.decision import do_decide_award
from zhaocai.award.model import PassedOver, PassOverReason
from zhaocai.award.model.publicity import CandidateInput
from zhaocai.award.publicity import do_answer_result_objection, do_raise_result_objection
from zhaocai.award.queries import award_outcome
from zhaocai.award.repository import award_of_lot, bond_interest_of
from zhaocai.award.tracking import do_check_award_duties, duties_due
from zhaocai.core.actor import SYSTEM
from zhaocai.core.errors import Conflict, DomainError, Forbidden, ValidationFailed


def refused(call, kind: type[DomainError] = DomainError) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(kind) as caught:
        call()
    return caught.value


@pytest.fixture
def steps(reported) -> Steps:  # type: ignore[no-untyped-def]
    """On the shared lot (see conftest.py); the tests that need another lot build their own."""
    return Steps(reported)


def test_a_publicity_shorter_than_three_days_is_refused(world, steps):
    error = refused(lambda: steps.publish(days=2), ValidationFailed)
    assert (error.field, error.citation, error.detail["rule"]) == ("ends_at", "条例54", "candidate_publicity_min_days")
    assert world.audit("award.publish_publicity") == [("refused:invalid", error.message)]
    steps.publish(days=4)
    assert [o for o, _ in world.audit("award.publish_publicity")] == ["refused:invalid", "ok"]


def test_the_publicity_must_state_what_10_ling_6_lists(world, steps):
    """(What the tender side fills in when the report lacks an item is unit-tested on the pure model: a real bid
    always names its quality, duration and project manager — the bid format requires them.)"""
    assert world.report is not None
    first = world.report.candidates[0]
    bids = [c.bid_id for c in world.report.candidates]
    missing = [CandidateInput(bid, "") if i == 1 else CandidateInput(bid, "二级资质") for i, bid in enumerate(bids)]
    error = refused(lambda: steps.publish(candidates=missing), ValidationFailed)
    assert (error.field, error.citation) == ("candidates[1].qualifications", "招标公告和公示信息发布管理办法6")
    error = refused(lambda: steps.publish(evaluation_summary="  "), ValidationFailed)
    assert error.field == "evaluation_summary"
    error = refused(lambda: steps.publish(candidates=[CandidateInput(bids[0], "二级资质")]), ValidationFailed)
    assert error.code == "candidates_mismatch"
    contradicting = [CandidateInput(bid, "二级资质", quality="优良") for bid in bids]
    error = refused(lambda: steps.publish(candidates=contradicting), ValidationFailed)
    assert (error.field, error.code) == ("candidates[0].quality", "contradicts_report")
    other_manager = [CandidateInput(bids[0], "二级资质", project_manager="王工")]
    other_manager += [CandidateInput(bid, "二级资质") for bid in bids[1:]]
    assert refused(lambda: steps.publish(candidates=other_manager)).field == "candidates[0].project_manager"
    assert [o for o, _ in world.audit("award.publish_publicity")] == ["refused:invalid"] * 2 + [
        "refused:candidates_mismatch",
        "refused:contradicts_report",
        "refused:contradicts_report",
    ]
    agreeing = [CandidateInput(bids[0], "二级资质", project_manager=first.project_manager)]
    agreeing += [CandidateInput(bid, "二级资质") for bid in bids[1:]]
    assert steps.publish(candidates=agreeing).candidates[0].project_manager == first.project_manager == "张三"


def test_a_late_publicity_is_recorded_and_flagged_to_supervision(world, steps):
    world.clock.advance(days=5)
    steps.publish()
    (message,) = world.outbox("EXCEPTION_REPORT")
    assert (message["payload"]["EXCEPTION_TYPE"], message["payload"]["EXCEPTION_BASIS"]) == (
        "candidate_publicity_late",
        "条例54",
    )


def test_no_award_before_the_publicity_ends_or_while_an_objection_is_pending(world, steps):
    assert refused(lambda: steps.decide(), Conflict).code == "publicity_required"
    steps.publish()
    assert refused(lambda: steps.decide(), Conflict).code == "publicity_running"
    objector = world.bidders[2]
    objection_id = do_raise_result_objection(
        uow=world.uow(), actor=objector.actor, lot_id=world.lot, objection="第一名的项目经理证书已过期"
    )
    steps.after_publicity()
    error = refused(lambda: steps.decide(), Conflict)
    assert (error.code, error.citation, error.detail["objection_ids"]) == (
        "objection_pending",
        "条例54",
        [objection_id],
    )
    assert [o for o, _ in world.audit("award.decide_award")][-1] == "refused:objection_pending"
    late = refused(
        lambda: do_raise_result_objection(uow=world.uow(), actor=objector.actor, lot_id=world.lot, objection="再议"),
        Conflict,
    )
    assert late.code == "publicity_ended"
    # unanswered past its 3 days: flagged once by the duty check, then answered late
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 1
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 0
    assert world.outbox("EXCEPTION_REPORT")[-1]["payload"]["EXCEPTION_TYPE"] == "result_objection_answer_overdue"
    do_answer_result_objection(
        uow=world.uow(), actor=world.tenderer.actor, objection_id=objection_id, answer="经核实，证书有效。"
    )
    assert any("异议答复" in subject for subject, _ in world.inbox(objector.actor))
    steps.decide()


def test_an_award_below_the_first_ranked_needs_a_recorded_reason(world, steps):
    steps.publish()
    steps.after_publicity()
    error = refused(lambda: steps.decide(2), ValidationFailed)
    assert (error.field, error.code, error.citation) == ("passed_over", "reason_required", "条例55")
    assert world.audit("award.decide_award")[-1][0] == "refused:reason_required"
    first = world.bid_ids[0]
    blank = [PassedOver(first, PassOverReason.GAVE_UP, "  ")]
    assert refused(lambda: steps.decide(2, blank)).code == "reason_required"
    not_above = [PassedOver(world.bid_ids[2], PassOverReason.GAVE_UP, "放弃")]
    assert refused(lambda: steps.decide(2, not_above)).code == "not_ranked_above"
    steps.decide(2, [PassedOver(first, PassOverReason.GAVE_UP, "第一中标候选人书面放弃中标")])
    award = world.read(award_of_lot, world.lot)
    assert (award.winner_rank, award.winner_org_id) == (2, world.bidders[1].org_id)
    assert '"reason": "gave_up"' in award.passed_over
    assert refused(lambda: steps.decide(1), Conflict).code == "wrong_stage"


def test_the_notice_signature_must_be_the_tenderers_over_the_pdf(world, suite):
    world.build(suite=suite)
    steps = Steps(world)
    steps.publish()
    steps.after_publicity()
    steps.decide()
    award_notice = steps.issue_notices()[0]
    bidder_signer = world.signer(world.bidders[0])
    error = refused(lambda: steps.sign_notice(award_notice, bidder_signer), Forbidden)
    assert (error.field, error.code) == ("certificate", "wrong_signer")
    tenderer_signer = world.signer(world.tenderer)
    other_key = type(tenderer_signer)(tenderer_signer.certificate_pem, bidder_signer.private_pkcs8)
    error = refused(lambda: steps.sign_notice(award_notice, other_key), ValidationFailed)
    assert (error.field, error.code) == ("signature", "bad_signature")
    error = refused(lambda: steps.sign_notice(award_notice, tenderer_signer, b"another document"), ValidationFailed)
    assert error.code == "bad_signature"
    wrong_suite = world.signer(world.tenderer, suite="std" if suite == "gm" else "gm")
    assert refused(lambda: steps.sign_notice(award_notice, wrong_suite)).code == "wrong_suite"
    assert [o for o, _ in world.audit("award.sign_notice")] == [
        "refused:wrong_signer",
        "refused:bad_signature",
        "refused:bad_signature",
        "refused:wrong_suite",
    ]
    assert not any("中标通知书" in subject for subject, _ in world.inbox(world.bidders[0].actor))
    assert refused(lambda: steps.draft(), Conflict).code == "wrong_stage"  # no contract before the notice is out
    steps.sign_notice(award_notice, tenderer_signer)
    assert any("中标通知书" in subject for subject, _ in world.inbox(world.bidders[0].actor))


def test_the_contract_must_match_the_winning_bid(world, steps):
    steps.publish()
    steps.after_publicity()
    steps.decide()
    steps.notify()
    error = refused(lambda: steps.draft(price=Decimal("9400000.00")), ValidationFailed)
    assert (error.field, error.code, error.citation) == ("price", "price_mismatch", "条例57")
    assert world.audit("award.draft_contract")[-1][0] == "refused:price_mismatch"
    assert refused(lambda: steps.draft(duration_days=400)).code == "duration_days_mismatch"
    error = refused(lambda: steps.draft(performance_bond=Decimal("950000.01")), ValidationFailed)
    assert (error.field, error.citation) == ("performance_bond", "条例58")
    contract_id = steps.draft()
    # a signature by someone who is not a party, or over another document
    error = refused(lambda: steps.sign_contract(contract_id, world.bidders[1]), Forbidden)
    assert error.code == "not_a_party"
    steps.sign_contract(contract_id, world.tenderer)
    assert refused(lambda: steps.sign_contract(contract_id, world.tenderer), Conflict).code == "already_signed"
    assert refused(lambda: steps.draft(clauses="改过的条款"), Conflict).code == "contract_signed"


def test_duties_fall_overdue_and_a_revoked_bid_keeps_no_refund(world):
    world.build(pay=True, revoked=1)  # one more bidder paid its bond, then handed over no key
    steps = Steps(world)
    steps.publish()
    steps.after_publicity()
    steps.decide()
    steps.notify()
    contract_id = steps.draft()
    award = world.read(award_of_lot, world.lot)
    world.clock.set(award.report_overdue_at - timedelta(hours=1))  # the report's last day (法47: 15 days)
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 0
    assert any(subject.startswith("提醒") for subject, _ in world.inbox(world.tenderer.actor))
    world.clock.advance(days=40)
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 2  # the report (15 days) and the contract (30)
    kinds = sorted(m["payload"]["EXCEPTION_TYPE"] for m in world.outbox("EXCEPTION_REPORT"))
    assert kinds == ["award_report_overdue", "contract_signing_overdue"]
    steps.sign_contract(contract_id, world.bidders[0])
    steps.sign_contract(contract_id, world.tenderer)
    assert world.read(award_outcome, world.lot).contract_signed_at == world.clock.now()
    rows = {row.bidder_org_id: row for row in world.read(bond_interest_of, contract_id)}
    revoked = rows[world.revoked[0].org_id]
    assert revoked.refund_id is None and "条例35" in revoked.kept_reason
    assert rows[world.bidders[0].org_id].refund_id is not None
    assert world.outbox("CONTRACT_SIGNED")[0]["payload"]["SIGNED_LATE"] is True


def test_only_the_tender_side_acts_and_no_one_awards_without_a_report(world):
    world.build(report=False)  # opened; the committee has not evaluated yet
    steps = Steps(world)
    error = refused(lambda: steps.decide(), Conflict)
    assert (error.field, error.code) == ("lot_id", "no_evaluation_report")
    assert world.audit("award.decide_award")[-1][0] == "refused:no_evaluation_report"
    bidder_first = refused(  # a bidder is refused before it could learn whether the report is closed
        lambda: do_decide_award(
            uow=world.uow(), actor=world.bidders[0].actor, lot_id=world.lot, bid_id=world.bid_ids[0]
        ),
        Forbidden,
    )
    assert bidder_first.field == "role"
    world.close_report()
    error = refused(
        lambda: do_decide_award(
            uow=world.uow(), actor=world.bidders[0].actor, lot_id=world.lot, bid_id=world.bid_ids[0]
        ),
        Forbidden,
    )
    assert error.field == "role"


def test_a_state_controlled_project_awards_the_first_ranked_unless_it_cannot(world):
    world.build(state_controlled=True)
    steps = Steps(world)
    steps.publish()
    steps.after_publicity()
    first = world.bid_ids[0]
    error = refused(lambda: steps.decide(2, [PassedOver(first, PassOverReason.TENDERER_CHOICE, "第二名更优")]))
    assert (error.code, error.citation) == ("first_ranked_required", "条例55")
    steps.decide(2, [PassedOver(first, PassOverReason.NO_PERFORMANCE_BOND, "未按招标文件提交履约保证金")])
    assert world.read(award_of_lot, world.lot).winner_rank == 2


def test_a_publicity_never_published_is_flagged_once_when_its_time_is_up(world):
    world.build()  # the report is closed; nobody publishes the candidates
    with world.uow() as uow:
        assert not duties_due(uow.conn, world.clock.now())
    world.clock.advance(days=1)
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 0  # still within the 3 days (条例54)
    world.clock.advance(days=5)
    with world.uow() as uow:
        assert duties_due(uow.conn, world.clock.now())  # the job will run the audited check
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 1
    kinds = [m["payload"]["EXCEPTION_TYPE"] for m in world.outbox("EXCEPTION_REPORT")]
    assert kinds == ["candidate_publicity_overdue"]
    assert any(subject.startswith("逾期") for subject, _ in world.inbox(world.tenderer.actor))
    assert do_check_award_duties(uow=world.uow(), actor=SYSTEM) == 0  # flagged once
    Steps(world).publish()  # a late publicity is still accepted, and recorded as late
    kinds = [m["payload"]["EXCEPTION_TYPE"] for m in world.outbox("EXCEPTION_REPORT")]
    assert kinds == ["candidate_publicity_overdue", "candidate_publicity_late"]
