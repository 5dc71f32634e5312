"""Evaluation API (/api/v1): the plan of a lot, the committee's work (sheets, corrections, clarifications, time),
and the report (draft, signatures, close). Thin: parse, call, render."""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any

from fastapi import APIRouter, Request, status

from zhaocai.evaluation import views
from zhaocai.evaluation.clarifications import do_answer_clarification, do_correct_price, do_request_clarification
from zhaocai.evaluation.plans import do_set_evaluation_plan
from zhaocai.evaluation.reporting import do_close_report, do_draft_report, do_refuse_report, do_sign_report
from zhaocai.evaluation.schemas import (
    AnswerIn,
    ClarificationIn,
    ClarificationOut,
    CorrectionIn,
    CreatedOut,
    DraftIn,
    ExtensionIn,
    PlanIn,
    PlanOut,
    RefuseIn,
    ReportOut,
    RevisionOut,
    SheetIn,
    SheetOut,
    SignatureOut,
    SignIn,
    StartIn,
    StateOut,
    StatusOut,
    TimeClaimIn,
    TimeClaimOut,
)
from zhaocai.evaluation.sheets import do_conclude_technical, do_submit_sheet
from zhaocai.evaluation.start import do_start_evaluation
from zhaocai.evaluation.timing import do_claim_time_short, do_extend_evaluation
from zhaocai.identity.env import identity_env
from zhaocai.web.auth import RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["evaluation"])
_DESCRIPTIONS = {
    401: "not authenticated",
    403: "not allowed: not a member of this lot's committee, a replaced member, not the chair, not the tender side",
    404: "no such lot, evaluation, clarification or report",
    409: "not possible in the evaluation's state (plan frozen, opening not closed, sheets missing, extension due...)",
    422: "invalid input: a score outside its range, a failed check without its reason, a bad signature...",
}
_errors = partial(refusals, _DESCRIPTIONS)


@router.put(
    "/lots/{lot_id}/evaluation-plan",
    summary="Set the lot's evaluation plan (评标办法) — before the bid deadline only",
    responses=_errors(401, 403, 404, 409, 422),
)
def put_plan(lot_id: Id, body: PlanIn, uow: UowDep, actor: RequiredActorDep) -> RevisionOut:
    revision = do_set_evaluation_plan(uow=uow, actor=actor, lot_id=lot_id, plan=body.to_plan())
    return RevisionOut(lot_id=lot_id, revision=revision)


@router.get("/lots/{lot_id}/evaluation-plan", summary="The lot's evaluation plan", responses=_errors(404))
def get_plan(lot_id: Id, container: ContainerDep) -> PlanOut:
    with container.engine.connect() as conn:
        return PlanOut(lot_id=lot_id, plan=views.plan_of(conn, lot_id).to_json())


@router.post(
    "/lots/{lot_id}/evaluation",
    status_code=status.HTTP_201_CREATED,
    summary="Start the evaluation once the opening is closed and the committee fixed; name the chair",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_evaluation(
    lot_id: Id, body: StartIn, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> StatusOut:
    do_start_evaluation(uow=uow, actor=actor, lot_id=lot_id, chair_member_id=body.chair_member_id)
    return _status(container, actor, request, lot_id)


def _status(container: Any, actor: Any, request: Request, lot_id: str) -> StatusOut:
    view = audited_read(container, actor, request, lambda conn: views.status_view(conn, actor, lot_id))
    return StatusOut(**view.__dict__)


@router.get(
    "/lots/{lot_id}/evaluation",
    summary="Where the lot's evaluation stands (committee, tender side, supervisors)",
    responses=_errors(401, 403, 404),
)
def get_evaluation(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> StatusOut:
    return _status(container, actor, request, lot_id)


@router.get(
    "/lots/{lot_id}/evaluation/bids",
    summary="For the committee: the opened bids, exclusions with reasons, signals flagged (not verdicts)",
    responses=_errors(401, 403, 404),
)
def get_bids(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> dict[str, Any]:
    return audited_read(container, actor, request, lambda conn: views.bids_view(conn, actor, lot_id))


@router.post(
    "/lots/{lot_id}/evaluation/sheets",
    status_code=status.HTTP_201_CREATED,
    summary="A member's sheet for one bid: the 条例51 checklist and the scores of the stage",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_sheet(lot_id: Id, body: SheetIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    sheet_id = do_submit_sheet(
        uow=uow,
        actor=actor,
        lot_id=lot_id,
        bid_id=body.bid_id,
        checklist={code: check.model_dump() for code, check in body.checklist.items()},
        scores=body.scores,
        comment=body.comment,
    )
    return CreatedOut(id=sheet_id)


@router.get(
    "/lots/{lot_id}/evaluation/sheets",
    summary="Your sheets; the others' once you have submitted yours for the stage",
    responses=_errors(401, 403, 404),
)
def get_sheets(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[SheetOut]:
    sheets = audited_read(container, actor, request, lambda conn: views.sheets_view(conn, actor, lot_id))
    return [
        SheetOut(
            id=s.id,
            stage=s.stage,
            member_id=s.member_id,
            bid_id=s.bid_id,
            checklist=s.checklist,
            scores={k: str(v) for k, v in s.scores.items()},
            comment=s.comment,
            status=s.status,
            void_reason=s.void_reason,
            submitted_at=s.submitted_at,
        )
        for s in sheets
    ]


@router.post(
    "/lots/{lot_id}/evaluation/technical-result",
    summary="The chair concludes the technical stage; the bids that passed have their prices opened",
    responses=_errors(401, 403, 404, 409),
)
def post_technical_result(lot_id: Id, uow: UowDep, actor: RequiredActorDep) -> dict[str, list[str]]:
    passed = do_conclude_technical(uow=uow, actor=actor, lot_id=lot_id)
    return {"passed": sorted(passed)}


@router.post(
    "/lots/{lot_id}/evaluation/corrections",
    status_code=status.HTTP_201_CREATED,
    summary="Correct arithmetic errors (评标规定19); the bidder is asked to confirm the corrected price",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_correction(lot_id: Id, body: CorrectionIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    clarification_id = do_correct_price(
        uow=uow, actor=actor, lot_id=lot_id, bid_id=body.bid_id, bill=[line.to_line() for line in body.bill]
    )
    return CreatedOut(id=clarification_id)


@router.post(
    "/lots/{lot_id}/evaluation/clarifications",
    status_code=status.HTTP_201_CREATED,
    summary="Ask a bidder for a clarification (条例52) through the platform",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_clarification(lot_id: Id, body: ClarificationIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    clarification_id = do_request_clarification(
        uow=uow, actor=actor, lot_id=lot_id, bid_id=body.bid_id, question=body.question
    )
    return CreatedOut(id=clarification_id)


@router.get(
    "/lots/{lot_id}/evaluation/my-clarifications",
    summary="For a bidder: the clarifications the committee asked of it",
    responses=_errors(401, 403, 404),
)
def get_my_clarifications(
    lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> list[ClarificationOut]:
    rows = audited_read(container, actor, request, lambda conn: views.my_clarifications(conn, actor, lot_id))
    fields = ClarificationOut.model_fields
    return [ClarificationOut(**{k: v for k, v in row._mapping.items() if k in fields}) for row in rows]


@router.post(
    "/evaluation-clarifications/{clarification_id}/answer",
    summary="A bidder answers a clarification (and accepts or refuses a corrected price)",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_answer(clarification_id: Id, body: AnswerIn, uow: UowDep, actor: RequiredActorDep) -> StateOut:
    do_answer_clarification(
        uow=uow, actor=actor, clarification_id=clarification_id, answer=body.answer, accept=body.accept
    )
    return StateOut(state="answered")


@router.post(
    "/lots/{lot_id}/evaluation/time-claims",
    status_code=status.HTTP_201_CREATED,
    summary="A member says the evaluation time is too short (条例48)",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_time_claim(lot_id: Id, body: TimeClaimIn, uow: UowDep, actor: RequiredActorDep) -> TimeClaimOut:
    required = do_claim_time_short(uow=uow, actor=actor, lot_id=lot_id, reason=body.reason)
    return TimeClaimOut(extension_required=required)


@router.post(
    "/lots/{lot_id}/evaluation/extension",
    summary="The tender side extends the evaluation time (条例48)",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_extension(lot_id: Id, body: ExtensionIn, uow: UowDep, actor: RequiredActorDep) -> StateOut:
    do_extend_evaluation(uow=uow, actor=actor, lot_id=lot_id, until=body.until)
    return StateOut(state="extended")


@router.post(
    "/lots/{lot_id}/evaluation/report",
    status_code=status.HTTP_201_CREATED,
    summary="The chair drafts the evaluation report (评标规定42) from the sheets; the members then sign it",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_report(lot_id: Id, body: DraftIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    report_id = do_draft_report(uow=uow, actor=actor, lot_id=lot_id, reject_all=body.reject_all, reason=body.reason)
    return CreatedOut(id=report_id)


@router.get(
    "/lots/{lot_id}/evaluation/report",
    summary="The report: for members while it is signed; once closed also for the tender side and supervisors",
    responses=_errors(401, 403, 404),
)
def get_report(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> ReportOut:
    row, signatures = audited_read(container, actor, request, lambda conn: views.report_view(conn, actor, lot_id))
    return ReportOut(
        id=row.id,
        lot_id=row.lot_id,
        state=row.state,
        method=row.method,
        all_rejected=row.all_rejected,
        candidates=json.loads(row.candidates),
        document=base64.b64encode(row.document).decode(),
        document_sha256=row.document_sha256,
        drafted_at=row.drafted_at,
        completed_at=row.completed_at,
        signatures=[
            SignatureOut(
                member_id=s.member_id,
                kind=s.kind,
                signature_algorithm=s.signature_algorithm,
                certificate_pem=s.certificate_pem.decode() if s.certificate_pem else None,
                signature=base64.b64encode(s.signature).decode() if s.signature else None,
                dissent=s.dissent,
                signed_at=s.signed_at,
            )
            for s in signatures
        ],
    )


@router.post(
    "/evaluation-reports/{report_id}/signatures",
    status_code=status.HTTP_201_CREATED,
    summary="A member signs the report with the key of their registered certificate (SM2 gm / ECDSA P-256 std)",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_signature(
    report_id: Id, body: SignIn, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> StateOut:
    do_sign_report(
        uow=uow,
        actor=actor,
        report_id=report_id,
        certificate_pem=body.certificate_pem.encode(),
        signature=body.signature_bytes(),
        env=identity_env(container),
        dissent=body.dissent,
    )
    return StateOut(state="signed")


@router.post(
    "/evaluation-reports/{report_id}/refusals",
    status_code=status.HTTP_201_CREATED,
    summary="A member refuses to sign, with written reasons (条例53)",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_refusal(report_id: Id, body: RefuseIn, uow: UowDep, actor: RequiredActorDep) -> StateOut:
    do_refuse_report(uow=uow, actor=actor, report_id=report_id, reasons=body.reasons)
    return StateOut(state="refused")


@router.post(
    "/evaluation-reports/{report_id}/close",
    summary="The chair closes the report (unsigned members without reasons count as agreeing, 条例53)",
    responses=_errors(401, 403, 404, 409),
)
def post_close(report_id: Id, uow: UowDep, actor: RequiredActorDep) -> StateOut:
    return StateOut(state=do_close_report(uow=uow, actor=actor, report_id=report_id))
