"""Supervisory directives (责令暂停, 条例62): a supervisor suspends a tender, or lifts the suspension it ordered.
Lifting does not resume the tender; its own side resumes it once nothing else is pending. (The exchange will
deliver directives from the supervision platform in a later issue; until then a supervisor user issues them here.)
"""

from __future__ import annotations

from sqlalchemy import insert

from zhaocai.adapters.db.tables.tendering import tender_directives
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.ids import new_id
from zhaocai.tendering.access import require_supervisor
from zhaocai.tendering.clarifications import text
from zhaocai.tendering.model import Event, EventKind, TenderProject
from zhaocai.tendering.procedure import apply, load_for_change, save
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case


def _directive(uow: UnitOfWork, actor: Actor, tender_id: str, kind: EventKind, reference: str, reason: str):
    working = load_for_change(
        uow, tender_id, check=lambda tender: require_supervisor(actor, action="issue supervisory directives")
    )
    reference, reason = (
        text(reference, "reference", "the directive's document number", 100),
        text(reason, "reason", "the reason"),
    )
    tender = apply(working, Event(kind, working.now, reason=f"{reference}: {reason}"))
    save(uow, working)
    action = "suspend" if kind is EventKind.SUSPEND_BY_DIRECTIVE else "lift"
    uow.conn.execute(
        insert(tender_directives).values(
            id=new_id(),
            tender_id=tender_id,
            action=action,
            reference=reference,
            reason=reason,
            at=working.now,
            by_user_id=actor.user_id,
        )
    )
    notify_organisations(
        uow,
        [tender.tenderer_org_id, *([tender.agent_org_id] if tender.agent_org_id else [])],
        subject=f"监督指令 {reference}: {tender.number} {'suspended (责令暂停)' if action == 'suspend' else 'lifted'}",
        body=reason,
    )
    return tender


@use_case("tendering.suspend_by_directive", object_type="tender")
def do_suspend_by_directive(
    *, uow: UnitOfWork, actor: Actor, tender_id: str, reference: str, reason: str
) -> TenderProject:
    return _directive(uow, actor, tender_id, EventKind.SUSPEND_BY_DIRECTIVE, reference, reason)


@use_case("tendering.lift_directive", object_type="tender")
def do_lift_directive(*, uow: UnitOfWork, actor: Actor, tender_id: str, reference: str, reason: str) -> TenderProject:
    return _directive(uow, actor, tender_id, EventKind.LIFT_DIRECTIVE, reference, reason)
