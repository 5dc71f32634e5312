"""Who may see a tender's archive packages: its tenderer or agency, supervisors, platform operators and the audit
administrator (and the platform itself)."""

from __future__ import annotations

from sqlalchemy import Connection

from zhaocai.archive.repository import StoredPackage, get_package, packages_of
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.identity.access import is_system, require_user
from zhaocai.identity.model import Role
from zhaocai.tendering.access import is_tender_party
from zhaocai.tendering.queries import load_aggregate

READER_ROLES = frozenset({Role.SUPERVISOR.value, Role.PLATFORM_OPERATOR.value, Role.AUDIT_ADMIN.value})


def check_reader(conn: Connection, actor: Actor, tender_id: str) -> None:
    tender = load_aggregate(conn, tender_id)
    if is_system(actor) or actor.has_role(*READER_ROLES) or is_tender_party(actor, tender):
        return
    require_user(actor)
    raise Forbidden(
        f"the archive of tender {tender.number} is for its tenderer or agency, supervisors and platform operators",
        field="tender_id",
        code="not_an_archive_reader",
    )


def archive_packages(conn: Connection, actor: Actor, tender_id: str) -> list[StoredPackage]:
    check_reader(conn, actor, tender_id)
    return packages_of(conn, tender_id)


def archive_package(conn: Connection, actor: Actor, package_id: str) -> StoredPackage:
    stored = get_package(conn, package_id)
    if stored is None:
        raise NotFound(f"no archive package {package_id}", field="package_id")
    check_reader(conn, actor, stored.tender_id)
    return stored
