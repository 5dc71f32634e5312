"""The contract (合同): drafted by the tender side from the tender and the winning bid, checked against them (price =
the winning bid's corrected price, duration, quality, project manager: 条例57; performance bond ≤ 10%: 条例58),
signed online by both parties — each with its certificate, over the contract's canonical document — within
contract_signing_days of the award notice (法46, tracked). When the second party signs, every bidder's bond refund
is opened with deposit interest (条例57, award/refunds.py).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from zhaocai.adapters.db.tables.award import award_contract_signatures, award_contracts
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award import messages, repository
from zhaocai.award.access import tender_side_lot
from zhaocai.award.context import LotContext, load_lot, organisation
from zhaocai.award.env import AwardEnv
from zhaocai.award.model import ContractTerms, WinningBid, check_terms
from zhaocai.award.model.citations import CONTRACT_PERIOD
from zhaocai.award.model.progress import Act
from zhaocai.award.notices import AWARD, CONTRACT_RULE
from zhaocai.award.refunds import open_contract_refunds
from zhaocai.award.signing import verify_party_signature
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict, Forbidden
from zhaocai.core.ids import new_id
from zhaocai.core.money import amount_in_words
from zhaocai.exchange.outbox import emit
from zhaocai.identity.model import Role
from zhaocai.rules.periods import last_day, period_end
from zhaocai.tendering.access import is_tender_party
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case

FORMAT = "zhaocai-contract/1"
BOND_RULE = "performance_bond_max_ratio"
TENDERER = "tenderer"
WINNER = "winner"


def contract_document(
    ctx: LotContext, uow: UnitOfWork, *, contract_id: str, terms: ContractTerms, drafted_at: datetime
) -> bytes:
    award = ctx.award
    assert award is not None
    tenderer = organisation(uow.conn, ctx.tender.tenderer_org_id)
    winner = organisation(uow.conn, award.winner_org_id)
    notice = next(n for n in repository.notices_of(uow.conn, award.id) if n.kind == AWARD)
    return canonical_json(
        {
            "format": FORMAT,
            "contract_id": contract_id,
            "project_code": ctx.tender.project_code,
            "tender": {"id": ctx.tender.id, "number": ctx.tender.number, "name": ctx.tender.name},
            "lot": {"id": ctx.lot_id, "number": ctx.lot.number, "name": ctx.lot.name},
            "tenderer": {"name": tenderer.name, "credit_code": tenderer.credit_code},
            "winner": {"name": winner.name, "credit_code": winner.credit_code, "bid_id": award.winner_bid_id},
            "award_id": award.id,
            "evaluation_report_id": award.report_id,
            "award_notice": {"id": notice.id, "pdf_sha256": notice.pdf_key},
            "price": str(terms.price),
            "price_in_words": amount_in_words(terms.price),
            "performance_bond": str(terms.performance_bond),
            "duration_days": terms.duration_days,
            "quality": terms.quality,
            "project_manager": terms.project_manager,
            "clauses": terms.clauses.strip(),
            "drafted_at": drafted_at.isoformat(),
        }
    )


@use_case("award.draft_contract", object_type="lot")
def do_draft_contract(*, uow: UnitOfWork, actor: Actor, lot_id: str, terms: ContractTerms) -> str:
    """Draft (or, while nobody has signed, redraft) the lot's contract; returns its id."""
    now = uow.clock.now()
    ctx = tender_side_lot(uow, actor, lot_id, at=now, action="draft the contract")
    ctx.allow(Act.DRAFT_CONTRACT)
    award = ctx.award
    assert award is not None and award.notices_sent_at is not None
    winner = ctx.candidate(award.winner_bid_id)
    check_terms(
        terms,
        WinningBid(winner.bid_price, winner.duration_days, winner.quality, winner.project_manager),
        ctx.book.rule(BOND_RULE),
    )
    existing = repository.contract_of_lot(uow.conn, lot_id)
    if existing is not None and repository.contract_signatures(uow.conn, existing.id):
        raise Conflict(
            "a party has signed the contract already: it can no longer be redrafted",
            field="lot_id",
            code="contract_signed",
        )
    contract_id = existing.id if existing is not None else new_id()
    rule = ctx.book.rule(CONTRACT_RULE)
    values = {
        "document": contract_document(ctx, uow, contract_id=contract_id, terms=terms, drafted_at=now),
        "price": str(terms.price),
        "performance_bond": str(terms.performance_bond),
        "drafted_at": now,
        "drafted_by": actor.user_id,
        "signing_due_day": last_day(award.notices_sent_at, rule, calendar=ctx.book.calendar),
        "signing_overdue_at": period_end(award.notices_sent_at, rule, calendar=ctx.book.calendar),
    }
    uow.audit.object_type = "contract"  # type: ignore[attr-defined]
    uow.audit.object_id = contract_id  # type: ignore[attr-defined]
    if existing is None:
        repository.add(
            uow.conn,
            award_contracts,
            id=contract_id,
            award_id=award.id,
            tender_id=ctx.tender.id,
            lot_id=lot_id,
            **values,
        )
    else:
        repository.change(uow.conn, award_contracts, contract_id, **values)
    notify_organisations(
        uow,
        [award.winner_org_id],
        subject=f"合同待签 the contract for {ctx.tender.number} 标段 {ctx.lot.number} is ready to sign",
        body=f"Sign it with your certificate by {values['signing_due_day']} ({CONTRACT_PERIOD}): "
        f"GET /api/v1/contracts/{contract_id}/document, then POST /api/v1/contracts/{contract_id}/signatures.",
    )
    return contract_id


def _party(actor: Actor, ctx: LotContext) -> tuple[str, str]:
    award = ctx.award
    assert award is not None
    if is_tender_party(actor, ctx.tender):
        return TENDERER, ctx.tender.tenderer_org_id
    if actor.org_id == award.winner_org_id and actor.has_role(Role.BIDDER.value):
        return WINNER, award.winner_org_id
    raise Forbidden(
        "only the tenderer (or its agency) and the winning bidder sign the contract",
        field="contract_id",
        code="not_a_party",
    )


@use_case("award.sign_contract", object_type="contract")
def do_sign_contract(
    *, uow: UnitOfWork, actor: Actor, contract_id: str, certificate: bytes, signature: bytes, env: AwardEnv
) -> str:
    """One party's signature over the contract's document; the second one concludes the contract. Returns the
    signing party ("tenderer" | "winner")."""
    now = uow.clock.now()
    contract = repository.get_contract(uow.conn, contract_id)
    ctx = load_lot(uow.conn, contract.lot_id, at=now)
    ctx.allow(Act.SIGN_CONTRACT)
    party, org_id = _party(actor, ctx)
    signed = repository.contract_signatures(uow.conn, contract_id)
    if any(row.party == party for row in signed):
        raise Conflict(f"the {party} has already signed this contract", field="contract_id", code="already_signed")
    verified = verify_party_signature(
        env.trust,
        certificate=certificate,
        data=contract.document,
        signature=signature,
        suite=ctx.terms.suite,
        at=now,
        party=organisation(uow.conn, org_id),
        role=party,
    )
    repository.add(
        uow.conn,
        award_contract_signatures,
        id=new_id(),
        contract_id=contract_id,
        party=party,
        org_id=org_id,
        signature=signature,
        signature_algorithm=verified.public_key.algorithm,
        signer_certificate=verified.certificate_der,
        signer_fingerprint=verified.fingerprint,
        signed_at=now,
        signed_by=actor.user_id,
    )
    if signed:  # the other party signed before: the contract is concluded
        conclude(uow, ctx, contract, now, env)
    return party


def conclude(uow: UnitOfWork, ctx: LotContext, contract: repository.ContractRow, now: datetime, env: AwardEnv) -> None:
    late = now >= contract.signing_overdue_at
    repository.change(uow.conn, award_contracts, contract.id, signed_at=now, signed_late=late)
    refunds = open_contract_refunds(
        uow, ctx, contract_id=contract.id, signed_at=now, annual_rate=env.deposit_interest_rate
    )
    award = ctx.award
    assert award is not None
    winner = organisation(uow.conn, award.winner_org_id)
    emit(
        uow,
        messages.CONTRACT_SIGNED,
        messages.lot_items(ctx, now)
        | {
            "CONTRACT_ID": contract.id,
            "CONTRACT_SIGN_TIME": messages.moment(now),
            "CONTRACT_AMOUNT": contract.price,
            "PERFORMANCE_BOND": contract.performance_bond,
            "WIN_BIDDER_NAME": winner.name,
            "WIN_BIDDER_CODE": winner.credit_code,
            "SIGNED_LATE": late,
            "CONTRACT_SHA256": hashlib.sha256(contract.document).hexdigest(),
            "BOND_REFUNDS_OPENED": len(refunds),
        },
        object_type="contract",
        object_id=contract.id,
    )
    notify_organisations(
        uow,
        [ctx.tender.tenderer_org_id, award.winner_org_id],
        subject=f"合同已签订 the contract for {ctx.tender.number} 标段 {ctx.lot.number} is signed by both parties",
        body=f"Contract {contract.id} ({contract.price} yuan) is concluded. Bid bonds are refunded within 5 days, "
        "with bank-deposit interest (条例57).",
    )
