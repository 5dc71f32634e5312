"""Building a tender's archive package: `build_archive` (the orchestration: check, integrate the audit log, build
the package into the blob store) and `do_build_archive` (the use case that records it: audited, with its exchange
message, in one transaction).

Who may build: the tender's tenderer or its agency, a platform operator, or the platform itself (a job when the tender
is concluded). Only after the bid deadline (and after applications were due): a package names every bidder, and who
bid is secret until then (法22; 20号令27). Each build is a new package; earlier ones stay.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.archive.builder import plan_package, write_package
from zhaocai.archive.providers import load_providers
from zhaocai.archive.repository import StoredPackage, insert_package
from zhaocai.audit.wiring import make_sequencer
from zhaocai.bidding.checks import SECRECY_CITATION
from zhaocai.bidding.platform_key import platform_signer
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, DomainError, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.identity.access import is_system
from zhaocai.identity.model import Role
from zhaocai.tendering.access import require_tender_party
from zhaocai.tendering.messages import data_timestamp
from zhaocai.tendering.model import State, TenderProject
from zhaocai.tendering.repository import load_tender
from zhaocai.usecase import use_case

ACTION = "archive.build_package"
ARCHIVE_BUILT = "ARCHIVE_BUILT"  # exchange message: a tender's archive package was built
REASONS = ("concluded", "on_demand")
BUILDER_ROLES = frozenset({Role.PLATFORM_OPERATOR.value})


@dataclass(frozen=True)
class BuiltPackage:
    """A package already in the blob store, for the use case to record."""

    blob_key: str
    size: int
    manifest_sha256: str
    item_count: int
    audit_entry_count: int
    tree_size: int


@dataclass(frozen=True)
class BuildFailure:
    """Why the package could not be built (recorded as the use case's refusal)."""

    code: str
    message: str
    field: str | None = None


class NotArchivable(Conflict):
    code = "not_archivable"


def check_may_build(uow: UnitOfWork, actor: Actor, tender: TenderProject) -> None:
    if is_system(actor) or actor.has_role(*BUILDER_ROLES):
        return
    require_tender_party(uow, actor, tender, action="build its archive package")


def check_archivable(tender: TenderProject, now: datetime) -> None:
    if tender.state is State.DRAFT:
        raise NotArchivable(f"tender {tender.number} is a draft: there is nothing to archive yet", field="tender_id")
    schedule = tender.schedule
    for due, what in (
        (schedule.applications_due, "applications were due"),
        (schedule.bid_deadline, "the bid deadline"),
    ):
        if due is not None and now < due:
            raise NotArchivable(
                f"an archive package names every bidder, which is secret until {what} ({due.isoformat()})",
                field="tender_id",
                citation=SECRECY_CITATION,
            )
    if schedule.bid_deadline is None and tender.state not in (State.CANCELLED, State.FAILED, State.RE_TENDERED):
        raise NotArchivable(
            f"tender {tender.number} has no bid deadline yet and has not ended: there is no record to archive yet",
            field="tender_id",
        )


@use_case(ACTION, object_type="tender")
def do_build_archive(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    package: BuiltPackage | BuildFailure,
    reason: str = "on_demand",
) -> StoredPackage:
    if reason not in REASONS:
        raise ValidationFailed(f"reason is one of {', '.join(REASONS)}", field="reason")
    tender = load_tender(uow.conn, tender_id).tender
    check_may_build(uow, actor, tender)
    now = uow.clock.now()
    check_archivable(tender, now)
    if isinstance(package, BuildFailure):
        raise Conflict(package.message, field=package.field, code=package.code)
    stored = StoredPackage(
        id=new_id(),
        tender_id=tender_id,
        blob_key=package.blob_key,
        size=package.size,
        manifest_sha256=package.manifest_sha256,
        item_count=package.item_count,
        audit_entry_count=package.audit_entry_count,
        tree_size=package.tree_size,
        reason=reason,
        built_at=now,
        built_by=actor.user_id,
    )
    insert_package(uow.conn, stored)
    emit(
        uow,
        ARCHIVE_BUILT,
        {
            "DATA_TIMESTAMP": data_timestamp(now),
            "PROJECT_CODE": tender.project_code,
            "TENDER_PROJECT_CODE": tender.number,
            "TENDER_PROJECT_NAME": tender.name,
            "ARCHIVE_ID": stored.id,
            "ARCHIVE_SHA256": stored.blob_key,
            "ARCHIVE_SIZE": stored.size,
            "AUDIT_TREE_SIZE": stored.tree_size,
        },
        object_type="tender",
        object_id=tender_id,
    )
    return stored


def _preflight(container: Any, actor: Actor, tender_id: str) -> DomainError | None:
    try:
        with container.uow() as uow:
            tender = load_tender(uow.conn, tender_id).tender
            check_may_build(uow, actor, tender)
            check_archivable(tender, container.clock.now())
    except DomainError as error:
        return error
    return None


def build_archive(
    container: Any,
    actor: Actor,
    tender_id: str,
    *,
    reason: str = "on_demand",
    providers: list[Any] | None = None,
) -> StoredPackage:
    """Check, integrate every committed audit entry into the log (the sequencer signs a checkpoint), build the package
    into the blob store, record it. Refusals and failures are audited by the use case."""
    if _preflight(container, actor, tender_id) is not None:
        # the use case repeats the checks, refuses, and records the refusal
        return do_build_archive(
            uow=container.uow(),
            actor=actor,
            tender_id=tender_id,
            package=BuildFailure("not_built", "the package was not built"),
            reason=reason,
        )
    make_sequencer(container).drain()
    signer = platform_signer(container)
    scratch = Path(container.settings.data_dir)
    scratch.mkdir(parents=True, exist_ok=True)
    outcome: BuiltPackage | BuildFailure
    with tempfile.TemporaryFile(dir=scratch, prefix="archive-") as out:
        try:
            with container.engine.connect() as conn:
                plan = plan_package(
                    conn,
                    tender_id=tender_id,
                    blobs=container.blobs,
                    providers=providers if providers is not None else load_providers(),
                    signer=signer,
                    platform_code=container.settings.platform_code,
                    built_at=container.clock.now(),
                )
            summary = write_package(plan, out, container.blobs)
            out.flush()
            out.seek(0)
            ref = container.blobs.put_stream(out)
            outcome = BuiltPackage(
                ref.key,
                ref.size,
                summary.manifest_sha256,
                summary.item_count,
                summary.audit_entry_count,
                summary.tree_size,
            )
        except DomainError as error:
            outcome = BuildFailure(error.code, error.message, error.field)
    return do_build_archive(uow=container.uow(), actor=actor, tender_id=tender_id, package=outcome, reason=reason)
