"""Ending a tender: cancellation (终止招标, 条例31: announced, and everyone who obtained the documents told why),
failure (流标: fewer than opening_min_bidders bids at the deadline, 条例44; too few passed prequalification is
recorded by the prequalification result, 条例19) and re-tender (重新招标): a successor draft with the same terms
and lots, numbered anew, linked both ways.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.tendering import messages
from zhaocai.tendering.access import require_tender_party
from zhaocai.tendering.downloads import downloader_org_ids
from zhaocai.tendering.model import Event, EventKind, TenderProject, successor_tender
from zhaocai.tendering.procedure import apply, load_for_change, save
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.tendering.repository import insert_tender, next_tender_seq
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class Successor:
    tender_id: str
    number: str
    lot_ids: tuple[str, ...]


def _party(uow: UnitOfWork, actor: Actor, action: str):
    return lambda tender: require_tender_party(uow, actor, tender, action=action)


@use_case("tendering.cancel_tender", object_type="tender")
def do_cancel_tender(*, uow: UnitOfWork, actor: Actor, tender_id: str, reason: str) -> TenderProject:
    working = load_for_change(uow, tender_id, check=_party(uow, actor, "end (终止) it"))
    tender = apply(working, Event(EventKind.CANCEL, working.now, reason=reason))
    save(uow, working)
    concerned = {*downloader_org_ids(uow.conn, tender_id), *tender.invitees, *tender.qualified_org_ids}
    notify_organisations(
        uow,
        concerned,
        subject=f"终止招标 {tender.number} is cancelled (条例31)",
        body=f"{tender.name} ({tender.number}) is cancelled: {tender.end_reason}. Bid bonds are refunded (条例31).",
    )
    emit(
        uow,
        messages.TENDER_TERMINATED,
        messages.terminated(tender, working.now),
        object_type="tender",
        object_id=tender_id,
    )
    return tender


def bidders_at_deadline(uow: UnitOfWork, tender: TenderProject, lot_ids: list[str]) -> int:
    """The most bids any lot received (the tender fails only if every lot fell short)."""
    from zhaocai.bidding.queries import bid_count_after_deadline  # lazily: tendering does not depend on bidding

    deadline = tender.schedule.bid_deadline
    assert deadline is not None
    return max((bid_count_after_deadline(uow.conn, lot_id, deadline) for lot_id in lot_ids), default=0)


def lot_failed(conn: Connection, lot_id: str) -> bool:
    """The lot failed at its opening (流标, 条例44) or had every bid rejected by its committee (评标规定27)."""
    from zhaocai.evaluation.queries import final_report  # lazily: tendering does not depend on later stages
    from zhaocai.opening.queries import opening_status

    if opening_status(conn, lot_id).state == "failed":
        return True
    report = final_report(conn, lot_id)
    return report is not None and report.all_rejected


def every_lot_failed(uow: UnitOfWork, lot_ids: list[str]) -> bool:
    return bool(lot_ids) and all(lot_failed(uow.conn, lot_id) for lot_id in lot_ids)


@use_case("tendering.declare_failed", object_type="tender")
def do_declare_failed(*, uow: UnitOfWork, actor: Actor, tender_id: str, reason: str = "") -> TenderProject:
    """After the deadline, with fewer than opening_min_bidders bids on every lot (the bids are not opened, 条例44),
    or once every lot has failed or had all its bids rejected (评标规定27; 法42): the tender fails (流标) and may be
    re-tendered. The counts and outcomes come from the bid, opening and evaluation records."""
    working = load_for_change(uow, tender_id, check=_party(uow, actor, "declare it failed"))
    bidders, all_failed = None, False
    if working.tender.schedule.bid_deadline is not None and working.now >= working.tender.schedule.bid_deadline:
        lot_ids = list(working.stored.lot_ids.values())
        bidders = bidders_at_deadline(uow, working.tender, lot_ids)
        all_failed = every_lot_failed(uow, lot_ids)
    event = Event(EventKind.DECLARE_FAILED, working.now, bidders=bidders, every_lot_failed=all_failed, reason=reason)
    tender = apply(working, event)
    save(uow, working)
    emit(
        uow,
        messages.TENDER_TERMINATED,
        messages.terminated(tender, working.now),
        object_type="tender",
        object_id=tender_id,
    )
    return tender


@use_case("tendering.re_tender", object_type="tender")
def do_re_tender(*, uow: UnitOfWork, actor: Actor, tender_id: str) -> Successor:
    """Re-run a failed tender (重新招标): a new draft with the same project, terms and lots and a new number."""
    working = load_for_change(uow, tender_id, check=_party(uow, actor, "re-tender it"))
    successor = successor_tender(working.tender, id=new_id(), seq=next_tender_seq(uow.conn, working.stored.project_id))
    apply(working, Event(EventKind.RE_TENDER, working.now, successor_id=successor.id))
    save(uow, working)
    stored = insert_tender(
        uow.conn, successor, project_id=working.stored.project_id, verdict=working.stored.verdict, now=working.now
    )
    emit(
        uow,
        messages.TENDER_TERMINATED,
        messages.terminated(working.tender, working.now),
        object_type="tender",
        object_id=tender_id,
    )
    return Successor(successor.id, successor.number, tuple(stored.lot_id(lot.number) for lot in successor.lots))
