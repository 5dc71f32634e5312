"""Tracked duties of the award stage (DESIGN principle 1): publish the candidates after the report and answer an
objection to the result (条例54), report the award to the supervisor (法47), sign the contract (法46). On the last
day the tender side is reminded; when the period ends unmet, the duty is flagged once: the flag is recorded, the
tender side is told, and supervision gets an EXCEPTION_REPORT. Late acts are still accepted and stay recorded as
late. `do_check_award_duties` is idempotent: the platform runs it as a job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, select

from zhaocai.adapters.db.tables.award import (
    award_contracts,
    award_decisions,
    award_objections,
    award_publicities,
    award_publicity_overdue,
)
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award import messages, repository
from zhaocai.award.context import LotContext, load_lot
from zhaocai.award.model.citations import AWARD_REPORT, CONTRACT_PERIOD, PUBLICITY
from zhaocai.award.model.publicity import timing
from zhaocai.award.publicity import START_RULE
from zhaocai.core.actor import Actor
from zhaocai.exchange.outbox import emit
from zhaocai.identity.access import require_role
from zhaocai.identity.model import Role
from zhaocai.rules.periods import format_moment
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class Duty:
    table: Table
    done: str  # the column set when the duty is met
    due: str  # the column holding the instant it falls overdue
    reminded: str
    flagged: str
    kind: str  # EXCEPTION_TYPE
    basis: str
    what: Callable[[Any], str]
    items: Callable[[Any], dict[str, Any]]


DUTIES = (
    Duty(
        award_objections,
        "answered_at",
        "answer_due_at",
        "reminded_at",
        "overdue_flagged_at",
        "result_objection_answer_overdue",
        PUBLICITY,
        lambda row: f"the answer to objection {row.id}",
        lambda row: {"OBJECTION_ID": row.id, "RAISED_TIME": messages.moment(row.raised_at)},
    ),
    Duty(
        award_decisions,
        "reported_at",
        "report_overdue_at",
        "report_reminded_at",
        "report_overdue_flagged_at",
        "award_report_overdue",
        AWARD_REPORT,
        lambda row: "the written report to the supervising department",
        lambda row: {"AWARD_TIME": messages.moment(row.decided_at)},
    ),
    Duty(
        award_contracts,
        "signed_at",
        "signing_overdue_at",
        "reminded_at",
        "overdue_flagged_at",
        "contract_signing_overdue",
        CONTRACT_PERIOD,
        lambda row: f"the signing of contract {row.id}",
        lambda row: {"CONTRACT_ID": row.id},
    ),
)


def _tender_side(ctx: LotContext) -> list[str]:
    return [ctx.tender.tenderer_org_id, *([ctx.tender.agent_org_id] if ctx.tender.agent_org_id else [])]


def _open(conn: Connection, duty: Duty, step: str, before: datetime, after: datetime | None = None) -> list[Any]:
    """Duties not met, not yet through `step`, falling due by `before` (and after `after`)."""
    table = duty.table
    due = table.c[duty.due]
    query = select(table).where(table.c[duty.done].is_(None), table.c[step].is_(None), due.is_not(None), due <= before)
    if after is not None:
        query = query.where(due > after)
    return list(conn.execute(query).all())


def _remind(uow: UnitOfWork, duty: Duty, now: datetime) -> int:
    """The last day has begun (a period ends at 24:00 of its last day: the due instant less one day)."""
    rows = _open(uow.conn, duty, duty.reminded, now + timedelta(days=1), after=now)
    for row in rows:
        ctx = load_lot(uow.conn, row.lot_id, at=now)
        repository.change(uow.conn, duty.table, row.id, **{duty.reminded: now})
        notify_organisations(
            uow,
            _tender_side(ctx),
            subject=f"提醒 due today: {duty.what(row)} ({ctx.tender.number} 标段 {ctx.lot.number})",
            body=f"{duty.what(row)} is due by {format_moment(row._mapping[duty.due])} (Asia/Shanghai, {duty.basis}).",
        )
    return len(rows)


def _report_overdue(
    uow: UnitOfWork,
    ctx: LotContext,
    now: datetime,
    due: datetime,
    *,
    kind: str,
    basis: str,
    what: str,
    late: str,
    items: dict[str, Any],
) -> None:
    """Tell supervision (an EXCEPTION_REPORT with `items` and the due time) and the tender side that `what` fell
    overdue; `late` opens the notice's sentence ("… was due")."""
    payload = messages.exception(ctx, now, kind=kind, basis=basis, **items, DUE_TIME=messages.moment(due))
    emit(uow, messages.EXCEPTION_REPORT, payload, object_type="lot", object_id=ctx.lot_id)
    notify_organisations(
        uow,
        _tender_side(ctx),
        subject=f"逾期 overdue: {what} ({ctx.tender.number} 标段 {ctx.lot.number})",
        body=f"{late} by {format_moment(due)} (Asia/Shanghai, {basis}). The delay is recorded and reported to the "
        "supervising department.",
    )


def _flag(uow: UnitOfWork, duty: Duty, now: datetime) -> int:
    rows = _open(uow.conn, duty, duty.flagged, now)
    for row in rows:
        ctx = load_lot(uow.conn, row.lot_id, at=now)
        repository.change(uow.conn, duty.table, row.id, **{duty.flagged: now})
        what = duty.what(row)
        _report_overdue(
            uow,
            ctx,
            now,
            row._mapping[duty.due],
            kind=duty.kind,
            basis=duty.basis,
            what=what,
            late=f"{what} was due",
            items=duty.items(row),
        )
    return len(rows)


# A publicity is due within days of the report; a report older than this without one was flagged long ago.
PUBLICITY_LOOKBACK = timedelta(days=60)


def _unpublished(conn: Connection, now: datetime) -> list[tuple[LotContext, datetime]]:
    """Closed reports with candidates whose publicity is overdue (条例54) and not yet flagged: (lot, due)."""
    from zhaocai.evaluation.queries import reports_closed_since  # lazily: evaluation is the previous stage

    closed = reports_closed_since(conn, now - PUBLICITY_LOOKBACK)
    ids = [report_id for _, report_id, _ in closed]
    done = {  # published, or already flagged: looked up among these reports only, not every publicity ever made
        report_id
        for table in (award_publicities, award_publicity_overdue)
        for report_id in conn.execute(select(table.c.report_id).where(table.c.report_id.in_(ids))).scalars()
    }
    found = []
    for lot_id, report_id, completed_at in closed:
        if report_id in done:
            continue
        ctx = load_lot(conn, lot_id, at=now)
        due = timing(completed_at, now, ctx.governing(START_RULE), calendar=ctx.book.calendar).start_due_at
        if due is not None and now >= due:
            found.append((ctx, due))
    return found


def _flag_unpublished(uow: UnitOfWork, now: datetime) -> int:
    overdue = _unpublished(uow.conn, now)
    for ctx, due in overdue:
        repository.add(
            uow.conn, award_publicity_overdue, report_id=ctx.report.id, lot_id=ctx.lot_id, due_at=due, flagged_at=now
        )
        _report_overdue(
            uow,
            ctx,
            now,
            due,
            kind="candidate_publicity_overdue",
            basis=PUBLICITY,
            what="中标候选人公示",
            late="The candidates were due to be published",
            items={"REPORT_TIME": messages.moment(ctx.report.completed_at)},
        )
    return len(overdue)


def duties_due(conn: Connection, now: datetime) -> bool:
    """Whether `do_check_award_duties` has anything to remind or flag: the job asks first, so that a quiet minute
    writes no audit entry."""
    return bool(_unpublished(conn, now)) or any(
        _open(conn, duty, duty.reminded, now + timedelta(days=1), after=now) or _open(conn, duty, duty.flagged, now)
        for duty in DUTIES
    )


@use_case("award.check_duties", object_type=None)
def do_check_award_duties(*, uow: UnitOfWork, actor: Actor) -> int:
    """Remind the duties whose last day has begun and flag those that have fallen overdue since the last run; how many
    were newly flagged overdue."""
    require_role(actor, Role.PLATFORM_OPERATOR.value, action="check award duties")
    now = uow.clock.now()
    for duty in DUTIES:
        _remind(uow, duty, now)
    return _flag_unpublished(uow, now) + sum(_flag(uow, duty, now) for duty in DUTIES)
