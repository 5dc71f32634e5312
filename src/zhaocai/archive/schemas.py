"""Archive API models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from zhaocai.archive.repository import StoredPackage


class ArchivePackageOut(BaseModel):
    id: str
    tender_id: str
    sha256: str
    size: int
    manifest_sha256: str
    item_count: int
    audit_entry_count: int
    tree_size: int
    reason: str
    built_at: datetime
    download: str

    @classmethod
    def of(cls, stored: StoredPackage) -> ArchivePackageOut:
        return cls(
            id=stored.id,
            tender_id=stored.tender_id,
            sha256=stored.blob_key,
            size=stored.size,
            manifest_sha256=stored.manifest_sha256,
            item_count=stored.item_count,
            audit_entry_count=stored.audit_entry_count,
            tree_size=stored.tree_size,
            reason=stored.reason,
            built_at=stored.built_at,
            download=f"/api/v1/archives/{stored.id}/package",
        )
