"""Read side for the API and CLI: what a caller may see of projects and tenders. Refusals are raised for the
caller to audit (web.auth.audit_refusal).

A published tender (its notice out) is public; a draft only its own side and supervisors see (to others it does
not exist). The full view — 标底, invitees, who passed prequalification, the must-tender verdict — is for the tender's
own side and supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from zhaocai.adapters.db.tables.tendering import tender_lots, tenders
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden, NotFound
from zhaocai.identity.access import is_system
from zhaocai.identity.model import Role
from zhaocai.tendering.access import is_tender_party
from zhaocai.tendering.model import State, TenderProject
from zhaocai.tendering.repository import StoredProject, StoredTender, get_project, list_projects, load_tender

SUPERVISING = Role.SUPERVISOR.value


@dataclass(frozen=True)
class TenderView:
    stored: StoredTender
    full: bool

    @property
    def tender(self) -> TenderProject:
        return self.stored.tender


def sees_everything(actor: Actor, tender: TenderProject) -> bool:
    return is_system(actor) or is_tender_party(actor, tender) or actor.has_role(SUPERVISING)


def tender_view(conn: Connection, actor: Actor, tender_id: str) -> TenderView:
    stored = load_tender(conn, tender_id)
    full = sees_everything(actor, stored.tender)
    if stored.tender.state is State.DRAFT and not full:
        raise NotFound(f"no tender {tender_id}", field="tender_id")
    return TenderView(stored, full)


def require_full_view(conn: Connection, actor: Actor, tender_id: str, *, what: str) -> TenderView:
    view = tender_view(conn, actor, tender_id)
    if not view.full:
        raise Forbidden(
            f"{what} of tender {view.tender.number} are for its tenderer, its agency and supervisors",
            field="tender_id",
            code="other_organisation",
        )
    return view


def lot_of_tender(conn: Connection, actor: Actor, tender_id: str, lot_id: str) -> tuple[TenderView, str]:
    """The lot, named through its tender: a lot of another tender is refused naming both."""
    view = tender_view(conn, actor, tender_id)
    owner = conn.execute(select(tender_lots.c.tender_id).where(tender_lots.c.id == lot_id)).scalar()
    if owner is None:
        raise NotFound(f"no lot {lot_id}", field="lot_id")
    if owner != tender_id:
        raise NotFound(f"lot {lot_id} is not a lot of tender {view.tender.number}", field="lot_id", code="wrong_tender")
    return view, lot_id


def lot_view(conn: Connection, actor: Actor, lot_id: str) -> tuple[TenderView, str]:
    owner = conn.execute(select(tender_lots.c.tender_id).where(tender_lots.c.id == lot_id)).scalar()
    if owner is None:
        raise NotFound(f"no lot {lot_id}", field="lot_id")
    return tender_view(conn, actor, owner), lot_id


def list_tenders(conn: Connection, actor: Actor, *, mine: bool = False, limit: int = 100, offset: int = 0) -> list[Any]:
    """Published tenders, newest first; with `mine`, the tenders of the caller's organisation (drafts included)."""
    query = select(
        tenders.c.id, tenders.c.number, tenders.c.name, tenders.c.state, tenders.c.bid_deadline, tenders.c.published_at
    )
    if mine:
        if actor.org_id is None:
            return []
        query = query.where((tenders.c.tenderer_org_id == actor.org_id) | (tenders.c.agent_org_id == actor.org_id))
    else:
        query = query.where(tenders.c.published_at.is_not(None))
    query = query.order_by(tenders.c.created_at.desc(), tenders.c.id.desc()).limit(limit).offset(offset)
    return list(conn.execute(query))


def project_view(conn: Connection, actor: Actor, project_id: str) -> StoredProject:
    stored = get_project(conn, project_id)
    if not (is_system(actor) or actor.org_id == stored.owner_org_id or actor.has_role(SUPERVISING)):
        raise NotFound(f"no project {project_id}", field="project_id")
    return stored


def projects_of(conn: Connection, actor: Actor) -> list[StoredProject]:
    if is_system(actor) or actor.has_role(SUPERVISING):
        return list_projects(conn)
    if actor.org_id is None:
        return []
    return list_projects(conn, owner_org_id=actor.org_id)
