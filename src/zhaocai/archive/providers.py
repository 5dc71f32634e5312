"""Where the archive's items come from: one `archiving` module per domain package, named in an explicit registry.

A provider module defines

    archive_items(conn, tender_id) -> list[ArchiveItem]          (required; a provider that must read blobs to
                                                                  describe them takes a keyword `blobs` too)
    audit_object_ids(conn, tender_id) -> Iterable[str]           (optional: the ids its use cases put in
                                                                  audit entries' object_id; those entries go in
                                                                  the package with their inclusion proofs)

Modules are imported lazily, by name; a missing module, or one without `archive_items`, is an error: nothing is
skipped silently. Register a package by adding its module name to PROVIDERS.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Sequence
from types import ModuleType

from sqlalchemy import Connection

from zhaocai.adapters.blob.port import BlobStore
from zhaocai.archive.items import ArchiveItem

PROVIDERS: tuple[str, ...] = (
    "zhaocai.tendering.archiving",
    "zhaocai.bidding.archiving",
    "zhaocai.opening.archiving",
    "zhaocai.experts.archiving",
    "zhaocai.evaluation.archiving",
    "zhaocai.award.archiving",
)


def load_providers(names: Sequence[str] = PROVIDERS) -> list[ModuleType]:
    modules = [importlib.import_module(name) for name in names]
    for module in modules:
        if not callable(getattr(module, "archive_items", None)):
            raise TypeError(f"{module.__name__} has no archive_items(conn, tender_id)")
    return modules


def collect_items(
    conn: Connection, tender_id: str, providers: Iterable[ModuleType], *, blobs: BlobStore
) -> list[ArchiveItem]:
    items: list[ArchiveItem] = []
    for module in providers:
        provide = module.archive_items
        if "blobs" in inspect.signature(provide).parameters:
            items.extend(provide(conn, tender_id, blobs=blobs))
        else:
            items.extend(provide(conn, tender_id))
    return items


def collect_audit_object_ids(conn: Connection, tender_id: str, providers: Iterable[ModuleType]) -> set[str]:
    ids = {tender_id}
    for module in providers:
        find = getattr(module, "audit_object_ids", None)
        if find is not None:
            ids.update(find(conn, tender_id))
    return ids
