"""Registering a tender project (招标项目登记) and its lots, and the checks it must pass before its notice goes out."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from zhaocai.core.codes import derive_lot_code, derive_tender_code
from zhaocai.core.errors import Conflict, ValidationFailed
from zhaocai.core.money import parse_yuan
from zhaocai.rules import check_at_least
from zhaocai.tendering.model import citations
from zhaocai.tendering.model.bond import check_bond_amount
from zhaocai.tendering.model.project import Project, positive_yuan, required_text
from zhaocai.tendering.model.rulebook import RuleBook
from zhaocai.tendering.model.states import State
from zhaocai.tendering.model.tender import (
    CryptoSuite,
    Lot,
    OrganisationForm,
    ProcurementMethod,
    TenderKind,
    TenderProject,
    restarted,
)

TENDER_NUMBER_PATTERN = "{project}-{seq:03d}"
LOT_NUMBER_PATTERN = "{tender}-{seq:03d}"
INVITEES_RULE = "invited_tender_min_invitees"


def new_tender(
    *,
    id: str,
    project: Project,
    seq: int,
    name: str,
    tenderer_org_id: str,
    kind: TenderKind,
    method: ProcurementMethod,
    organisation: OrganisationForm,
    estimate: Decimal | int | str,
    mandatory: bool,
    agent_org_id: str | None = None,
    suite: CryptoSuite = CryptoSuite.GM,
    two_envelope: bool = False,
    prequalification: bool = False,
    backup_key_remedy: bool = False,
    price_ceiling: Decimal | int | str | None = None,
    reference_price: Decimal | int | str | None = None,
    invitees: tuple[str, ...] = (),
    invitation_grounds: str = "",
    number_pattern: str = TENDER_NUMBER_PATTERN,
) -> TenderProject:
    """A draft tender of `project`, numbered from the project code by `number_pattern` (platform configuration).
    `mandatory` is the must-tender verdict (must_tender_check)."""
    method = ProcurementMethod(method)
    organisation = OrganisationForm(organisation)
    if organisation is OrganisationForm.AGENCY and not (agent_org_id or "").strip():
        raise ValidationFailed(
            "a tender run by an agency (委托招标) must name the agency (招标代理机构)",
            field="agent_org_id",
            citation=citations.AGENCY,
        )
    if organisation is OrganisationForm.SELF_RUN and agent_org_id:
        raise ValidationFailed(
            "a self-run tender (自行招标) has no agency", field="agent_org_id", citation=citations.AGENCY
        )
    ceiling = positive_yuan(price_ceiling, "price_ceiling", "the price ceiling") if price_ceiling is not None else None
    reference = positive_yuan(reference_price, "reference_price", "the 标底") if reference_price is not None else None
    if method is ProcurementMethod.OPEN and invitees:
        raise ValidationFailed("an open tender (公开招标) invites nobody", field="invitees")
    if len(set(invitees)) != len(invitees):
        raise ValidationFailed("each invitee is invited once", field="invitees")
    tender = TenderProject(
        id=id,
        project_code=project.code,
        seq=seq,
        number=derive_tender_code(project.code, seq, number_pattern),
        name=required_text(name, "name", "the tender's name"),
        tenderer_org_id=required_text(tenderer_org_id, "tenderer_org_id", "the tenderer"),
        kind=TenderKind(kind),
        method=method,
        organisation=organisation,
        agent_org_id=agent_org_id or None,
        estimate=positive_yuan(estimate, "estimate", "the estimate (估算价)"),
        mandatory=mandatory,
        state_controlled=project.funding.state_controlled,
        suite=CryptoSuite(suite),
        two_envelope=two_envelope,
        prequalification=prequalification,
        backup_key_remedy=backup_key_remedy,
        price_ceiling=ceiling,
        reference_price=reference,
        invitees=tuple(invitees),
        invitation_grounds=invitation_grounds.strip(),
    )
    check_open_tender_required(tender)
    return tender


def check_open_tender_required(tender: TenderProject) -> None:
    """A state-controlled project that must be tendered uses open tender, unless 条例8 grounds for inviting are
    stated (few possible bidders; open tender too costly for the contract)."""
    invited = tender.method is ProcurementMethod.INVITED
    if invited and tender.mandatory and tender.state_controlled and not tender.invitation_grounds:
        raise ValidationFailed(
            "a state-controlled project that must be tendered uses open tender (公开招标); state the 条例8 grounds "
            "for inviting",
            field="invitation_grounds",
            citation=citations.OPEN_TENDER_REQUIRED,
        )


def add_lot(
    tender: TenderProject,
    *,
    seq: int,
    name: str,
    estimate: Decimal | int | str,
    bond_amount: Decimal | int | str,
    book: RuleBook,
    number_pattern: str = LOT_NUMBER_PATTERN,
) -> TenderProject:
    """The draft with one more lot (标段/包), numbered from the tender number. Lots are fixed once the notice is out."""
    if tender.state is not State.DRAFT:
        raise Conflict(
            f"lots can be added only to a draft tender, not in state {tender.state}",
            field="state",
            code="illegal_state",
            detail={"state": str(tender.state)},
        )
    if any(lot.seq == seq for lot in tender.lots):
        raise Conflict(f"the tender already has lot {seq}", field="seq")
    lot_estimate = positive_yuan(estimate, "estimate", "the lot estimate (估算价)")
    bond = parse_yuan(bond_amount, field="bond_amount")
    check_bond_amount(bond, lot_estimate, book)
    lot = Lot(
        seq=seq,
        number=derive_lot_code(tender.number, seq, number_pattern),
        name=required_text(name, "name", "the lot name"),
        estimate=lot_estimate,
        bond_amount=bond,
    )
    return replace(tender, lots=(*tender.lots, lot))


def check_publishable(tender: TenderProject, book: RuleBook) -> None:
    """What must hold before the notice goes out, under the rules of the publication day: at least one lot, every
    bond within the limits, and for an invited tender enough invitees (法17) and, if required, 条例8 grounds."""
    if not tender.lots:
        raise ValidationFailed("a tender needs at least one lot (标段/包)", field="lots")
    for index, lot in enumerate(tender.lots):
        check_bond_amount(lot.bond_amount, lot.estimate, book, field=f"lots[{index}].bond_amount")
    if tender.method is ProcurementMethod.INVITED:
        check_at_least(len(tender.invitees), book.rule(INVITEES_RULE), field="invitees")
    check_open_tender_required(tender)


def successor_tender(
    tender: TenderProject,
    *,
    id: str,
    seq: int,
    number_pattern: str = TENDER_NUMBER_PATTERN,
    lot_number_pattern: str = LOT_NUMBER_PATTERN,
) -> TenderProject:
    """The draft that re-runs `tender` (重新招标): same project, terms and lots, a new number, a fresh procedure."""
    number = derive_tender_code(tender.project_code, seq, number_pattern)
    lots = tuple(replace(lot, number=derive_lot_code(number, lot.seq, lot_number_pattern)) for lot in tender.lots)
    return replace(restarted(tender), id=id, seq=seq, number=number, lots=lots, predecessor_id=tender.id)
