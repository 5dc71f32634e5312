"""What the tender itself contributes to its electronic archive (20号令40): the tender as recorded, its notice, every
version of every document file, clarifications and amendments, questions and answers, objections and answers, and
supervisory directives. See zhaocai/archive/providers.py for the provider contract."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.tendering import (
    tender_clarifications,
    tender_directives,
    tender_documents,
    tender_objections,
    tender_questions,
    tenders,
)
from zhaocai.archive.items import ArchiveItem, blob_item, json_item, safe_segment
from zhaocai.tendering import codec
from zhaocai.tendering.repository import load_tender

PREFIX = "tendering"
_RECORDS = {
    "clarifications": tender_clarifications,
    "questions": tender_questions,
    "objections": tender_objections,
    "directives": tender_directives,
}


def _rows(conn: Connection, table: Any, tender_id: str) -> list[dict[str, Any]]:
    query = select(table).where(table.c.tender_id == tender_id).order_by(table.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def archive_items(conn: Connection, tender_id: str) -> list[ArchiveItem]:
    stored = load_tender(conn, tender_id)
    # the 标底 is secret until opening (条例50); the opening record carries it once it is read out
    tender = dataclasses.replace(stored.tender, reference_price=None)
    record = {
        "tender": codec.to_data(tender),
        "project_id": stored.project_id,
        "lot_ids": stored.lot_ids,
        "must_tender_verdict": stored.verdict,
    }
    items = [json_item(f"{PREFIX}/tender.json", record)]
    if tender.notice is not None:
        items.append(json_item(f"{PREFIX}/notice.json", codec.to_data(tender.notice)))
    documents = _rows(conn, tender_documents, tender_id)
    items.append(json_item(f"{PREFIX}/documents.json", documents))
    for document in documents:
        path = f"{PREFIX}/documents/{document['stage']}/{document['id']}/{safe_segment(document['filename'])}"
        items.append(blob_item(path, document["media_type"], document["blob_key"]))
    for name, table in _RECORDS.items():
        items.append(json_item(f"{PREFIX}/{name}.json", _rows(conn, table, tender_id)))
    return items


def audit_object_ids(conn: Connection, tender_id: str) -> Iterable[str]:
    ids = {tender_id, *load_tender(conn, tender_id).lot_ids.values()}
    project_id = conn.execute(select(tenders.c.project_id).where(tenders.c.id == tender_id)).scalar()
    if project_id:
        ids.add(project_id)
    for table in (tender_documents, *_RECORDS.values()):
        ids.update(conn.execute(select(table.c.id).where(table.c.tender_id == tender_id)).scalars())
    return ids
