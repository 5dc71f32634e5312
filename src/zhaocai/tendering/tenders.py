"""Creating a tender project (招标项目) with its lots: the must-tender verdict (16号令) is worked out and recorded,
the method and organisation form checked (法12, 法17, 条例8), every bond held within its limit (条例26)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.core.money import parse_yuan
from zhaocai.identity import repository as identity_repository
from zhaocai.identity.model import OrgKind, OrgStatus
from zhaocai.rules import check_at_least, packaged_rules
from zhaocai.rules.table import local_day
from zhaocai.tendering.access import require_tender_party, require_tenderer
from zhaocai.tendering.model import (
    MustTenderVerdict,
    ProcurementMethod,
    RuleBook,
    TenderKind,
    TenderProject,
    add_lot,
    book_for,
    check_bond_amount,
    must_tender_check,
    new_tender,
)
from zhaocai.tendering.model.registration import INVITEES_RULE
from zhaocai.tendering.procedure import load_for_change, save
from zhaocai.tendering.repository import get_project, insert_tender, next_tender_seq
from zhaocai.usecase import use_case


@dataclass(frozen=True)
class LotSpec:
    name: str
    estimate: Decimal
    bond_amount: Decimal  # 投标保证金: at most bid_bond_max_ratio of the estimate (条例26)


@dataclass(frozen=True)
class CreatedTender:
    tender_id: str
    number: str
    lot_ids: tuple[str, ...]
    mandatory: bool
    verdict: dict[str, Any]


def verdict_record(verdict: MustTenderVerdict, on: datetime) -> dict[str, Any]:
    return {
        "must_tender": verdict.must_tender,
        "in_scope": verdict.in_scope,
        "reaches_threshold": verdict.reaches_threshold,
        "open_tender_required": verdict.open_tender_required,
        "threshold": {
            "key": verdict.threshold.key,
            "value": verdict.threshold.display_value,
            "citation": verdict.threshold.citation,
        },
        "reasons": list(verdict.reasons),
        "rules": [f"{rule.key} ({rule.citation})" for rule in verdict.rules],
        "checked_on": local_day(on).isoformat(),
    }


def _check_organisation(uow: UnitOfWork, org_id: str, kind: OrgKind, field: str, what: str) -> None:
    org = identity_repository.get_organisation(uow.conn, org_id)
    if org is None or org.status is not OrgStatus.VERIFIED or kind not in org.kinds:
        raise ValidationFailed(f"{what} {org_id} is not a verified {kind} organisation on this platform", field=field)


@use_case("tendering.create_tender", object_type="tender")
def do_create_tender(
    *,
    uow: UnitOfWork,
    actor: Actor,
    project_id: str,
    name: str,
    kind: TenderKind | str,
    method: ProcurementMethod | str,
    organisation: str,
    estimate: Decimal,
    lots: Sequence[LotSpec],
    agent_org_id: str | None = None,
    suite: str = "gm",
    two_envelope: bool = False,
    prequalification: bool = False,
    backup_key_remedy: bool = False,
    price_ceiling: Decimal | None = None,
    reference_price: Decimal | None = None,
    invitees: Sequence[str] = (),
    invitation_grounds: str = "",
    merged_estimate: Decimal | None = None,
) -> CreatedTender:
    """A draft tender of one of the actor's projects, with its lots. `mandatory` follows from the must-tender
    verdict for this contract (16号令), which is stored with the tender."""
    owner = require_tenderer(uow, actor, action="create a tender")
    stored_project = get_project(uow.conn, project_id)
    if stored_project.owner_org_id != owner:
        raise Forbidden(
            f"project {stored_project.project.code} belongs to another organisation",
            field="project_id",
            code="other_organisation",
        )
    if agent_org_id:
        _check_organisation(uow, agent_org_id, OrgKind.AGENT, "agent_org_id", "the agency")
    for index, invitee in enumerate(invitees):
        _check_organisation(uow, invitee, OrgKind.BIDDER, f"invitees[{index}]", "invitee")
    if not lots:
        raise ValidationFailed("a tender needs at least one lot (标段/包)", field="lots")
    now = uow.clock.now()
    rules = packaged_rules()
    kind = TenderKind(kind)
    verdict = must_tender_check(
        stored_project.project,
        kind=kind,
        contract_estimate=estimate,
        merged_estimate=merged_estimate,
        on=local_day(now),
        rules=rules,
    )
    tender = new_tender(
        id=new_id(),
        project=stored_project.project,
        seq=next_tender_seq(uow.conn, project_id),
        name=name,
        tenderer_org_id=owner,
        kind=kind,
        method=ProcurementMethod(method),
        organisation=organisation,  # type: ignore[arg-type]
        agent_org_id=agent_org_id,
        estimate=estimate,
        mandatory=verdict.must_tender,
        suite=suite,  # type: ignore[arg-type]
        two_envelope=two_envelope,
        prequalification=prequalification,
        backup_key_remedy=backup_key_remedy,
        price_ceiling=price_ceiling,
        reference_price=reference_price,
        invitees=tuple(invitees),
        invitation_grounds=invitation_grounds,
    )
    uow.audit.object_id = tender.id  # type: ignore[attr-defined]
    book = book_for(tender, rules, at=now)
    if tender.method is ProcurementMethod.INVITED:
        check_at_least(len(tender.invitees), book.rule(INVITEES_RULE), field="invitees")
    tender = _with_lots(tender, lots, book)
    record = verdict_record(verdict, now)
    try:
        with uow.conn.begin_nested():
            stored = insert_tender(uow.conn, tender, project_id=project_id, verdict=record, now=now)
    except IntegrityError:
        raise Conflict(f"tender number {tender.number} is taken: try again", field="number") from None
    lot_ids = tuple(stored.lot_id(lot.number) for lot in tender.lots)
    return CreatedTender(tender.id, tender.number, lot_ids, verdict.must_tender, record)


def _with_lots(tender: TenderProject, lots: Sequence[LotSpec], book: RuleBook, first_seq: int = 1) -> TenderProject:
    for offset, spec in enumerate(lots):
        field = f"lots[{offset}].bond_amount"
        check_bond_amount(
            parse_yuan(spec.bond_amount, field=field),
            parse_yuan(spec.estimate, field=f"lots[{offset}].estimate"),
            book,
            field=field,
        )
        tender = add_lot(
            tender,
            seq=first_seq + offset,
            name=spec.name,
            estimate=spec.estimate,
            bond_amount=spec.bond_amount,
            book=book,
        )
    return tender


@use_case("tendering.add_lot", object_type="tender")
def do_add_lot(*, uow: UnitOfWork, actor: Actor, tender_id: str, lot: LotSpec) -> str:
    """One more lot on a draft tender (lots are fixed once the notice is out); returns the lot's id."""
    working = load_for_change(
        uow, tender_id, check=lambda tender: require_tender_party(uow, actor, tender, action="add a lot")
    )
    book = book_for(working.tender, packaged_rules(), at=working.now)
    seq = max((existing.seq for existing in working.tender.lots), default=0) + 1
    working.tender = _with_lots(working.tender, [lot], book, first_seq=seq)
    stored = save(uow, working)
    return stored.lot_id(working.tender.lots[-1].number)
