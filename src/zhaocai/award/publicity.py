"""The candidate publicity (中标候选人公示, 条例54; content per 10号令6) and the objections raised during it.

Published within candidate_publicity_start_days of the report (tracked: a late one is recorded as late and flagged
to supervision), for at least candidate_publicity_min_days (enforced). An objection to the result may be raised
while the publicity runs; it is answered within result_objection_answer_days (tracked) and suspends the award until
it is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from zhaocai.adapters.db.tables.award import award_objections, award_publicities
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award import messages, repository
from zhaocai.award.access import require_bidder, tender_side_lot
from zhaocai.award.bidders import bidder_org_ids
from zhaocai.award.context import LotContext, load_lot, organisation
from zhaocai.award.model import CandidateInput, PublicCandidate, PublicityContent, check_period, timing
from zhaocai.award.model.citations import PUBLICITY
from zhaocai.award.model.progress import Act
from zhaocai.award.model.publicity import candidate_text, check_candidate_list, check_texts, merge_value
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.rules.periods import format_moment, period_end
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case

START_RULE = "candidate_publicity_start_days"
MIN_RULE = "candidate_publicity_min_days"
ANSWER_RULE = "result_objection_answer_days"


def public_candidates(ctx: LotContext, uow: UnitOfWork, given: Sequence[CandidateInput]) -> tuple[PublicCandidate, ...]:
    ranked = sorted(ctx.report.candidates, key=lambda c: c.rank)
    check_candidate_list([c.bid_id for c in ranked], [item.bid_id for item in given])
    by_bid = {item.bid_id: item for item in given}
    out = []
    for index, candidate in enumerate(ranked):
        item = by_bid[candidate.bid_id]
        org = organisation(uow.conn, candidate.bidder_org_id)
        field = f"candidates[{index}]"
        out.append(
            PublicCandidate(
                rank=candidate.rank,
                bid_id=candidate.bid_id,
                bidder_name=org.name,
                bidder_credit_code=org.credit_code,
                price=candidate.bid_price,
                quality=merge_value(candidate.quality, item.quality, f"{field}.quality", "the quality (质量)"),
                duration_days=merge_value(
                    candidate.duration_days, item.duration_days, f"{field}.duration_days", "the duration (工期)"
                ),
                project_manager=merge_value(
                    candidate.project_manager,
                    item.project_manager,
                    f"{field}.project_manager",
                    "the project manager (项目负责人)",
                ),
                project_manager_certificate=merge_value(
                    candidate.project_manager_certificate,
                    item.project_manager_certificate,
                    f"{field}.project_manager_certificate",
                    "the project manager's certificate number (证书编号)",
                ),
                qualifications=candidate_text(
                    item.qualifications, index, "qualifications", "each candidate's qualifications (资格能力条件)"
                ),
            )
        )
    return tuple(out)


@use_case("award.publish_publicity", object_type="lot")
def do_publish_publicity(
    *,
    uow: UnitOfWork,
    actor: Actor,
    lot_id: str,
    ends_at: datetime,
    evaluation_summary: str,
    objection_channel: str,
    candidates: list[CandidateInput],
) -> PublicityContent:
    """Publish the candidates of the lot's closed evaluation report with what 10号令6 asks for."""
    now = uow.clock.now()
    ctx = tender_side_lot(uow, actor, lot_id, at=now, action="publish the candidate publicity")
    ctx.allow(Act.PUBLISH)
    if not ctx.report.candidates:
        raise Conflict(
            "the evaluation report recommends no candidate (all bids rejected): re-tender (评标规定27)",
            field="lot_id",
            code="no_candidates",
        )
    if ends_at.tzinfo is None:
        raise ValidationFailed("ends_at needs a timezone", field="ends_at")
    check_period(now, ends_at, ctx.governing(MIN_RULE), calendar=ctx.book.calendar)
    summary, channel = check_texts(evaluation_summary=evaluation_summary, objection_channel=objection_channel)
    content = PublicityContent(
        tender_number=ctx.tender.number,
        tender_name=ctx.tender.name,
        lot_number=ctx.lot.number,
        lot_name=ctx.lot.name,
        report_id=ctx.report.id,
        candidates=public_candidates(ctx, uow, candidates),
        evaluation_summary=summary,
        objection_channel=channel,
        starts_at=now,
        ends_at=ends_at,
    )
    when = timing(ctx.report.completed_at, now, ctx.governing(START_RULE), calendar=ctx.book.calendar)
    publicity_id = new_id()
    uow.audit.object_type = "award_publicity"  # type: ignore[attr-defined]
    uow.audit.object_id = publicity_id  # type: ignore[attr-defined]
    repository.add(
        uow.conn,
        award_publicities,
        id=publicity_id,
        tender_id=ctx.tender.id,
        lot_id=lot_id,
        report_id=ctx.report.id,
        report_completed_at=ctx.report.completed_at,
        published_at=now,
        ends_at=ends_at,
        start_due_at=when.start_due_at,
        published_late=when.late,
        content=canonical_json(asdict(content)).decode(),
        published_by=actor.user_id,
    )
    emit(uow, messages.CANDIDATE_PUBLICITY, publicity_message(ctx, content, now), object_type="lot", object_id=lot_id)
    if when.late:
        emit(
            uow,
            messages.EXCEPTION_REPORT,
            messages.exception(
                ctx,
                now,
                kind="candidate_publicity_late",
                basis=PUBLICITY,
                REPORT_TIME=messages.moment(ctx.report.completed_at),
                DUE_TIME=messages.moment(when.start_due_at),
                PUBLISH_TIME=messages.moment(now),
            ),
            object_type="lot",
            object_id=lot_id,
        )
    notify_organisations(
        uow,
        bidder_org_ids(uow.conn, lot_id),
        subject=f"中标候选人公示 {ctx.tender.number} 标段 {ctx.lot.number}",
        body=f"The candidates for {ctx.lot.name} are publicised until {format_moment(ends_at)} (Asia/Shanghai). "
        f"Objections (异议) to the result may be raised until then (条例54): {channel}",
    )
    return content


def publicity_message(ctx: LotContext, content: PublicityContent, at: datetime) -> dict:
    return messages.lot_items(ctx, at) | {
        "PUBLICITY_START_TIME": messages.moment(content.starts_at),
        "PUBLICITY_END_TIME": messages.moment(content.ends_at),
        "EVALUATION_SUMMARY": content.evaluation_summary,
        "OBJECTION_CHANNEL": content.objection_channel,
        "WIN_CANDIDATES": [
            {
                "RANK": c.rank,
                "BIDDER_NAME": c.bidder_name,
                "BIDDER_CODE": c.bidder_credit_code,
                "BID_PRICE": str(c.price),
                "QUALITY": c.quality,
                "DURATION_DAYS": c.duration_days,
                "PROJECT_MANAGER": c.project_manager,
                "PROJECT_MANAGER_CERT_NO": c.project_manager_certificate,
                "QUALIFICATIONS": c.qualifications,
            }
            for c in content.candidates
        ],
    }


@use_case("award.raise_objection", object_type="lot")
def do_raise_result_objection(*, uow: UnitOfWork, actor: Actor, lot_id: str, objection: str) -> str:
    """A bidder or other interested party objects to the result while the publicity runs (条例54); the award is
    suspended until the objection is answered."""
    org_id = require_bidder(uow, actor, action="object to the evaluation result")
    now = uow.clock.now()
    ctx = load_lot(uow.conn, lot_id, at=now)
    publicity = ctx.publicity
    if publicity is None:
        raise Conflict("the lot's candidates are not publicised yet", field="lot_id", code="no_publicity")
    ctx.allow(Act.OBJECT)
    if now >= publicity.ends_at:
        raise Conflict(
            f"objections to the result are raised during the publicity (条例54), which ended "
            f"{format_moment(publicity.ends_at)} (Asia/Shanghai)",
            field="lot_id",
            citation=PUBLICITY,
            code="publicity_ended",
        )
    text = (objection or "").strip()
    if not text:
        raise ValidationFailed("the objection must say what is objected to", field="objection")
    objection_id = new_id()
    due = period_end(now, ctx.book.rule(ANSWER_RULE), calendar=ctx.book.calendar)
    uow.audit.object_type = "award_objection"  # type: ignore[attr-defined]
    uow.audit.object_id = objection_id  # type: ignore[attr-defined]
    repository.add(
        uow.conn,
        award_objections,
        id=objection_id,
        publicity_id=publicity.id,
        lot_id=lot_id,
        raised_by_org_id=org_id,
        raised_by_user_id=actor.user_id,
        text=text,
        raised_at=now,
        answer_due_at=due,
    )
    notify_organisations(
        uow,
        [ctx.tender.tenderer_org_id, *([ctx.tender.agent_org_id] if ctx.tender.agent_org_id else [])],
        subject=f"异议 an objection to the result of {ctx.tender.number} 标段 {ctx.lot.number}: the award is suspended",
        body=f"Answer it by {format_moment(due)} (Asia/Shanghai, 条例54); no award is possible until then.\n\n{text}",
    )
    return objection_id


@use_case("award.answer_objection", object_type="award_objection")
def do_answer_result_objection(*, uow: UnitOfWork, actor: Actor, objection_id: str, answer: str) -> None:
    """Answer an objection to the result (a late answer is still recorded, and stays marked late)."""
    now = uow.clock.now()
    row = repository.get_objection(uow.conn, objection_id)
    ctx = tender_side_lot(uow, actor, row.lot_id, at=now, action="answer objections to the result")
    if row.answered_at is not None:
        raise Conflict("this objection is already answered", field="objection_id", code="already_answered")
    ctx.allow(Act.ANSWER)
    text = (answer or "").strip()
    if not text:
        raise ValidationFailed("the answer must not be empty", field="answer")
    repository.change(uow.conn, award_objections, objection_id, answer=text, answered_at=now, answered_by=actor.user_id)
    notify_organisations(
        uow,
        [row.raised_by_org_id],
        subject=f"异议答复 the answer to your objection about {ctx.tender.number} 标段 {ctx.lot.number}",
        body=text,
    )
