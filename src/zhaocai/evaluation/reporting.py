"""The evaluation report's use cases: the chair drafts it from the sheets, every member signs it with the key of
their certificate (dissent written beside), the chair closes it — a member who has neither signed nor refused with
written reasons by then counts as agreeing (条例53) — and it goes to the tenderer through the outbox."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.crypto.certs.errors import CertificateRejected
from zhaocai.evaluation import repository
from zhaocai.evaluation.access import active_members, require_chair, require_member
from zhaocai.evaluation.machine import Event, State, step
from zhaocai.evaluation.report import ReportInputs, candidates, document
from zhaocai.evaluation.scoring import StageOutcome, above_ceiling, rank, stage_outcomes
from zhaocai.evaluation.sheets import apply_rejections, require_complete, working
from zhaocai.evaluation.signals import lot_flags
from zhaocai.evaluation.start import lot_items
from zhaocai.evaluation.timing import require_extension_settled
from zhaocai.exchange.outbox import emit
from zhaocai.identity.env import IdentityEnv
from zhaocai.rules import packaged_rules
from zhaocai.tendering.model import book_for
from zhaocai.tendering.queries import bidding_terms, load_aggregate
from zhaocai.usecase import use_case

EVALUATION_REPORT = "EVALUATION_REPORT"
REJECT_ALL_RULE = "evaluation_min_valid_bids"
ALGORITHMS = {"gm": "sm2-sm3", "std": "ecdsa-p256-sha256"}


def _comparison(plan: Any, outcomes: dict[str, Any], ranked: list[Any]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for bid_id, outcome in outcomes.items():
        table[bid_id] = {"means": {k: str(v) for k, v in outcome.means.items()}, "points": str(outcome.points)}
    for r in ranked:
        table.setdefault(r.bid_id, {}).update(
            {
                "price": str(r.price),
                "evaluated_price": None if r.evaluated_price is None else str(r.evaluated_price),
                "price_score": None if r.price_score is None else str(r.price_score),
                "score": None if r.score is None else str(r.score),
            }
        )
    return table


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    merged = {}
    for bid_id in set(first) | set(second):
        a, b = first.get(bid_id), second.get(bid_id)
        means = {**(a.means if a else {}), **(b.means if b else {})}
        merged[bid_id] = StageOutcome(bid_id, bool((a and a.rejected) or (b and b.rejected)), (), means)
    return merged


@use_case("evaluation.draft_report", object_type="lot")
def do_draft_report(
    *, uow: UnitOfWork, actor: Actor, lot_id: str, reject_all: bool = False, reason: str | None = None
) -> str:
    """The chair drafts the report from the submitted sheets; the members then sign it. `reject_all` (评标规定27)
    is open only when fewer valid bids remain than the rule's number, and needs the committee's reason."""
    conn = uow.conn
    evaluation, committee, plan = working(uow, lot_id)
    require_chair(conn, actor, lot_id, evaluation.chair_member_id, action="draft the evaluation report")
    state = State(evaluation.state)
    no_price_stage = state is State.AWAITING_PRICES and not evaluation.technical_passed
    if state is not State.SCORING and not no_price_stage:
        raise Conflict(
            f"the evaluation is {state.value}: no report can be drafted now", field="lot_id", code="evaluation_state"
        )
    if evaluation.stage == "technical" and state is State.SCORING:
        raise Conflict(
            "conclude the technical stage first; the prices are opened after it",
            field="lot_id",
            code="evaluation_state",
        )
    members = [m.member_id for m in active_members(committee)]
    outcomes: dict[str, Any] = {}
    if state is State.SCORING:
        sheets = [s.as_sheet() for s in repository.sheets_of(conn, lot_id, stage=evaluation.stage)]
        require_complete(evaluation, committee, sheets)
        outcomes = stage_outcomes(plan, evaluation.stage, [b.bid_id for b in evaluation.competing()], members, sheets)
        apply_rejections(evaluation, outcomes, evaluation.stage)
        if evaluation.stage == "price":
            technical = [s.as_sheet() for s in repository.sheets_of(conn, lot_id, stage="technical")]
            outcomes = _merge(stage_outcomes(plan, "technical", list(outcomes), members, technical), outcomes)
    for entry in evaluation.competing():
        if above_ceiling(plan, entry.effective_price):
            entry.excluded = f"the price {entry.effective_price} is above the ceiling price {plan.ceiling_price}"
            entry.excluded_citation = "条例51"
    valid = [b for b in evaluation.competing() if b.valid]
    tender = load_aggregate(conn, evaluation.tender_id)
    book = book_for(tender, packaged_rules(), at=uow.clock.now())
    if reject_all:
        floor = book.rule(REJECT_ALL_RULE)
        if len(valid) >= floor.value:
            raise ValidationFailed(
                f"{len(valid)} valid bids remain: {floor.statement()}", field="reject_all", citation=floor.citation
            )
        if not (reason or "").strip():
            raise ValidationFailed("rejecting every bid needs the committee's reason", field="reason")
    all_rejected = reject_all or not valid
    prices = {b.bid_id: b.effective_price for b in valid if b.effective_price is not None}
    points = {bid_id: o.points for bid_id, o in outcomes.items()}
    ranked = [] if all_rejected else rank(plan, prices, points)
    terms = bidding_terms(conn, lot_id)
    now = uow.clock.now()
    report_inputs = ReportInputs(
        tender={
            "tender_id": terms.tender_id,
            "tender_number": terms.tender_number,
            "tender_name": tender.name,
            "lot_id": lot_id,
            "lot_number": terms.lot_number,
            "lot_name": terms.lot_name,
            "tenderer_org_id": terms.tenderer_org_id,
            "agent_org_id": terms.agent_org_id,
            "bid_deadline": terms.bid_deadline.isoformat() if terms.bid_deadline else None,
            "evaluation_started_at": evaluation.started_at.isoformat(),
            "method": plan.method,
            "suite": terms.suite,
        },
        committee=[
            {"member_id": m.member_id, "name": m.name, "kind": m.kind, "specialty": m.specialty, "status": m.status}
            for m in committee.members
        ],
        opening_record_sha256=_opening_record_hash(conn, lot_id),
        plan=plan,
        bids=evaluation.bids,
        comparison=_comparison(plan, outcomes, ranked),
        ranked=ranked,
        max_candidates=book.rule("max_winning_candidates").as_int(),
        all_rejected=all_rejected,
        reject_all_reason=(reason or "").strip() or None if reject_all else None,
        clarifications=[
            {
                "id": c.id,
                "bid_id": c.bid_id,
                "kind": c.kind,
                "question": c.question,
                "answer": c.answer,
                "accepted": c.accepted,
                "corrected_price": c.corrected_price,
            }
            for c in repository.clarifications_of(conn, lot_id)
        ],
        flags=lot_flags(conn, lot_id, [b for b in evaluation.bids if b.outcome == "opened"]),
        drafted_at=now.isoformat(),
    )
    body = document(report_inputs)
    report_id = repository.insert_report(
        conn,
        lot_id=lot_id,
        method=plan.method,
        state="signing",
        all_rejected=all_rejected,
        candidates=repository.dumps(candidates(report_inputs)),
        document=body,
        document_sha256=hashlib.sha256(body).hexdigest(),
        drafted_at=now,
        drafted_by=actor.user_id,
    )
    evaluation.state = step(state, Event.DRAFT_REPORT).value
    repository.save_evaluation(conn, evaluation)
    return report_id


def _opening_record_hash(conn: Any, lot_id: str) -> str | None:
    from zhaocai.opening.queries import opening_record

    try:
        return hashlib.sha256(canonical_json(opening_record(conn, lot_id))).hexdigest()
    except Exception:
        return None


def _signing(uow: UnitOfWork, report_id: str) -> Any:
    report = repository.report_by_id(uow.conn, report_id, for_update=True)
    if report.state != "signing":
        raise Conflict("the report is closed", field="report_id", code="report_closed")
    return report


@use_case("evaluation.sign_report", object_type="evaluation_report")
def do_sign_report(
    *,
    uow: UnitOfWork,
    actor: Actor,
    report_id: str,
    certificate_pem: bytes,
    signature: bytes,
    env: IdentityEnv,
    dissent: str | None = None,
) -> None:
    """A member signs the report's document with the key of their certificate — the certificate they registered
    (its fingerprint is on the committee) and one the trust store accepts; dissent (不同意见) is written beside."""
    report = _signing(uow, report_id)
    member = require_member(uow.conn, actor, report.lot_id, action="sign the evaluation report")
    if member.certificate_fingerprint is None:
        raise Conflict(
            "you have no signing certificate on record for this committee",
            field="certificate_pem",
            code="no_certificate",
        )
    if env.trust is None:
        raise Conflict(
            "the platform trusts no CA: signatures cannot be checked", field="certificate_pem", code="no_trust_store"
        )
    terms = bidding_terms(uow.conn, report.lot_id)
    now = uow.clock.now()
    try:
        verified = env.trust.verify_signature(certificate_pem, report.document, signature, at=now, suite=terms.suite)
    except CertificateRejected as error:
        raise ValidationFailed(
            f"the signature on the report is refused: {error.message}",
            field=error.field or "signature",
            code=error.code,
            citation="电子签名法13",
        ) from error
    if verified.fingerprint != member.certificate_fingerprint:
        raise ValidationFailed(
            "the report must be signed with the certificate you registered as an evaluation expert; this one is "
            f"another (serial {verified.serial})",
            field="certificate_pem",
            code="wrong_certificate",
            citation="电子签名法13",
        )
    repository.insert_signature(
        uow.conn,
        report_id=report_id,
        member_id=member.member_id,
        kind="signed",
        certificate_pem=certificate_pem,
        signature=signature,
        signature_algorithm=ALGORITHMS[terms.suite],
        dissent=(dissent or "").strip() or None,
        signed_at=now,
    )


@use_case("evaluation.refuse_report", object_type="evaluation_report")
def do_refuse_report(*, uow: UnitOfWork, actor: Actor, report_id: str, reasons: str) -> None:
    """A member refuses to sign, with written reasons (条例53: a refusal without reasons counts as agreement — that
    is what not signing by the close means)."""
    report = _signing(uow, report_id)
    member = require_member(uow.conn, actor, report.lot_id, action="refuse the evaluation report")
    if not reasons.strip():
        raise ValidationFailed(
            "a refusal to sign needs written reasons; without them it counts as agreement (条例53)",
            field="reasons",
            citation="条例53",
        )
    repository.insert_signature(
        uow.conn,
        report_id=report_id,
        member_id=member.member_id,
        kind="refused",
        dissent=reasons.strip(),
        signed_at=uow.clock.now(),
    )


@use_case("evaluation.close_report", object_type="evaluation_report")
def do_close_report(*, uow: UnitOfWork, actor: Actor, report_id: str) -> str:
    """The chair closes the report; returns the evaluation's final state (closed, or failed when every bid was
    rejected). The report is then submitted to the tenderer (20号令34) through the outbox."""
    report = _signing(uow, report_id)
    evaluation, committee, _ = working(uow, report.lot_id)
    require_chair(uow.conn, actor, report.lot_id, evaluation.chair_member_id, action="close the evaluation report")
    require_extension_settled(evaluation)
    now = uow.clock.now()
    done = {s.member_id for s in repository.signatures_of(uow.conn, report_id)}
    for member in active_members(committee):
        if member.member_id not in done:
            repository.insert_signature(
                uow.conn, report_id=report_id, member_id=member.member_id, kind="deemed", signed_at=now
            )
    repository.close_report(uow.conn, report_id, now)
    event = Event.CLOSE_REJECTED if report.all_rejected else Event.CLOSE_REPORT
    evaluation.state = step(State(evaluation.state), event).value
    repository.save_evaluation(uow.conn, evaluation)
    terms = bidding_terms(uow.conn, report.lot_id)
    emit(
        uow,
        EVALUATION_REPORT,
        lot_items(terms)
        | {
            "EVALUATION_REPORT_ID": report_id,
            "EVALUATION_REPORT_SHA256": report.document_sha256,
            "ALL_REJECTED": report.all_rejected,
            "WIN_CANDIDATES": [
                {"RANK": c["rank"], "BIDDER_ORG_ID": c["bidder_org_id"], "BID_PRICE": c["bid_price"]}
                for c in json.loads(report.candidates)
            ],
            "REPORT_TIME": now.isoformat(),
            "TENDERER_ORG_ID": terms.tenderer_org_id,
        },
        object_type="lot",
        object_id=report.lot_id,
    )
    return evaluation.state
