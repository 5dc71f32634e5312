"""Award API: candidate publicity and objections, the award and its report to the supervisor, the signed award and
result notices (PDF + detached signature), the contract signed by both parties, performance records.

Thin: parse, call the use case or view, render. Refused reads are audited (web.routing.audited_read).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from fastapi import APIRouter, Request, Response, status

from zhaocai.award import views
from zhaocai.award.contract import do_draft_contract, do_sign_contract
from zhaocai.award.decision import do_decide_award, do_report_award
from zhaocai.award.env import award_env
from zhaocai.award.notices import do_issue_notices, do_sign_notice
from zhaocai.award.performance import do_record_performance
from zhaocai.award.publicity import do_answer_result_objection, do_publish_publicity, do_raise_result_objection
from zhaocai.award.repository import get_notice, get_objection
from zhaocai.award.schemas import (
    AnswerIn,
    AwardIn,
    AwardOut,
    ContractIn,
    ContractOut,
    CreatedOut,
    NoticeOut,
    ObjectionIn,
    ObjectionOut,
    PerformanceIn,
    PublicityIn,
    PublicityOut,
    ReportIn,
    SignatureIn,
    SignedOut,
)
from zhaocai.web.auth import ActorDep, RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["award"])

_DESCRIPTIONS = {
    401: "not authenticated",
    403: "forbidden: role, organisation, not a party, or a certificate of another organisation",
    404: "not found",
    409: "conflicts with the lot's stage (publicity running, objection pending, already done, ...)",
    422: "invalid input (the field and rule are named, with the citation when the law is the reason)",
}
_errors = partial(refusals, _DESCRIPTIONS)


def _award_out(outcome) -> AwardOut:  # type: ignore[no-untyped-def]
    return AwardOut(
        lot_id=outcome.lot_id,
        winner_bid_id=outcome.winner_bid_id,
        winner_org_id=outcome.winner_org_id,
        price=str(outcome.price),
        awarded_at=outcome.awarded_at,
        contract_signed_at=outcome.contract_signed_at,
    )


# --- publicity and objections ----------------------------------------------------------------------------------


@router.post(
    "/lots/{lot_id}/publicity",
    status_code=status.HTTP_201_CREATED,
    summary="Publish the candidates of the lot's evaluation report (中标候选人公示, 条例54; content per 10号令6)",
    responses=_errors(401, 403, 404, 409, 422),
)
def publish_publicity(lot_id: Id, body: PublicityIn, uow: UowDep, actor: RequiredActorDep) -> PublicityOut:
    content = do_publish_publicity(
        uow=uow,
        actor=actor,
        lot_id=lot_id,
        ends_at=body.ends_at,
        evaluation_summary=body.evaluation_summary,
        objection_channel=body.objection_channel,
        candidates=[item.to_input() for item in body.candidates],
    )
    return PublicityOut.of(content)


@router.get(
    "/lots/{lot_id}/publicity",
    summary="The lot's candidate publicity, as published (public)",
    responses=_errors(404),
)
def read_publicity(lot_id: Id, request: Request, container: ContainerDep, actor: ActorDep) -> PublicityOut:
    return PublicityOut.of(audited_read(container, actor, request, lambda conn: views.publicity(conn, lot_id)))


@router.post(
    "/lots/{lot_id}/award-objections",
    status_code=status.HTTP_201_CREATED,
    summary="Object to the result during the publicity (条例54): the award is suspended until it is answered",
    responses=_errors(401, 403, 404, 409, 422),
)
def raise_objection(
    lot_id: Id, body: ObjectionIn, uow: UowDep, container: ContainerDep, actor: RequiredActorDep
) -> ObjectionOut:
    objection_id = do_raise_result_objection(uow=uow, actor=actor, lot_id=lot_id, objection=body.objection)
    with container.engine.connect() as conn:
        row = get_objection(conn, objection_id)
    return ObjectionOut(id=row.id, raised_at=row.raised_at, answer_due_at=row.answer_due_at)


@router.post(
    "/award-objections/{objection_id}/answer",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Answer an objection to the result (due within result_objection_answer_days; a late answer stays late)",
    responses=_errors(401, 403, 404, 409, 422),
)
def answer_objection(objection_id: Id, body: AnswerIn, uow: UowDep, actor: RequiredActorDep) -> Response:
    do_answer_result_objection(uow=uow, actor=actor, objection_id=objection_id, answer=body.answer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- award -----------------------------------------------------------------------------------------------------


@router.post(
    "/lots/{lot_id}/award",
    status_code=status.HTTP_201_CREATED,
    summary="Decide the award (确定中标人): the first-ranked candidate, or a lower one with every candidate above it "
    "passed over for a recorded reason (条例55, 56)",
    responses=_errors(401, 403, 404, 409, 422),
)
def decide_award(lot_id: Id, body: AwardIn, uow: UowDep, container: ContainerDep, actor: RequiredActorDep) -> AwardOut:
    do_decide_award(
        uow=uow, actor=actor, lot_id=lot_id, bid_id=body.bid_id, passed_over=[p.to_model() for p in body.passed_over]
    )
    with container.engine.connect() as conn:
        return _award_out(views.award(conn, lot_id))


@router.get("/lots/{lot_id}/award", summary="The lot's award result (public)", responses=_errors(404))
def read_award(lot_id: Id, request: Request, container: ContainerDep, actor: ActorDep) -> AwardOut:
    return _award_out(audited_read(container, actor, request, lambda conn: views.award(conn, lot_id)))


@router.post(
    "/lots/{lot_id}/award/report",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Send the written report to the supervising department (法47, due within award_report_days)",
    responses=_errors(401, 403, 404, 409, 422),
)
def report_award(lot_id: Id, body: ReportIn, uow: UowDep, actor: RequiredActorDep) -> Response:
    do_report_award(uow=uow, actor=actor, lot_id=lot_id, report=body.report)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- notices ---------------------------------------------------------------------------------------------------


@router.post(
    "/lots/{lot_id}/award/notices",
    status_code=status.HTTP_201_CREATED,
    summary="Generate the award notice (中标通知书) and the result notices as PDFs, to be signed by the tenderer",
    responses=_errors(401, 403, 404, 409, 422),
)
def issue_notices(lot_id: Id, uow: UowDep, container: ContainerDep, actor: RequiredActorDep) -> list[NoticeOut]:
    ids = do_issue_notices(uow=uow, actor=actor, lot_id=lot_id, env=award_env(container))
    with container.engine.connect() as conn:
        return [NoticeOut.of(get_notice(conn, notice_id)) for notice_id in ids]


@router.get(
    "/lots/{lot_id}/award/notices",
    summary="The lot's notices: all for the tender side and staff; a bidder its own once delivered",
    responses=_errors(401, 404),
)
def list_notices(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[NoticeOut]:
    rows = audited_read(container, actor, request, lambda conn: views.notices(conn, actor, lot_id))
    return [NoticeOut.of(row) for row in rows]


@router.get(
    "/award-notices/{notice_id}/pdf",
    summary="The notice's PDF (its SHA-256 is `pdf_sha256`)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **_errors(401, 403, 404)},
)
def notice_pdf(notice_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> Response:
    row = audited_read(container, actor, request, lambda conn: views.notice(conn, actor, notice_id))
    with container.blobs.open(row.pdf_key) as handle:
        data = handle.read()
    return Response(
        data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{row.id}.pdf"'}
    )


@router.get(
    "/award-notices/{notice_id}/signature",
    summary="The tenderer's detached signature over the notice's PDF, once signed",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **_errors(401, 403, 404)},
)
def notice_signature(notice_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> Response:
    row = audited_read(container, actor, request, lambda conn: views.notice(conn, actor, notice_id))
    if row.signature is None:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    return Response(row.signature, media_type="application/octet-stream")


@router.put(
    "/award-notices/{notice_id}/signature",
    summary="Upload the tenderer's detached signature over the notice's PDF; the notice is then delivered",
    responses=_errors(401, 403, 404, 409, 422),
)
def sign_notice(
    notice_id: Id, body: SignatureIn, uow: UowDep, container: ContainerDep, actor: RequiredActorDep
) -> NoticeOut:
    do_sign_notice(
        uow=uow,
        actor=actor,
        notice_id=notice_id,
        certificate=body.certificate_bytes(),
        signature=body.signature_bytes(),
        env=award_env(container),
    )
    with container.engine.connect() as conn:
        return NoticeOut.of(get_notice(conn, notice_id))


# --- contract --------------------------------------------------------------------------------------------------


def _contract_out(container, actor, request, contract_id: str) -> ContractOut:  # type: ignore[no-untyped-def]
    row, parties = audited_read(container, actor, request, lambda conn: views.contract(conn, actor, contract_id))
    return ContractOut(
        id=row.id,
        lot_id=row.lot_id,
        price=row.price,
        performance_bond=row.performance_bond,
        document_sha256=views.document_sha256(row.document),
        drafted_at=row.drafted_at,
        signing_due_day=row.signing_due_day,
        signed_by=parties,
        signed_at=row.signed_at,
        signed_late=row.signed_late,
    )


@router.post(
    "/lots/{lot_id}/contract",
    status_code=status.HTTP_201_CREATED,
    summary="Draft the contract from the tender and the winning bid (price, duration, quality, project manager must "
    "match, 条例57; performance bond ≤ 10%, 条例58)",
    responses=_errors(401, 403, 404, 409, 422),
)
def draft_contract(
    lot_id: Id, body: ContractIn, request: Request, uow: UowDep, container: ContainerDep, actor: RequiredActorDep
) -> ContractOut:
    contract_id = do_draft_contract(uow=uow, actor=actor, lot_id=lot_id, terms=body.to_terms())
    return _contract_out(container, actor, request, contract_id)


@router.get("/contracts/{contract_id}", summary="The contract's state", responses=_errors(401, 403, 404))
def read_contract(contract_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> ContractOut:
    return _contract_out(container, actor, request, contract_id)


@router.get(
    "/contracts/{contract_id}/document",
    summary="The contract's canonical document: the exact bytes each party signs",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, **_errors(401, 403, 404)},
)
def contract_document(contract_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> Response:
    row, _ = audited_read(container, actor, request, lambda conn: views.contract(conn, actor, contract_id))
    return Response(row.document, media_type="application/json")


@router.post(
    "/contracts/{contract_id}/signatures",
    status_code=status.HTTP_201_CREATED,
    summary="Sign the contract (the tenderer's side or the winner), with a certificate naming the party",
    responses=_errors(401, 403, 404, 409, 422),
)
def sign_contract(
    contract_id: Id, body: SignatureIn, uow: UowDep, container: ContainerDep, actor: RequiredActorDep
) -> SignedOut:
    party = do_sign_contract(
        uow=uow,
        actor=actor,
        contract_id=contract_id,
        certificate=body.certificate_bytes(),
        signature=body.signature_bytes(),
        env=award_env(container),
    )
    return SignedOut(party=party)


@router.post(
    "/contracts/{contract_id}/performance",
    status_code=status.HTTP_201_CREATED,
    summary="Record performance under a concluded contract (履约信息)",
    responses=_errors(401, 403, 404, 409, 422),
)
def record_performance(contract_id: Id, body: PerformanceIn, uow: UowDep, actor: RequiredActorDep) -> CreatedOut:
    record_id = do_record_performance(
        uow=uow,
        actor=actor,
        contract_id=contract_id,
        kind=body.kind,
        occurred_on=body.occurred_on,
        description=body.description,
        amount=Decimal(body.amount) if body.amount is not None else None,
    )
    return CreatedOut(id=record_id)


__all__ = ["router"]
