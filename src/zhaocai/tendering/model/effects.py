"""What an event records on the tender, beside the move to its next state (machine.py does the move).

Effects run after every guard has passed, so they only copy the event's facts into the tender.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from zhaocai.rules.table import local_day
from zhaocai.tendering.model.guards import OPENING_BIDDERS_RULE, PASSED_APPLICANTS_RULE
from zhaocai.tendering.model.rulebook import RuleBook
from zhaocai.tendering.model.states import Event
from zhaocai.tendering.model.tender import Objection, Stage, TenderProject
from zhaocai.tendering.model.timing import objection_answer_due

Effect = Callable[[TenderProject, Event, RuleBook], TenderProject]


def record_notice(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    """From now on the tender is governed by the rules in force on the day its notice is published."""
    return replace(tender, notice=event.notice, rules_date=local_day(event.at))


def record_prequal_schedule(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    schedule = replace(
        tender.schedule,
        prequal_issued_at=event.at,
        prequal_sale_ends_at=event.sale_ends_at,
        applications_due=event.deadline,
    )
    return replace(tender, schedule=schedule)


def record_document_schedule(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    schedule = replace(
        tender.schedule, documents_issued_at=event.at, sale_ends_at=event.sale_ends_at, bid_deadline=event.deadline
    )
    return replace(tender, schedule=schedule)


def record_passed_applicants(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    return replace(tender, passed_applicants=event.passed_applicants, qualified_org_ids=event.qualified_org_ids)


def record_amendment(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    """A moved deadline replaces the old one (顺延); an amendment that keeps it changes nothing here."""
    if event.deadline is None:
        return tender
    field = "applications_due" if tender.stage is Stage.PREQUALIFICATION else "bid_deadline"
    return replace(tender, schedule=replace(tender.schedule, **{field: event.deadline}))


def open_objection(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    assert event.objection_id is not None
    objection = Objection(
        id=event.objection_id,
        stage=tender.stage,
        raised_at=event.at,
        answer_due_at=objection_answer_due(event.at, book),
    )
    return replace(tender, objections=(*tender.objections, objection))


def _update_objection(tender: TenderProject, objection_id: str | None, **changes: object) -> TenderProject:
    objections = tuple(
        replace(objection, **changes) if objection.id == objection_id else objection for objection in tender.objections
    )
    return replace(tender, objections=objections)


def record_answer(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    return _update_objection(tender, event.objection_id, answered_at=event.at)


def mark_answer_overdue(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    return _update_objection(tender, event.objection_id, overdue=True)


def impose_directive(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    assert tender.suspension is not None  # machine.py opens the suspension before the effect runs
    return replace(tender, suspension=replace(tender.suspension, directive=True))


def lift_directive(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    assert tender.suspension is not None
    return replace(tender, suspension=replace(tender.suspension, directive=False))


def record_cancellation(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    return replace(tender, end_reason=event.reason.strip())


def record_failure(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    """流标, with the count that caused it and the rule that made it fail."""
    if event.passed_applicants is not None:
        rule = book.rule(PASSED_APPLICANTS_RULE)
        cause = f"{event.passed_applicants} applicants passed prequalification ({rule.citation})"
        tender = replace(tender, passed_applicants=event.passed_applicants, qualified_org_ids=event.qualified_org_ids)
    else:
        rule = book.rule(OPENING_BIDDERS_RULE)
        cause = f"{event.bidders} bidders ({rule.citation})"
    reason = event.reason.strip()
    return replace(tender, end_reason=f"{cause}: {reason}" if reason else cause)


def record_successor(tender: TenderProject, event: Event, book: RuleBook) -> TenderProject:
    return replace(tender, successor_id=event.successor_id)
