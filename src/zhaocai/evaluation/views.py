"""What may be read about a lot's evaluation, by whom (the evaluation is confidential, 法38 / 电子招标投标办法33):

- the plan: anyone (it is part of the tender documents);
- the evaluation's bids, flags, clarifications and time claims: the active members of the lot's committee;
- a member's own sheets at any time; the other members' sheets of a stage only once the member has submitted all
  of its own for that stage (members score independently);
- the state: the members, the tender side, supervisors;
- the report: the members while it is signed; once closed, also the tender side and supervisors;
- a bidder: the clarifications asked of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.evaluation import inputs, repository
from zhaocai.evaluation.access import CONFIDENTIAL_CITATION, require_member
from zhaocai.evaluation.plan import EvaluationPlan
from zhaocai.evaluation.signals import lot_flags
from zhaocai.evaluation.start import take_in_prices
from zhaocai.identity.access import is_system, require_user
from zhaocai.tendering.queries import bidding_terms, tender_parties

OVERSIGHT_ROLES = frozenset({"supervisor", "audit_admin"})


def plan_of(conn: Connection, lot_id: str) -> EvaluationPlan:
    bidding_terms(conn, lot_id)
    plan = repository.load_plan(conn, lot_id)
    if plan is None:
        raise NotFound("the lot has no evaluation plan yet", field="lot_id", code="no_plan")
    return plan


def _evaluation(conn: Connection, lot_id: str) -> repository.Evaluation:
    evaluation = repository.load_evaluation(conn, lot_id)
    if evaluation is None:
        raise NotFound("the evaluation of this lot has not started", field="lot_id", code="not_started")
    take_in_prices(conn, evaluation)  # as the next write will store it
    return evaluation


def _is_member(conn: Connection, actor: Actor, lot_id: str) -> bool:
    committee = inputs.committee(conn, lot_id)
    return committee is not None and any(m.user_id == actor.user_id and m.status == "active" for m in committee.members)


def _overseer(conn: Connection, actor: Actor, lot_id: str) -> bool:
    if is_system(actor) or actor.has_role(*OVERSIGHT_ROLES):
        return True
    terms = bidding_terms(conn, lot_id)
    return (
        actor.org_id is not None
        and actor.org_id in tender_parties(conn, terms.tender_id)
        and actor.has_role("tenderer", "agent")
    )


def _refuse() -> Forbidden:
    return Forbidden(
        "the evaluation is confidential: only the lot's committee, the tender side and supervisors see its state",
        field="lot_id",
        code="not_committee_member",
        citation=CONFIDENTIAL_CITATION,
    )


@dataclass(frozen=True)
class StatusView:
    lot_id: str
    state: str
    stage: str
    chair_member_id: str | None
    extension_required: bool
    extended_until: Any
    technical_passed: list[str] | None


def status_view(conn: Connection, actor: Actor, lot_id: str) -> StatusView:
    if not is_system(actor):
        require_user(actor)
    if not (_is_member(conn, actor, lot_id) or _overseer(conn, actor, lot_id)):
        raise _refuse()
    evaluation = _evaluation(conn, lot_id)
    return StatusView(
        lot_id=lot_id,
        state=evaluation.state,
        stage=evaluation.stage,
        chair_member_id=evaluation.chair_member_id,
        extension_required=evaluation.extension_required_at is not None,
        extended_until=evaluation.extended_until,
        technical_passed=None if evaluation.technical_passed is None else sorted(evaluation.technical_passed),
    )


def bids_view(conn: Connection, actor: Actor, lot_id: str) -> dict[str, Any]:
    """For the committee: every opened bid (valid or excluded, with the reason) and the signals flagged."""
    require_member(conn, actor, lot_id, action="read the bids under evaluation")
    evaluation = _evaluation(conn, lot_id)
    competing = {b.bid_id for b in evaluation.competing()}
    return {
        "state": evaluation.state,
        "stage": evaluation.stage,
        "bids": [entry.__dict__ | {"competing": entry.bid_id in competing} for entry in evaluation.bids],
        "flags": lot_flags(conn, lot_id, [b for b in evaluation.bids if b.outcome == "opened"]),
        "clarifications": [dict(row._mapping) for row in repository.clarifications_of(conn, lot_id)],
        "time_claims": len(repository.time_claims(conn, lot_id)),
    }


def sheets_view(conn: Connection, actor: Actor, lot_id: str) -> list[repository.StoredSheet]:
    """The member's own sheets; the others' of a stage once the member has submitted a sheet for every bid in it
    (a concluded stage is open to every member)."""
    member = require_member(conn, actor, lot_id, action="read evaluation sheets")
    evaluation = _evaluation(conn, lot_id)
    everyone = repository.sheets_of(conn, lot_id, status=None)
    own_current = {s.bid_id for s in everyone if s.member_id == member.member_id and s.stage == evaluation.stage}
    current_done = {b.bid_id for b in evaluation.competing()} <= own_current
    return [s for s in everyone if s.member_id == member.member_id or s.stage != evaluation.stage or current_done]


def report_view(conn: Connection, actor: Actor, lot_id: str) -> tuple[Any, list[Any]]:
    row = repository.open_report(conn, lot_id)
    member = _is_member(conn, actor, lot_id)
    if row is None:
        if member or _overseer(conn, actor, lot_id):
            raise NotFound("no evaluation report has been drafted for this lot", field="lot_id", code="no_report")
        raise _refuse()
    if not (member or (row.state == "closed" and _overseer(conn, actor, lot_id))):
        raise _refuse()
    return row, repository.signatures_of(conn, row.id)


def my_clarifications(conn: Connection, actor: Actor, lot_id: str) -> list[Any]:
    require_user(actor)
    if actor.org_id is None:
        raise Forbidden("clarifications are asked of bidder organisations", field="org_id", code="no_organisation")
    bidding_terms(conn, lot_id)
    return repository.clarifications_of(conn, lot_id, bidder_org_id=actor.org_id)
