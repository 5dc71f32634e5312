"""Reading and writing archive package rows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Connection, insert, select

from zhaocai.adapters.db.tables.archive import archive_packages


@dataclass(frozen=True)
class StoredPackage:
    id: str
    tender_id: str
    blob_key: str
    size: int
    manifest_sha256: str
    item_count: int
    audit_entry_count: int
    tree_size: int
    reason: str  # concluded | on_demand
    built_at: datetime
    built_by: str | None


def insert_package(conn: Connection, stored: StoredPackage) -> None:
    conn.execute(insert(archive_packages).values({f.name: getattr(stored, f.name) for f in fields(stored)}))


def _build(row: object) -> StoredPackage:
    mapping = row._mapping  # type: ignore[attr-defined]
    return StoredPackage(**{f.name: mapping[f.name] for f in fields(StoredPackage)})


def packages_of(conn: Connection, tender_id: str) -> list[StoredPackage]:
    query = (
        select(archive_packages)
        .where(archive_packages.c.tender_id == tender_id)
        .order_by(archive_packages.c.built_at, archive_packages.c.id)
    )
    return [_build(row) for row in conn.execute(query)]


def get_package(conn: Connection, package_id: str) -> StoredPackage | None:
    row = conn.execute(select(archive_packages).where(archive_packages.c.id == package_id)).first()
    return _build(row) if row else None
