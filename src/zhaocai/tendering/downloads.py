"""Obtaining the documents (获取招标文件) and who did: every download by a bidder organisation is logged, and the
list and count of downloaders stay secret until the deadline (20号令21; 法22; DESIGN principle 4).

No sign-up precondition (20号令20): any verified bidder may download while the documents are on sale (an invited
tender: its invitees; after prequalification: those who passed). After the sale period, only organisations that
obtained the documents in time may fetch them again (amended versions included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, select

from zhaocai.adapters.db.tables.identity import organisations
from zhaocai.adapters.db.tables.tendering import tender_document_downloads, tender_documents
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.identity.access import is_system, require_role, require_user
from zhaocai.identity.model import Role
from zhaocai.rules.periods import format_moment
from zhaocai.tendering.access import TENDER_SIDE_ROLES, is_tender_party, require_bidder, require_tender_party
from zhaocai.tendering.model import ProcurementMethod, Stage, State, TenderProject
from zhaocai.tendering.model.guards import DOCUMENTS_OUT
from zhaocai.tendering.queries import load_aggregate
from zhaocai.tendering.views import tender_view
from zhaocai.usecase import use_case

SECRECY_CITATION = "20号令21; 法22"
ON_SALE = {Stage.PREQUALIFICATION: State.PREQUALIFICATION, Stage.TENDER: State.DOCUMENTS_ISSUED}


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    tender_id: str
    stage: str
    filename: str
    media_type: str
    version: int
    sha256: str
    size: int
    current: bool
    issued_at: datetime
    clarification_id: str | None


@dataclass(frozen=True)
class Downloader:
    org_id: str
    org_name: str
    first_downloaded_at: datetime
    downloads: int


@dataclass(frozen=True)
class DownloaderList:
    tender_id: str
    stage: str
    count: int
    downloaders: tuple[Downloader, ...]


def _info(row) -> DocumentInfo:
    return DocumentInfo(
        id=row.id,
        tender_id=row.tender_id,
        stage=row.stage,
        filename=row.filename,
        media_type=row.media_type,
        version=row.version,
        sha256=row.blob_key,
        size=row.size,
        current=row.current,
        issued_at=row.issued_at,
        clarification_id=row.clarification_id,
    )


def list_documents(conn: Connection, tender_id: str, *, current_only: bool = False) -> list[DocumentInfo]:
    """The files of the tender's documents (what they are is public once issued; obtaining them is logged)."""
    query = select(tender_documents).where(tender_documents.c.tender_id == tender_id)
    if current_only:
        query = query.where(tender_documents.c.current.is_(True))
    query = query.order_by(tender_documents.c.stage, tender_documents.c.filename, tender_documents.c.version)
    return [_info(row) for row in conn.execute(query)]


def get_document(conn: Connection, document_id: str) -> DocumentInfo:
    row = conn.execute(select(tender_documents).where(tender_documents.c.id == document_id)).first()
    if row is None:
        raise NotFound(f"no document {document_id}", field="document_id")
    return _info(row)


def has_downloaded(conn: Connection, tender_id: str, org_id: str, stage: Stage | None = None) -> bool:
    query = (
        select(tender_document_downloads.c.id)
        .join(tender_documents, tender_documents.c.id == tender_document_downloads.c.document_id)
        .where(tender_document_downloads.c.tender_id == tender_id, tender_document_downloads.c.org_id == org_id)
    )
    if stage is not None:
        query = query.where(tender_documents.c.stage == stage.value)
    return conn.execute(query.limit(1)).first() is not None


def _check_bidder_may_obtain(conn: Connection, tender: TenderProject, org_id: str, stage: Stage, now: datetime) -> None:
    if tender.method is ProcurementMethod.INVITED and org_id not in tender.invitees:
        raise Forbidden(
            f"tender {tender.number} is an invited tender (邀请招标): only its invitees obtain the documents",
            field="tender_id",
            code="not_invited",
        )
    if stage is Stage.TENDER and tender.prequalification and org_id not in tender.qualified_org_ids:
        raise Forbidden(
            f"only applicants that passed prequalification obtain the tender documents of {tender.number} (条例19)",
            field="tender_id",
            code="not_qualified",
        )
    sale_end = tender.schedule.sale_end(stage)
    on_sale = tender.state is ON_SALE[stage] and sale_end is not None and now < sale_end
    if not on_sale and not (tender.active_state in DOCUMENTS_OUT and has_downloaded(conn, tender.id, org_id, stage)):
        raise Conflict(
            f"the {stage.value} documents of {tender.number} are not on sale now (the sale period is over or the "
            f"tender is {tender.state}; 条例16): "
            "after the sale period only those who obtained them in time may fetch them again",
            field="state",
            code="not_on_sale",
        )


@use_case("tendering.download_document", object_type="tender_document")
def do_download_document(*, uow: UnitOfWork, actor: Actor, document_id: str) -> DocumentInfo:
    """Obtain a document file: a bidder's download is logged for its organisation (secret until the deadline); the
    tender's own side reads its documents without being logged as a downloader."""
    document = get_document(uow.conn, document_id)
    tender = load_aggregate(uow.conn, document.tender_id)
    if is_system(actor) or is_tender_party(actor, tender):
        require_tender_party(uow, actor, tender, action="read its documents")
        return document
    org_id = require_bidder(uow, actor, action="obtain tender documents")
    _check_bidder_may_obtain(uow.conn, tender, org_id, Stage(document.stage), uow.clock.now())
    uow.conn.execute(
        insert(tender_document_downloads).values(
            id=new_id(),
            tender_id=tender.id,
            document_id=document.id,
            org_id=org_id,
            user_id=actor.user_id,
            downloaded_at=uow.clock.now(),
        )
    )
    return document


def downloader_org_ids(conn: Connection, tender_id: str, stage: Stage | None = None) -> list[str]:
    """Every organisation that obtained documents of the tender (for notifications: each is told only about
    itself; never shown to anyone before the deadline)."""
    query = (
        select(tender_document_downloads.c.org_id)
        .distinct()
        .join(tender_documents, tender_documents.c.id == tender_document_downloads.c.document_id)
        .where(tender_document_downloads.c.tender_id == tender_id)
    )
    if stage is not None:
        query = query.where(tender_documents.c.stage == stage.value)
    return sorted(conn.execute(query).scalars())


@use_case("tendering.read_downloaders", object_type="tender")
def do_read_downloaders(*, uow: UnitOfWork, actor: Actor, tender_id: str, stage: str = "tender") -> DownloaderList:
    """Who obtained the documents, and how many: for the tender's side and supervisors, and only once the deadline
    of those documents has passed (20号令21; 法22). Before it the answer is 403 for everyone, naming the rule."""
    if not is_system(actor):
        require_user(actor)
    tender = tender_view(uow.conn, actor, tender_id).tender  # a draft does not exist for outsiders
    if stage not in {member.value for member in Stage}:
        raise ValidationFailed(f"stage is one of {', '.join(Stage)}", field="stage")
    checked = Stage(stage)
    until = tender.schedule.deadline(checked)
    if until is None or uow.clock.now() < until:  # secret from everyone, whoever asks
        raise Forbidden(
            f"who obtained the {checked.value} documents of {tender.number}, and how many, stays secret until the "
            f"deadline ({format_moment(until) + ' Asia/Shanghai' if until else 'not set'}) ({SECRECY_CITATION})",
            field="tender_id",
            citation=SECRECY_CITATION,
            code="secret_until_deadline",
        )
    if not (is_tender_party(actor, tender) or actor.has_role(Role.SUPERVISOR.value)):
        require_role(actor, Role.SUPERVISOR.value, *TENDER_SIDE_ROLES, action="read who obtained the documents")
        require_tender_party(uow, actor, tender, action="read who obtained its documents")
    rows = uow.conn.execute(
        select(
            tender_document_downloads.c.org_id,
            organisations.c.name,
            func.min(tender_document_downloads.c.downloaded_at).label("first"),
            func.count().label("downloads"),
        )
        .join(tender_documents, tender_documents.c.id == tender_document_downloads.c.document_id)
        .join(organisations, organisations.c.id == tender_document_downloads.c.org_id)
        .where(and_(tender_document_downloads.c.tender_id == tender_id, tender_documents.c.stage == checked.value))
        .group_by(tender_document_downloads.c.org_id, organisations.c.name)
        .order_by(func.min(tender_document_downloads.c.downloaded_at), tender_document_downloads.c.org_id)
    ).all()
    downloaders = tuple(Downloader(row.org_id, row.name, row.first, row.downloads) for row in rows)
    return DownloaderList(tender_id, checked.value, len(downloaders), downloaders)
