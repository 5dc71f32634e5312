"""Checking a package someone hands the platform (a tampered archive package must be refused and audited): the same
offline verifier, against the platform's own published keys and the CAs it trusts, with the outcome recorded by a
use case — an honest package is an `ok` entry, a tampered one a refusal naming the first bad item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.archive.anchors import Anchors, published_keys
from zhaocai.archive.verify import Report, verify_package
from zhaocai.core.actor import Actor
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto.trust import TrustStore
from zhaocai.identity.access import is_system, require_role
from zhaocai.identity.env import identity_env
from zhaocai.identity.model import Role
from zhaocai.usecase import use_case

CHECKER_ROLES = (
    Role.TENDERER.value,
    Role.AGENT.value,
    Role.SUPERVISOR.value,
    Role.PLATFORM_OPERATOR.value,
    Role.AUDIT_ADMIN.value,
)


class ArchiveTampered(ValidationFailed):
    code = "archive_tampered"


@dataclass(frozen=True)
class CheckOutcome:
    """What the use case records of a verification (the package itself is not kept)."""

    package_sha256: str
    ok: bool
    checks: int
    category: str | None = None  # of the first failure
    subject: str | None = None
    detail: str | None = None

    @classmethod
    def of(cls, package_sha256: str, report: Report) -> CheckOutcome:
        first = report.first_failure
        if first is None:
            return cls(package_sha256, True, len(report.checks))
        return cls(package_sha256, False, len(report.checks), first.category, first.subject, first.detail)


def may_check(actor: Actor) -> bool:
    return is_system(actor) or actor.has_role(*CHECKER_ROLES)


def platform_anchors(container: Any) -> Anchors:
    """This platform's published keys and the CAs it trusts, as a user would give them to `archive verify`."""
    document = {"platform_code": container.settings.platform_code, "keys": container.keyring.public_keys()}
    code, keys = published_keys(document, "the platform's keyring")
    trust = identity_env(container).trust or TrustStore()
    return Anchors(code, tuple(keys), trust)


def check_package(container: Any, source: BinaryIO, package_sha256: str) -> CheckOutcome:
    return CheckOutcome.of(package_sha256, verify_package(source, platform_anchors(container)))


@use_case("archive.check_package", object_type="archive_package")
def do_check_archive(*, uow: UnitOfWork, actor: Actor, package_sha256: str, outcome: CheckOutcome) -> CheckOutcome:
    uow.audit.object_id = package_sha256  # type: ignore[attr-defined]
    require_role(actor, *CHECKER_ROLES, action="check an archive package")
    if not outcome.ok:
        raise ArchiveTampered(
            f"the archive package is not intact: {outcome.category}: {outcome.subject} — {outcome.detail}",
            field=outcome.subject,
            detail={"category": outcome.category, "package_sha256": package_sha256},
        )
    return outcome
