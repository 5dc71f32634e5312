"""The award decision (确定中标人, 条例55–56) and the written report to the supervising department (法47, tracked).

No award while the publicity runs or an objection to the result is unanswered (条例54). A state-controlled project
that must be tendered awards the first-ranked candidate unless those above the chosen one are passed over for a
recorded ground; any other project records why every candidate ranked above the chosen one was passed over.
"""

from __future__ import annotations

import json
from datetime import datetime

from zhaocai.adapters.db.tables.award import award_decisions
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award import messages, repository
from zhaocai.award.access import tender_side_lot
from zhaocai.award.context import LotContext, organisation
from zhaocai.award.model import PassedOver, choose
from zhaocai.award.model.citations import AWARD_REPORT, PUBLICITY
from zhaocai.award.model.progress import Act
from zhaocai.award.publicity import MIN_RULE
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.rules.periods import format_moment, last_day, period_end
from zhaocai.usecase import use_case

REPORT_RULE = "award_report_days"


def check_publicity_over(ctx: LotContext, uow: UnitOfWork, now: datetime) -> None:
    publicity = ctx.publicity
    if publicity is None:
        if ctx.governing(MIN_RULE) is not None:
            raise Conflict(
                "the candidates must be publicised for the full period before the award (条例54)",
                field="lot_id",
                citation=PUBLICITY,
                code="publicity_required",
            )
        return
    if now < publicity.ends_at:
        raise Conflict(
            f"the candidate publicity runs until {format_moment(publicity.ends_at)} (Asia/Shanghai): no award before "
            "it ends (条例54)",
            field="lot_id",
            citation=PUBLICITY,
            code="publicity_running",
        )
    pending = repository.pending_objections(uow.conn, ctx.lot_id)
    if pending:
        raise Conflict(
            f"{len(pending)} objection(s) to the result are not answered yet: the award is suspended until they "
            "are (条例54)",
            field="lot_id",
            citation=PUBLICITY,
            code="objection_pending",
            detail={"objection_ids": [row.id for row in pending]},
        )


@use_case("award.decide_award", object_type="lot")
def do_decide_award(
    *, uow: UnitOfWork, actor: Actor, lot_id: str, bid_id: str, passed_over: list[PassedOver] | None = None
) -> str:
    """Award the lot to the candidate of `bid_id`; returns the award's id."""
    now = uow.clock.now()
    ctx = tender_side_lot(uow, actor, lot_id, at=now, action="decide the award")
    ctx.allow(Act.DECIDE)
    check_publicity_over(ctx, uow, now)
    rank, skipped = choose(
        [(c.rank, c.bid_id) for c in ctx.report.candidates],
        bid_id,
        passed_over or [],
        first_ranked_rule=ctx.first_ranked_rule,
    )
    winner = ctx.candidate(bid_id)
    award_id = new_id()
    report_rule = ctx.governing(REPORT_RULE)
    uow.audit.object_type = "award"  # type: ignore[attr-defined]
    uow.audit.object_id = award_id  # type: ignore[attr-defined]
    repository.add(
        uow.conn,
        award_decisions,
        id=award_id,
        tender_id=ctx.tender.id,
        lot_id=lot_id,
        report_id=ctx.report.id,
        publicity_id=ctx.publicity.id if ctx.publicity else None,
        winner_bid_id=bid_id,
        winner_org_id=winner.bidder_org_id,
        winner_rank=rank,
        price=str(winner.bid_price),
        passed_over=json.dumps([item.to_json() for item in skipped], ensure_ascii=False),
        decided_at=now,
        decided_by=actor.user_id,
        report_due_day=last_day(now, report_rule, calendar=ctx.book.calendar) if report_rule else None,
        report_overdue_at=period_end(now, report_rule, calendar=ctx.book.calendar) if report_rule else None,
    )
    org = organisation(uow.conn, winner.bidder_org_id)
    emit(
        uow,
        messages.WIN_BID_RESULT,
        messages.lot_items(ctx, now)
        | {
            "WIN_BIDDER_NAME": org.name,
            "WIN_BIDDER_CODE": org.credit_code,
            "WIN_BID_PRICE": str(winner.bid_price),
            "WIN_CANDIDATE_RANK": rank,
            "PASSED_OVER": [item.to_json() for item in skipped],
            "AWARD_TIME": messages.moment(now),
        },
        object_type="lot",
        object_id=lot_id,
    )
    return award_id


@use_case("award.report_award", object_type="lot")
def do_report_award(*, uow: UnitOfWork, actor: Actor, lot_id: str, report: str) -> None:
    """Send the written report on the tender (招标投标情况的书面报告) to the supervising department (法47)."""
    now = uow.clock.now()
    ctx = tender_side_lot(uow, actor, lot_id, at=now, action="report the award to the supervisor")
    ctx.allow(Act.REPORT)
    award = ctx.award
    assert award is not None
    if award.reported_at is not None:
        raise Conflict("the award is already reported", field="lot_id", code="already_reported")
    text = (report or "").strip()
    if not text:
        raise ValidationFailed("the report must not be empty", field="report")
    repository.change(uow.conn, award_decisions, award.id, reported_at=now, report_text=text)
    late = award.report_overdue_at is not None and now >= award.report_overdue_at
    emit(
        uow,
        messages.AWARD_REPORT,
        messages.lot_items(ctx, now)
        | {
            "AWARD_TIME": messages.moment(award.decided_at),
            "REPORT_TIME": messages.moment(now),
            "REPORT_DUE_DATE": award.report_due_day.isoformat() if award.report_due_day else None,
            "REPORTED_LATE": late,
            "REPORT_BASIS": AWARD_REPORT,
            "REPORT_CONTENT": text,
        },
        object_type="lot",
        object_id=lot_id,
    )
