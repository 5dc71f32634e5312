"""Publishing the tender's notice (招标公告 / 资格预审公告 / 投标邀请书): validated against 10号令5 by the model, its
exchange message written in the same transaction; invitees of an invited tender get the invitation."""

from __future__ import annotations

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.exchange.outbox import emit
from zhaocai.tendering import messages
from zhaocai.tendering.access import require_tender_party
from zhaocai.tendering.model import Event, EventKind, Notice, ProcurementMethod, TenderProject
from zhaocai.tendering.procedure import apply, load_for_change, save
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case


@use_case("tendering.publish_notice", object_type="tender")
def do_publish_notice(*, uow: UnitOfWork, actor: Actor, tender_id: str, notice: Notice) -> TenderProject:
    """Publish the notice; from today the tender is governed by today's rules (DESIGN principle 1)."""
    working = load_for_change(
        uow, tender_id, check=lambda tender: require_tender_party(uow, actor, tender, action="publish its notice")
    )
    tender = apply(working, Event(EventKind.PUBLISH_NOTICE, working.now, notice=notice))
    save(uow, working)
    emit(
        uow,
        messages.TENDER_NOTICE,
        messages.tender_notice(tender, working.now),
        object_type="tender",
        object_id=tender.id,
    )
    if tender.method is ProcurementMethod.INVITED:
        notify_organisations(
            uow,
            tender.invitees,
            subject=f"投标邀请书 invitation to tender: {tender.number} {tender.name}",
            body=f"You are invited to bid for {tender.name} ({tender.number}). The invitation and the documents are "
            f"on the trading platform: {notice.platform_url}",
        )
    return tender
