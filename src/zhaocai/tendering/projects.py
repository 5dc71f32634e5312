"""Registering an investment project (投资项目) with its code, approval record and funding (条例7)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict
from zhaocai.rules.table import local_day
from zhaocai.tendering.access import require_tenderer
from zhaocai.tendering.model import ApprovalRecord, Funding, new_project
from zhaocai.tendering.repository import find_project_by_code, insert_project
from zhaocai.usecase import use_case


def _duplicate(code: str) -> Conflict:
    return Conflict(f"project {code} is already registered", field="code", code="duplicate_project_code")


@use_case("tendering.register_project", object_type="project")
def do_register_project(
    *, uow: UnitOfWork, actor: Actor, code: str, name: str, approval: ApprovalRecord, funding: Funding
) -> str:
    """Register a project of the actor's (verified tenderer) organisation; returns its id."""
    owner = require_tenderer(uow, actor, action="register a project")
    now = uow.clock.now()
    project = new_project(code=code, name=name, approval=approval, funding=funding, today=local_day(now))
    if find_project_by_code(uow.conn, project.code) is not None:
        raise _duplicate(project.code)
    try:
        with uow.conn.begin_nested():
            project_id = insert_project(uow.conn, project, owner_org_id=owner, at=now, by=actor.user_id)
    except IntegrityError:
        raise _duplicate(project.code) from None
    uow.audit.object_id = project_id  # type: ignore[attr-defined]
    return project_id
