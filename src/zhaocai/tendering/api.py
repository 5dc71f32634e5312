"""Tendering API (/api/v1): projects, tenders and lots, notices, documents (upload, download, downloaders after the
deadline), clarifications, questions, objections, supervisory directives, prequalification results, cancellation,
failure and re-tender. Public reads: published tenders, their notices, documents' list, clarifications and answered
questions.

Thin: parse, call the use case or the view, render. Rules and access checks live in the use cases and views; a
refused read is audited here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import StreamingResponse

from zhaocai.core.actor import Actor
from zhaocai.core.errors import NotFound
from zhaocai.tendering import codec
from zhaocai.tendering.clarifications import answered_questions, list_clarifications, my_questions, open_questions
from zhaocai.tendering.documents import MAX_DOCUMENT_BYTES, DocumentFile, store_document
from zhaocai.tendering.downloads import DocumentInfo, get_document, list_documents
from zhaocai.tendering.model import ApprovalRecord, Funding, as_rows
from zhaocai.tendering.objections import objections_of
from zhaocai.tendering.schemas import (
    AnsweredQuestionOut,
    AnswerIn,
    ClarificationOut,
    DirectiveIn,
    DocumentOut,
    DownloaderOut,
    DownloadersOut,
    LotIn,
    LotOut,
    MyQuestionOut,
    NoticeIn,
    ObjectionAnswerIn,
    ObjectionCreatedOut,
    ObjectionIn,
    ObjectionOut,
    OpenQuestionOut,
    OptionalReasonIn,
    PrequalResultIn,
    ProcedureRowOut,
    ProjectIn,
    ProjectOut,
    QuestionCreatedOut,
    QuestionIn,
    ReasonIn,
    SuccessorOut,
    TenderCreatedOut,
    TenderIn,
    TenderOut,
    TenderSummaryOut,
)
from zhaocai.tendering.service import (
    LotSpec,
    do_add_lot,
    do_answer_objection,
    do_answer_question,
    do_ask_question,
    do_cancel_tender,
    do_create_tender,
    do_declare_failed,
    do_download_document,
    do_issue_documents,
    do_lift_directive,
    do_publish_clarification,
    do_publish_notice,
    do_publish_prequal_result,
    do_raise_objection,
    do_re_tender,
    do_read_downloaders,
    do_register_project,
    do_resume_tender,
    do_suspend_by_directive,
)
from zhaocai.tendering.views import (
    TenderView,
    list_tenders,
    lot_of_tender,
    lot_view,
    project_view,
    projects_of,
    require_full_view,
    tender_view,
)
from zhaocai.web.auth import ActorDep, RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["tendering"])
T = TypeVar("T")

_DESCRIPTIONS = {
    401: "not authenticated",
    403: "not allowed: role, organisation, or secret until the deadline (the rule is named)",
    404: "no such project, tender, lot, document, question or objection (or not visible to the caller)",
    409: "not in this state or not now (illegal transition, deadline passed, sale over, concurrent change)",
    413: "a document file exceeds the size limit",
    422: "invalid input, or a limit of the law (the field and the citation are named)",
}


_errors = partial(refusals, _DESCRIPTIONS)


def _tender_out(view: TenderView) -> TenderOut:
    stored = view.stored
    return TenderOut.of(stored.tender, stored.lot_ids, full=view.full, verdict=stored.verdict)


def _document_out(info: DocumentInfo) -> DocumentOut:
    return DocumentOut(**{name: getattr(info, name) for name in DocumentOut.model_fields})


# --- the procedure table -----------------------------------------------------------------------------------------


@router.get("/procedure", summary="The tender procedure as a table: state × event → next state, with guards")
def procedure_table() -> list[ProcedureRowOut]:
    return [
        ProcedureRowOut(state=state, event=event, next_state=target, guards=[g for g in guards.split(", ") if g])
        for state, event, target, guards in as_rows()
    ]


# --- projects ----------------------------------------------------------------------------------------------------


def _project_out(stored: Any) -> ProjectOut:
    project = stored.project
    return ProjectOut(
        id=stored.id,
        code=project.code,
        name=project.name,
        owner_org_id=stored.owner_org_id,
        approval=codec.to_data(project.approval),
        funding=codec.to_data(project.funding),
        registered_at=stored.registered_at,
    )


@router.post(
    "/projects",
    status_code=status.HTTP_201_CREATED,
    summary="Register an investment project (投资项目代码, approval record, funding) of the caller's tenderer org",
    responses=_errors(401, 403, 409, 422),
)
def register_project(
    body: ProjectIn, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> ProjectOut:
    project_id = do_register_project(
        uow=uow,
        actor=actor,
        code=body.code,
        name=body.name,
        approval=ApprovalRecord(**body.approval.model_dump()),
        funding=Funding(**body.funding.model_dump()),
    )
    return _project_out(
        audited_read(
            container,
            actor,
            request,
            lambda conn: project_view(conn, actor, project_id),
        )
    )


@router.get("/projects", summary="The caller's organisation's projects (supervisors: all)", responses=_errors(401))
def get_projects(container: ContainerDep, actor: RequiredActorDep) -> list[ProjectOut]:
    with container.engine.connect() as conn:
        return [_project_out(stored) for stored in projects_of(conn, actor)]


@router.get("/projects/{project_id}", summary="A project of the caller's organisation", responses=_errors(401, 404))
def get_project(project_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> ProjectOut:
    return _project_out(
        audited_read(
            container,
            actor,
            request,
            lambda conn: project_view(conn, actor, project_id),
        )
    )


# --- tenders and lots --------------------------------------------------------------------------------------------


@router.post(
    "/tenders",
    status_code=status.HTTP_201_CREATED,
    summary="Create a draft tender with its lots; the must-tender verdict (16号令) is worked out and recorded",
    responses=_errors(401, 403, 404, 409, 422),
)
def create_tender(body: TenderIn, uow: UowDep, actor: RequiredActorDep) -> TenderCreatedOut:
    created = do_create_tender(
        uow=uow,
        actor=actor,
        project_id=body.project_id,
        name=body.name,
        kind=body.kind,
        method=body.method,
        organisation=body.organisation,
        estimate=body.estimate,
        lots=[LotSpec(lot.name, lot.estimate, lot.bond_amount) for lot in body.lots],
        agent_org_id=body.agent_org_id,
        suite=body.suite,
        two_envelope=body.two_envelope,
        prequalification=body.prequalification,
        backup_key_remedy=body.backup_key_remedy,
        price_ceiling=body.price_ceiling,
        reference_price=body.reference_price,
        invitees=tuple(body.invitees),
        invitation_grounds=body.invitation_grounds,
        merged_estimate=body.merged_estimate,
    )
    return TenderCreatedOut(
        tender_id=created.tender_id,
        number=created.number,
        lot_ids=list(created.lot_ids),
        mandatory=created.mandatory,
        verdict=created.verdict,
    )


@router.get("/tenders", summary="Published tenders (public); `mine=true`: the caller's organisation's, drafts too")
def get_tenders(
    container: ContainerDep,
    actor: ActorDep,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[TenderSummaryOut]:
    with container.engine.connect() as conn:
        rows = list_tenders(conn, actor, mine=mine, limit=limit, offset=offset)
    return [TenderSummaryOut(**row._mapping) for row in rows]


@router.get(
    "/tenders/{tender_id}",
    summary="A tender: public once its notice is out; its own side and supervisors also see 标底, invitees, verdict",
    responses=_errors(404),
)
def get_tender(tender_id: Id, request: Request, container: ContainerDep, actor: ActorDep) -> TenderOut:
    return _tender_out(
        audited_read(
            container,
            actor,
            request,
            lambda conn: tender_view(conn, actor, tender_id),
        )
    )


def _fresh(container: Any, actor: Actor, request: Request, tender_id: str) -> TenderOut:
    return get_tender(tender_id, request, container, actor)


@router.post(
    "/tenders/{tender_id}/lots",
    status_code=status.HTTP_201_CREATED,
    summary="Add a lot to a draft tender (bond ≤ 2% of its estimate, 条例26)",
    responses=_errors(401, 403, 404, 409, 422),
)
def add_lot(
    tender_id: Id, body: LotIn, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> LotOut:
    lot_id = do_add_lot(
        uow=uow, actor=actor, tender_id=tender_id, lot=LotSpec(body.name, body.estimate, body.bond_amount)
    )
    return get_lot(lot_id, request, container, actor)


@router.get("/lots/{lot_id}", summary="A lot (标段/包) of a published tender", responses=_errors(404))
def get_lot(lot_id: Id, request: Request, container: ContainerDep, actor: ActorDep) -> LotOut:
    view, _ = audited_read(
        container,
        actor,
        request,
        lambda conn: lot_view(conn, actor, lot_id),
    )
    return next(lot for lot in _tender_out(view).lots if lot.id == lot_id)


@router.get(
    "/tenders/{tender_id}/lots/{lot_id}",
    summary="A lot, named through its tender (a lot of another tender is refused)",
    responses=_errors(404),
)
def get_tender_lot(tender_id: Id, lot_id: Id, request: Request, container: ContainerDep, actor: ActorDep) -> LotOut:
    view, _ = audited_read(
        container,
        actor,
        request,
        lambda conn: lot_of_tender(conn, actor, tender_id, lot_id),
    )
    return next(lot for lot in _tender_out(view).lots if lot.id == lot_id)


# --- notice and documents ----------------------------------------------------------------------------------------


@router.post(
    "/tenders/{tender_id}/notice",
    summary="Publish the notice (checked against 10号令5; an exchange message is written with it)",
    responses=_errors(401, 403, 404, 409, 422),
)
def publish_notice(
    tender_id: Id, body: NoticeIn, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> TenderOut:
    do_publish_notice(uow=uow, actor=actor, tender_id=tender_id, notice=body.to_model())
    return _fresh(container, actor, request, tender_id)


@router.get("/tenders/{tender_id}/notice", summary="The published notice (public)", responses=_errors(404))
def get_notice(tender_id: Id, request: Request, container: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    tender = audited_read(
        container,
        actor,
        request,
        lambda conn: tender_view(conn, actor, tender_id),
    ).tender
    if tender.notice is None:
        raise NotFound(f"tender {tender.number} has no notice yet", field="tender_id")
    return codec.to_data(tender.notice)


def _store_uploads(container: Any, files: list[UploadFile]) -> list[DocumentFile]:
    return [
        store_document(
            container.blobs,
            filename=upload.filename or "",
            media_type=upload.content_type or "application/octet-stream",
            source=upload.file,
            max_bytes=MAX_DOCUMENT_BYTES,
        )
        for upload in files
    ]


@router.post(
    "/tenders/{tender_id}/documents",
    summary="Issue the documents (multipart files): prequalification documents for a prequalified tender whose "
    "notice is out, else the tender documents; the sale period (条例16) and deadline (法24 / 条例17) are checked",
    responses=_errors(401, 403, 404, 409, 413, 422),
)
def issue_documents(
    tender_id: Id,
    request: Request,
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
    files: Annotated[list[UploadFile], File(description="the document files; their SHA-256 is recorded")],
    sale_ends_at: Annotated[datetime, Form(description="end of the sale period, ISO 8601 with timezone")],
    deadline: Annotated[datetime, Form(description="bid deadline, or when applications are due; with timezone")],
) -> TenderOut:
    stored = _store_uploads(container, files)
    do_issue_documents(
        uow=uow, actor=actor, tender_id=tender_id, files=stored, sale_ends_at=sale_ends_at, deadline=deadline
    )
    return _fresh(container, actor, request, tender_id)


@router.get(
    "/tenders/{tender_id}/documents",
    summary="The document files with their SHA-256 (public once the tender is published)",
    responses=_errors(404),
)
def get_documents(
    tender_id: Id, request: Request, container: ContainerDep, actor: ActorDep, current: bool = False
) -> list[DocumentOut]:
    def read(conn: Any) -> list[DocumentInfo]:
        tender_view(conn, actor, tender_id)
        return list_documents(conn, tender_id, current_only=current)

    return [_document_out(info) for info in audited_read(container, actor, request, read)]


@router.get(
    "/tenders/{tender_id}/documents/{document_id}",
    summary="Download a document file (a bidder's download is logged for its organisation, secret until the deadline)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **_errors(401, 403, 404, 409)},
)
def download_document(
    tender_id: Id, document_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> StreamingResponse:
    def check(conn: Any) -> None:
        document = get_document(conn, document_id)
        if document.tender_id != tender_id:
            raise NotFound(
                f"document {document_id} is not a document of tender {tender_id}",
                field="document_id",
                code="wrong_tender",
            )

    audited_read(container, actor, request, check)
    info = do_download_document(uow=uow, actor=actor, document_id=document_id)
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(info.filename)}",
        "X-Content-SHA256": info.sha256,
        "Content-Length": str(info.size),
    }
    chunks: Iterator[bytes] = container.blobs.iter_chunks(info.sha256)
    return StreamingResponse(chunks, media_type=info.media_type, headers=headers)


@router.get(
    "/tenders/{tender_id}/downloaders",
    summary="Who obtained the documents and how many: 403 for everyone before the deadline (20号令21; 法22); after "
    "it, the tender's side and supervisors",
    responses=_errors(401, 403, 404),
)
def get_downloaders(
    tender_id: Id, uow: UowDep, actor: RequiredActorDep, stage: Literal["tender", "prequalification"] = "tender"
) -> DownloadersOut:
    found = do_read_downloaders(uow=uow, actor=actor, tender_id=tender_id, stage=stage)
    return DownloadersOut(
        tender_id=found.tender_id,
        stage=found.stage,
        count=found.count,
        downloaders=[DownloaderOut(**vars(d)) for d in found.downloaders],
    )


# --- clarifications and questions --------------------------------------------------------------------------------


@router.post(
    "/tenders/{tender_id}/clarifications",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a clarification or amendment (multipart; optional new versions of files); one that may affect "
    "bids less than 15 days before the deadline must move it (条例21); notified to every downloader",
    responses=_errors(401, 403, 404, 409, 413, 422),
)
def publish_clarification(
    tender_id: Id,
    uow: UowDep,
    container: ContainerDep,
    actor: RequiredActorDep,
    title: Annotated[str, Form(min_length=1, max_length=300)],
    body: Annotated[str, Form(min_length=1, max_length=20_000)],
    affects_bids: Annotated[bool, Form(description="may it affect how bids are prepared (条例21)?")],
    new_deadline: Annotated[datetime | None, Form(description="the moved deadline, ISO 8601 with timezone")] = None,
    files: Annotated[list[UploadFile] | None, File(description="new versions of document files")] = None,
) -> ClarificationOut:
    stored = _store_uploads(container, files or [])
    published = do_publish_clarification(
        uow=uow,
        actor=actor,
        tender_id=tender_id,
        title=title,
        body=body,
        affects_bids=affects_bids,
        new_deadline=new_deadline,
        files=stored,
    )
    return ClarificationOut(**{name: getattr(published, name) for name in ClarificationOut.model_fields})


@router.get(
    "/tenders/{tender_id}/clarifications", summary="Clarifications and amendments (public)", responses=_errors(404)
)
def get_clarifications(
    tender_id: Id, request: Request, container: ContainerDep, actor: ActorDep
) -> list[ClarificationOut]:
    def read(conn: Any) -> list[Any]:
        tender_view(conn, actor, tender_id)
        return list_clarifications(conn, tender_id)

    found = audited_read(container, actor, request, read)
    return [ClarificationOut(**{name: getattr(c, name) for name in ClarificationOut.model_fields}) for c in found]


@router.post(
    "/tenders/{tender_id}/questions",
    status_code=status.HTTP_201_CREATED,
    summary="Ask about the documents (a verified bidder); the answer is public, who asked never is",
    responses=_errors(401, 403, 404, 409, 422),
)
def ask_question(tender_id: Id, body: QuestionIn, uow: UowDep, actor: RequiredActorDep) -> QuestionCreatedOut:
    return QuestionCreatedOut(
        question_id=do_ask_question(uow=uow, actor=actor, tender_id=tender_id, question=body.question)
    )


@router.get(
    "/tenders/{tender_id}/questions", summary="Answered questions (public; never who asked)", responses=_errors(404)
)
def get_questions(
    tender_id: Id, request: Request, container: ContainerDep, actor: ActorDep
) -> list[AnsweredQuestionOut]:
    def read(conn: Any) -> list[Any]:
        tender_view(conn, actor, tender_id)
        return answered_questions(conn, tender_id)

    return [AnsweredQuestionOut(**vars(q)) for q in audited_read(container, actor, request, read)]


@router.get(
    "/tenders/{tender_id}/questions/open",
    summary="Questions waiting for an answer (the tender's side)",
    responses=_errors(401, 403, 404),
)
def get_open_questions(
    tender_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> list[OpenQuestionOut]:
    def read(conn: Any) -> list[Any]:
        require_full_view(conn, actor, tender_id, what="open questions")
        return open_questions(conn, tender_id)

    return [
        OpenQuestionOut(id=q, question=text, asked_at=at)
        for q, text, at in audited_read(container, actor, request, read)
    ]


@router.get(
    "/tenders/{tender_id}/questions/mine",
    summary="The caller's organisation's own questions",
    responses=_errors(401, 404),
)
def get_my_questions(
    tender_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> list[MyQuestionOut]:
    def read(conn: Any) -> list[Any]:
        tender_view(conn, actor, tender_id)
        return my_questions(conn, tender_id, actor.org_id) if actor.org_id else []

    return [MyQuestionOut(**q) for q in audited_read(container, actor, request, read)]


@router.post(
    "/tenders/{tender_id}/questions/{question_id}/answer",
    summary="Answer a question publicly (a clarification quoting it without naming who asked; 条例21 applies)",
    responses=_errors(401, 403, 404, 409, 422),
)
def answer_question(
    tender_id: Id, question_id: Id, body: AnswerIn, uow: UowDep, actor: RequiredActorDep
) -> ClarificationOut:
    published = do_answer_question(
        uow=uow,
        actor=actor,
        tender_id=tender_id,
        question_id=question_id,
        answer=body.answer,
        affects_bids=body.affects_bids,
        new_deadline=body.new_deadline,
    )
    return ClarificationOut(**{name: getattr(published, name) for name in ClarificationOut.model_fields})


# --- objections, suspension, directives --------------------------------------------------------------------------


@router.post(
    "/tenders/{tender_id}/objections",
    status_code=status.HTTP_201_CREATED,
    summary="Object to the documents (≥10 days before the deadline, 条例22); the tender is suspended until answered",
    responses=_errors(401, 403, 404, 409, 422),
)
def raise_objection(tender_id: Id, body: ObjectionIn, uow: UowDep, actor: RequiredActorDep) -> ObjectionCreatedOut:
    return ObjectionCreatedOut(
        objection_id=do_raise_objection(uow=uow, actor=actor, tender_id=tender_id, objection=body.objection)
    )


@router.get(
    "/tenders/{tender_id}/objections",
    summary="Objections, their due times and answers (the tender's side and supervisors; never who objected)",
    responses=_errors(401, 403, 404),
)
def get_objections(
    tender_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> list[ObjectionOut]:
    def read(conn: Any) -> list[Any]:
        require_full_view(conn, actor, tender_id, what="objections")
        return objections_of(conn, tender_id)

    return [ObjectionOut(**vars(o)) for o in audited_read(container, actor, request, read)]


@router.post(
    "/tenders/{tender_id}/objections/{objection_id}/answer",
    summary="Answer an objection (due in 3 days, 条例22; late answers stay late); resumes the tender if nothing else "
    "is pending",
    responses=_errors(401, 403, 404, 409, 422),
)
def answer_objection(
    tender_id: Id,
    objection_id: Id,
    body: ObjectionAnswerIn,
    request: Request,
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
) -> TenderOut:
    do_answer_objection(
        uow=uow, actor=actor, tender_id=tender_id, objection_id=objection_id, answer=body.answer, resume=body.resume
    )
    return _fresh(container, actor, request, tender_id)


@router.post(
    "/tenders/{tender_id}/resume",
    summary="Resume a suspended tender (objections answered, no directive, deadline ahead)",
    responses=_errors(401, 403, 404, 409),
)
def resume_tender(
    tender_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> TenderOut:
    do_resume_tender(uow=uow, actor=actor, tender_id=tender_id)
    return _fresh(container, actor, request, tender_id)


@router.post(
    "/tenders/{tender_id}/directives",
    summary="A supervisory directive (责令暂停, 条例62): suspend, or lift (lifting does not resume)",
    responses=_errors(401, 403, 404, 409, 422),
)
def directive(
    tender_id: Id, body: DirectiveIn, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> TenderOut:
    act = do_suspend_by_directive if body.action == "suspend" else do_lift_directive
    act(uow=uow, actor=actor, tender_id=tender_id, reference=body.reference, reason=body.reason)
    return _fresh(container, actor, request, tender_id)


# --- prequalification and ending ---------------------------------------------------------------------------------


@router.post(
    "/tenders/{tender_id}/prequalification-result",
    summary="Record who passed prequalification (only they may bid); fewer than 3: the tender fails (条例19)",
    responses=_errors(401, 403, 404, 409, 422),
)
def prequal_result(
    tender_id: Id,
    body: PrequalResultIn,
    request: Request,
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
) -> TenderOut:
    do_publish_prequal_result(
        uow=uow, actor=actor, tender_id=tender_id, qualified_org_ids=tuple(body.qualified_org_ids), reason=body.reason
    )
    return _fresh(container, actor, request, tender_id)


@router.post(
    "/tenders/{tender_id}/cancel",
    summary="End the tender (终止招标, 条例31), with the reason",
    responses=_errors(401, 403, 404, 409, 422),
)
def cancel_tender(
    tender_id: Id, body: ReasonIn, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> TenderOut:
    do_cancel_tender(uow=uow, actor=actor, tender_id=tender_id, reason=body.reason)
    return _fresh(container, actor, request, tender_id)


@router.post(
    "/tenders/{tender_id}/fail",
    summary="Declare the tender failed (流标): fewer than 3 bids at the deadline (条例44), or every lot failed or "
    "had all its bids rejected (评标规定27)",
    responses=_errors(401, 403, 404, 409, 422),
)
def fail_tender(
    tender_id: Id,
    body: OptionalReasonIn,
    request: Request,
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
) -> TenderOut:
    do_declare_failed(uow=uow, actor=actor, tender_id=tender_id, reason=body.reason)
    return _fresh(container, actor, request, tender_id)


@router.post(
    "/tenders/{tender_id}/re-tender",
    status_code=status.HTTP_201_CREATED,
    summary="Re-tender a failed tender (重新招标): a successor draft with the same terms and lots",
    responses=_errors(401, 403, 404, 409),
)
def re_tender(tender_id: Id, uow: UowDep, actor: RequiredActorDep) -> SuccessorOut:
    successor = do_re_tender(uow=uow, actor=actor, tender_id=tender_id)
    return SuccessorOut(tender_id=successor.tender_id, number=successor.number, lot_ids=list(successor.lot_ids))
