"""Tender documents as files: stored in the blob store first (fsync, rename), then recorded with their SHA-256 in
the use case's transaction (DESIGN principle 5). Issuing them starts the sale period and fixes the deadline
(条例16, 法24 via the model's guards)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update

from zhaocai.adapters.blob.port import BlobSource, BlobStore, check_key
from zhaocai.adapters.db.tables.tendering import tender_documents
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.tendering.access import require_tender_party
from zhaocai.tendering.model import Event, EventKind, Stage, State, TenderProject
from zhaocai.tendering.procedure import Working, apply, load_for_change, save
from zhaocai.usecase import use_case

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
_FILENAME = re.compile(r"[^/\\\x00-\x1f]{1,255}")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")


@dataclass(frozen=True)
class DocumentFile:
    """A file already durable in the blob store, to be recorded as part of the documents."""

    filename: str
    media_type: str
    blob_key: str  # SHA-256 of the bytes
    size: int


def store_document(
    blobs: BlobStore, *, filename: str, media_type: str, source: BlobSource, max_bytes: int = MAX_DOCUMENT_BYTES
) -> DocumentFile:
    """Stream a document into the blob store (durable before any row names it)."""
    checked = check_file_names(filename, media_type)
    ref = blobs.put_stream(source, max_bytes=max_bytes)
    return DocumentFile(checked[0], checked[1], ref.key, ref.size)


def check_file_names(filename: str, media_type: str) -> tuple[str, str]:
    name = (filename or "").strip()
    if not _FILENAME.fullmatch(name) or name in (".", ".."):
        raise ValidationFailed("a file name is 1-255 characters without path separators", field="filename")
    kind = (media_type or "application/octet-stream").strip().lower()
    if not _MEDIA_TYPE.fullmatch(kind):
        raise ValidationFailed(f"{media_type!r} is not a media type", field="media_type")
    return name, kind


def check_files(files: Sequence[DocumentFile]) -> None:
    if not files:
        raise ValidationFailed("the documents need at least one file", field="files")
    names = [check_file_names(file.filename, file.media_type)[0] for file in files]
    if len(set(names)) != len(names):
        raise ValidationFailed("each file name appears once", field="files")
    for file in files:
        check_key(file.blob_key)
        if file.size < 0:
            raise ValidationFailed("a file size is not negative", field="files")


def record_files(
    uow: UnitOfWork,
    tender_id: str,
    stage: Stage,
    files: Sequence[DocumentFile],
    *,
    at: datetime,
    by: str | None,
    clarification_id: str | None = None,
) -> list[str]:
    """Record `files` as the current version of their names in `stage`; an earlier version of a name is superseded."""
    ids = []
    for file in files:
        name, media_type = check_file_names(file.filename, file.media_type)
        same_name = (
            (tender_documents.c.tender_id == tender_id)
            & (tender_documents.c.stage == stage.value)
            & (tender_documents.c.filename == name)
        )
        previous = uow.conn.execute(
            select(tender_documents.c.id).where(same_name, tender_documents.c.current.is_(True))
        ).scalar()
        version = uow.conn.execute(select(func.coalesce(func.max(tender_documents.c.version), 0)).where(same_name))
        document_id = new_id()
        uow.conn.execute(update(tender_documents).where(same_name).values(current=False))
        uow.conn.execute(
            insert(tender_documents).values(
                id=document_id,
                tender_id=tender_id,
                stage=stage.value,
                filename=name,
                media_type=media_type,
                version=version.scalar_one() + 1,
                blob_key=file.blob_key,
                size=file.size,
                supersedes=previous,
                clarification_id=clarification_id,
                current=True,
                issued_at=at,
                issued_by=by,
            )
        )
        ids.append(document_id)
    return ids


def require_aware(moment: datetime | None, field: str) -> None:
    """Times from outside must carry their timezone (day boundaries are counted in Asia/Shanghai)."""
    if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
        raise ValidationFailed(f"{field} must be a time with its timezone, e.g. 2026-03-24T09:00:00+08:00", field=field)


def _issue_event(working: Working, sale_ends_at: datetime, deadline: datetime) -> tuple[Event, Stage]:
    tender = working.tender
    if tender.prequalification and tender.state is State.NOTICE_PUBLISHED:
        kind, stage = EventKind.START_PREQUALIFICATION, Stage.PREQUALIFICATION
    else:
        kind, stage = EventKind.ISSUE_DOCUMENTS, Stage.TENDER
    return Event(kind, working.now, sale_ends_at=sale_ends_at, deadline=deadline), stage


@use_case("tendering.issue_documents", object_type="tender")
def do_issue_documents(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    files: Sequence[DocumentFile],
    sale_ends_at: datetime,
    deadline: datetime,
) -> TenderProject:
    """Issue the documents the tender needs next: the prequalification documents (applications due at `deadline`)
    for a tender with prequalification whose notice is out, else the tender documents (bids due at `deadline`).
    The documents can be obtained until `sale_ends_at` (条例16)."""
    working = load_for_change(
        uow, tender_id, check=lambda tender: require_tender_party(uow, actor, tender, action="issue its documents")
    )
    check_files(files)
    require_aware(sale_ends_at, "sale_ends_at")
    require_aware(deadline, "deadline")
    event, stage = _issue_event(working, sale_ends_at, deadline)
    tender = apply(working, event)
    save(uow, working)
    record_files(uow, tender_id, stage, files, at=working.now, by=actor.user_id)
    return tender
