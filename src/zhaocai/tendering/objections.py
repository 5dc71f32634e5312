"""Objections (异议) to the prequalification or tender documents (条例22): raised by a would-be bidder at least
objection_*_min_days before the deadline; the tender is suspended until they are answered; the answer is due within
objection_docs_answer_days (tracked: an unanswered objection is marked overdue by the scheduler and flagged to
supervision with an EXCEPTION_REPORT message).

Who raised an objection is told the answer; nobody else learns who objected before the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from zhaocai.adapters.db.tables.tendering import tender_objections
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import NotFound
from zhaocai.core.ids import new_id
from zhaocai.tendering.access import require_bidder, require_tender_party
from zhaocai.tendering.clarifications import text
from zhaocai.tendering.model import Event, EventKind, TenderProject
from zhaocai.tendering.procedure import Working, apply, load_for_change, save
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class ObjectionView:
    """An objection as the tender's side sees it: what, when, due and answered — not who."""

    id: str
    stage: str
    text: str
    raised_at: datetime
    answer_due_at: datetime
    answer: str | None
    answered_at: datetime | None
    overdue: bool


def _tender_side(tender: TenderProject) -> list[str]:
    return [tender.tenderer_org_id, *([tender.agent_org_id] if tender.agent_org_id else [])]


@use_case("tendering.raise_objection", object_type="tender")
def do_raise_objection(*, uow: UnitOfWork, actor: Actor, tender_id: str, objection: str) -> str:
    """Raise an objection to the documents that are out; the tender is suspended until it is answered."""
    org_id = require_bidder(uow, actor, action="object to tender documents")
    working = load_for_change(uow, tender_id)
    body = text(objection, "objection", "the objection")
    objection_id = new_id()
    tender = apply(working, Event(EventKind.RAISE_OBJECTION, working.now, objection_id=objection_id))
    save(uow, working)
    recorded = tender.objection(objection_id)
    assert recorded is not None
    uow.conn.execute(
        insert(tender_objections).values(
            id=objection_id,
            tender_id=tender_id,
            stage=recorded.stage.value,
            raised_by_org_id=org_id,
            raised_by_user_id=actor.user_id,
            text=body,
            raised_at=recorded.raised_at,
            answer_due_at=recorded.answer_due_at,
        )
    )
    notify_organisations(
        uow,
        _tender_side(tender),
        subject=f"异议 an objection to the documents of {tender.number}: the tender is suspended",
        body=f"Answer it by {recorded.answer_due_at.isoformat()} (条例22); the tender stays suspended until then.\n\n"
        f"{body}",
    )
    return objection_id


def _resume_if_clear(working: Working) -> None:
    tender = working.tender
    suspension = tender.suspension
    if suspension is None or suspension.directive or tender.pending_objections():
        return
    deadline = tender.schedule.deadline(tender.stage)
    if deadline is not None and working.now >= deadline:
        return  # the deadline passed while suspended: the tender's side must move it first (amend, then resume)
    apply(working, Event(EventKind.RESUME, working.now))


@use_case("tendering.answer_objection", object_type="tender")
def do_answer_objection(
    *, uow: UnitOfWork, actor: Actor, tender_id: str, objection_id: str, answer: str, resume: bool = True
) -> TenderProject:
    """Answer an objection (late answers are still recorded as late). With `resume`, a tender that has nothing else
    pending and its deadline still ahead resumes where it left off."""
    working = load_for_change(
        uow, tender_id, check=lambda tender: require_tender_party(uow, actor, tender, action="answer objections")
    )
    row = uow.conn.execute(
        select(tender_objections.c.raised_by_org_id).where(
            tender_objections.c.id == objection_id, tender_objections.c.tender_id == tender_id
        )
    ).first()
    if row is None:
        raise NotFound(f"no objection {objection_id} on this tender", field="objection_id")
    answered = text(answer, "answer", "the answer")
    apply(working, Event(EventKind.ANSWER_OBJECTION, working.now, objection_id=objection_id))
    if resume:
        _resume_if_clear(working)
    save(uow, working)
    uow.conn.execute(
        update(tender_objections)
        .where(tender_objections.c.id == objection_id)
        .values(answer=answered, answered_at=working.now, answered_by=actor.user_id)
    )
    notify_organisations(
        uow,
        [row.raised_by_org_id],
        subject=f"异议答复 the answer to your objection about {working.tender.number}",
        body=answered,
    )
    return working.tender


@use_case("tendering.resume_tender", object_type="tender")
def do_resume_tender(*, uow: UnitOfWork, actor: Actor, tender_id: str) -> TenderProject:
    """Resume a suspended tender: every objection answered, no directive in force, its deadline still ahead."""
    working = load_for_change(
        uow, tender_id, check=lambda tender: require_tender_party(uow, actor, tender, action="resume it")
    )
    apply(working, Event(EventKind.RESUME, working.now))
    save(uow, working)
    return working.tender


def objections_of(conn: Connection, tender_id: str) -> list[ObjectionView]:
    rows = conn.execute(
        select(tender_objections)
        .where(tender_objections.c.tender_id == tender_id)
        .order_by(tender_objections.c.raised_at, tender_objections.c.id)
    ).all()
    return [
        ObjectionView(
            id=row.id,
            stage=row.stage,
            text=row.text,
            raised_at=row.raised_at,
            answer_due_at=row.answer_due_at,
            answer=row.answer,
            answered_at=row.answered_at,
            overdue=row.overdue_at is not None
            or (row.answered_at is not None and row.answered_at >= row.answer_due_at),
        )
        for row in rows
    ]
