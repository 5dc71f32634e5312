"""Named guards of the procedure table. A guard refuses an event (ValidationFailed for bad input or a limit of the
law, Conflict for the wrong moment) or lets it through; it never changes the tender.

Each guard names the rules-table keys it applies (their citations are read from the table) and any citation of a
requirement that has no number (citations.py), so the printed table can show both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.rules import check_at_least, reaches
from zhaocai.rules.periods import format_moment
from zhaocai.tendering.model import citations
from zhaocai.tendering.model.bond import RATIO_RULE, WORKS_CAP_RULE
from zhaocai.tendering.model.notice import validate_notice
from zhaocai.tendering.model.registration import INVITEES_RULE, check_publishable
from zhaocai.tendering.model.rulebook import RuleBook
from zhaocai.tendering.model.states import Event, State
from zhaocai.tendering.model.tender import Objection, OrganisationForm, Stage, TenderProject
from zhaocai.tendering.model.timing import (
    APPLICATIONS_RULE,
    BID_DEADLINE_RULE,
    CLARIFICATION_RULE,
    OBJECTION_RULE,
    SALE_RULE,
    check_amendment,
    check_applications_due,
    check_bid_deadline,
    check_objection_in_time,
    check_sale_period,
    check_stage_deadline,
)

Check = Callable[[TenderProject, Event, RuleBook], None]
T = TypeVar("T")

PASSED_APPLICANTS_RULE = "prequal_min_passed_applicants"
OPENING_BIDDERS_RULE = "opening_min_bidders"
# States with prequalification or tender documents out (a suspended tender: the state it left).
DOCUMENTS_OUT = frozenset({State.PREQUALIFICATION, State.DOCUMENTS_ISSUED, State.BIDDING_OPEN})


@dataclass(frozen=True)
class Guard:
    name: str
    summary: str
    check: Check
    rule_keys: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()

    def __call__(self, tender: TenderProject, event: Event, book: RuleBook) -> None:
        self.check(tender, event, book)


def guard(*, rules: tuple[str, ...] = (), cites: tuple[str, ...] = ()) -> Callable[[Check], Guard]:
    """Make a Guard of a check function; its name is the function's, its summary the docstring's first line."""

    def wrap(check: Check) -> Guard:
        summary = (check.__doc__ or "").strip().splitlines()[0]
        return Guard(check.__name__, summary, check, rules, cites)

    return wrap


def _refuse_now(message: str, *, field: str, citation: str | None = None, **detail: object) -> Conflict:
    return Conflict(
        message, field=field, citation=citation, code="not_now", detail={k: str(v) for k, v in detail.items()}
    )


def _required(value: T | None, field: str, event: Event) -> T:
    if value is None:
        raise ValidationFailed(f"{event.kind} needs {field}", field=field)
    return value


def _not_before(at: datetime, moment: datetime | None, what: str, field: str) -> None:
    if moment is None or at < moment:
        shown = format_moment(moment) if moment is not None else "not set"
        raise _refuse_now(f"{what} ({shown}) has not come yet", field=field, at=at.isoformat(), due=shown)


# --- publication ------------------------------------------------------------------------------------------------


@guard(
    rules=(INVITEES_RULE, RATIO_RULE, WORKS_CAP_RULE),
    cites=(citations.OPEN_TENDER_REQUIRED,),
)
def tender_complete(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """At least one lot, bonds within the limits, enough invitees, 条例8 grounds for inviting when required."""
    check_publishable(tender, book)


@guard(cites=(citations.NOTICE_CONTENT,))
def notice_complete(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The notice is this tender's and states everything 10号令5 requires."""
    validate_notice(
        _required(event.notice, "notice", event),
        tender_number=tender.number,
        expected_kind=tender.notice_kind,
        agency=tender.organisation is OrganisationForm.AGENCY,
    )


# --- prequalification and documents -----------------------------------------------------------------------------


@guard()
def with_prequalification(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The tender was registered with prequalification (资格预审)."""
    if not tender.prequalification:
        raise _refuse_now("this tender has no prequalification (资格后审 instead)", field="prequalification")


@guard()
def without_prequalification(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The tender has no prequalification (else it must pass it first)."""
    if tender.prequalification:
        raise _refuse_now("this tender issues its documents after prequalification", field="prequalification")


@guard(rules=(SALE_RULE, APPLICATIONS_RULE))
def prequal_schedule(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Prequalification documents on sale long enough; applications due long enough after the sale ends."""
    sale_ends_at = _required(event.sale_ends_at, "sale_ends_at", event)
    check_sale_period(event.at, sale_ends_at, book)
    check_applications_due(sale_ends_at, _required(event.deadline, "deadline", event), book)


@guard(rules=(SALE_RULE, BID_DEADLINE_RULE))
def document_schedule(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Tender documents on sale long enough; the bid deadline far enough from their issue."""
    sale_ends_at = _required(event.sale_ends_at, "sale_ends_at", event)
    check_sale_period(event.at, sale_ends_at, book)
    check_bid_deadline(event.at, sale_ends_at, _required(event.deadline, "deadline", event), book)


@guard()
def applications_closed(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Prequalification applications are no longer taken (their due time has come)."""
    _not_before(event.at, tender.schedule.applications_due, "the time applications are due", "applications_due")


@guard(rules=(PASSED_APPLICANTS_RULE,))
def enough_passed_applicants(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """At least prequal_min_passed_applicants applicants passed (条例19)."""
    passed = _required(event.passed_applicants, "passed_applicants", event)
    check_at_least(passed, book.rule(PASSED_APPLICANTS_RULE), field="passed_applicants")


@guard(rules=(PASSED_APPLICANTS_RULE,))
def too_few_passed_applicants(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Fewer than prequal_min_passed_applicants passed: the tender fails and is run again (条例19)."""
    passed = _required(event.passed_applicants, "passed_applicants", event)
    rule = book.rule(PASSED_APPLICANTS_RULE)
    if reaches(passed, rule):
        raise _refuse_now(
            f"{passed} applicants passed, enough to go on ({rule.citation}): publish the result",
            field="passed_applicants",
            citation=rule.citation,
        )


@guard(rules=(OPENING_BIDDERS_RULE,))
def too_few_bidders(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Fewer than opening_min_bidders bid: the bids are not opened and the tender is run again (条例44); or, after
    the opening, every lot failed (流标) or had every bid rejected by its committee (评标规定27; 法42)."""
    if event.every_lot_failed:
        return
    bidders = _required(event.bidders, "bidders", event)
    rule = book.rule(OPENING_BIDDERS_RULE)
    if reaches(bidders, rule):
        raise _refuse_now(
            f"{bidders} bidders bid, enough to open ({rule.citation})", field="bidders", citation=rule.citation
        )


# --- time events ------------------------------------------------------------------------------------------------


@guard()
def sale_period_over(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The sale period (发售期) has ended."""
    _not_before(event.at, tender.schedule.sale_ends_at, "the end of the sale period", "sale_ends_at")


@guard()
def deadline_has_come(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The bid deadline (投标截止时间) has come."""
    _not_before(event.at, tender.schedule.bid_deadline, "the bid deadline", "bid_deadline")


# --- amendments and objections ----------------------------------------------------------------------------------


def _documents_stage(tender: TenderProject, act: str) -> Stage:
    if tender.active_state not in DOCUMENTS_OUT:
        raise _refuse_now(f"no documents are out to {act} (state {tender.active_state})", field="state")
    return tender.stage


@guard(rules=(*CLARIFICATION_RULE.values(), BID_DEADLINE_RULE, APPLICATIONS_RULE))
def amendment_in_time(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Before the deadline; a change that may affect bids leaves the days 条例21 asks for, or moves the deadline."""
    stage = _documents_stage(tender, "amend")
    schedule = tender.schedule
    deadline, issued_at, sale_end = schedule.deadline(stage), schedule.issued_at(stage), schedule.sale_end(stage)
    assert deadline is not None and issued_at is not None and sale_end is not None
    standing = check_amendment(event.at, deadline, event.deadline, stage, book, affects_bids=event.affects_bids)
    check_stage_deadline(stage, issued_at, sale_end, standing, book)


@guard(rules=tuple(OBJECTION_RULE.values()))
def objection_in_time(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """An objection to documents that are out, raised early enough before their deadline (条例22)."""
    if tender.objection(_required(event.objection_id, "objection_id", event)) is not None:
        raise Conflict(f"objection {event.objection_id} is already recorded", field="objection_id")
    stage = _documents_stage(tender, "object to")
    deadline = tender.schedule.deadline(stage)
    assert deadline is not None
    check_objection_in_time(event.at, deadline, stage, book)


def _pending_objection(tender: TenderProject, event: Event) -> Objection:
    objection = tender.objection(_required(event.objection_id, "objection_id", event))
    if objection is None or not objection.pending:
        raise Conflict(f"no pending objection {event.objection_id}", field="objection_id")
    return objection


@guard(cites=(citations.OBJECTION_SUSPENDS,))
def objection_pending(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The objection answered is one still waiting for its answer."""
    _pending_objection(tender, event)


@guard(rules=("objection_docs_answer_days",))
def objection_answer_late(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The objection is unanswered, not yet marked overdue, and its answer was due (条例22, tracked)."""
    objection = _pending_objection(tender, event)
    if objection.overdue:
        raise _refuse_now(f"objection {objection.id} is already marked overdue", field="objection_id")
    _not_before(event.at, objection.answer_due_at, "the objection's answer due time", "answer_due_at")


# --- suspension -------------------------------------------------------------------------------------------------


@guard(cites=(citations.SUPERVISORY_DIRECTIVE,))
def directive_in_force(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """A supervisory directive to suspend is in force."""
    if tender.suspension is None or not tender.suspension.directive:
        raise _refuse_now("no supervisory directive to suspend is in force", field="directive")


@guard(cites=(citations.OBJECTION_SUSPENDS, citations.SUPERVISORY_DIRECTIVE))
def nothing_pending(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """Every objection is answered and no supervisory directive is in force."""
    pending = [objection.id for objection in tender.pending_objections()]
    if pending:
        raise _refuse_now(
            f"objections still unanswered: {', '.join(pending)}",
            field="objections",
            citation=citations.OBJECTION_SUSPENDS,
        )
    if tender.suspension is not None and tender.suspension.directive:
        raise _refuse_now(
            "a supervisory directive to suspend is in force",
            field="directive",
            citation=citations.SUPERVISORY_DIRECTIVE,
        )


@guard()
def deadline_still_ahead(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """A procedure that takes bids or applications resumes only with its deadline still ahead (amend it first)."""
    if tender.active_state not in DOCUMENTS_OUT:
        return
    stage = tender.stage
    deadline = tender.schedule.deadline(stage)
    if deadline is not None and event.at >= deadline:
        raise _refuse_now(
            f"the deadline {format_moment(deadline)} passed while suspended: move it (amend_documents) first",
            field="bid_deadline" if stage is Stage.TENDER else "applications_due",
        )


# --- ending -----------------------------------------------------------------------------------------------------


def _reason_given(event: Event) -> None:
    if not event.reason.strip():
        raise ValidationFailed(f"{event.kind} needs a reason", field="reason")


@guard(cites=(citations.CANCELLATION,))
def cancellation_reason(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The reason for ending the tender (终止招标) is stated; it is announced to everyone concerned."""
    _reason_given(event)


@guard(cites=(citations.SUPERVISORY_DIRECTIVE,))
def directive_reason(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The supervisory directive (责令暂停) is identified by its reason."""
    _reason_given(event)


@guard()
def successor_named(tender: TenderProject, event: Event, book: RuleBook) -> None:
    """The successor tender that re-runs this one is named."""
    if not (event.successor_id or "").strip():
        raise ValidationFailed("re_tender needs the successor tender's id", field="successor_id")
