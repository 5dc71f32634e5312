"""Use cases on bid bonds: a bidder's basic account, its payment reference code for a lot, its electronic guarantee;
the operator's bank-statement import and refund records; the refund job. Each runs in one transaction and is
audited (zhaocai.usecase). `record_bid_withdrawn` runs inside bidding's withdrawal use case.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from zhaocai.adapters.blob.port import BlobRef, BlobStore
from zhaocai.adapters.db.uow import UnitOfWork, UnitOfWorkFactory
from zhaocai.bidding.checks import check_accepting, check_may_bid
from zhaocai.bidding.eligibility import bidder_organisation
from zhaocai.bonds import matching, notices, repository
from zhaocai.bonds.lots import LotCache, lot_bond
from zhaocai.bonds.model import (
    BasicAccount,
    GuaranteeDraft,
    PaymentStatus,
    RefundState,
    normalise_account_number,
    normalise_name,
    reference_code,
    validate_guarantee,
)
from zhaocai.bonds.refunds import check_refund, record_bid_withdrawn
from zhaocai.bonds.statement import Problem, StatementRow, parse_statement
from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.core.clock import Clock
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.identity import repository as identity_repository
from zhaocai.identity.access import is_system, require_role, require_user
from zhaocai.identity.model import Role
from zhaocai.usecase import use_case

__all__ = [
    "ImportResult",
    "do_check_bond_refund",
    "do_import_bond_statement",
    "do_issue_bond_reference",
    "do_process_bond_refunds",
    "do_record_bond_guarantee",
    "do_record_bond_refund",
    "do_register_basic_account",
    "record_bid_withdrawn",
    "store_statement",
]

OPERATOR = Role.PLATFORM_OPERATOR.value
MAX_STATEMENT_BYTES = 10 * 1024 * 1024


# --- the bidder's basic account (基本账户) ---------------------------------------------------------------------------


@use_case("bonds.register_basic_account", object_type="organisation")
def do_register_basic_account(
    *, uow: UnitOfWork, actor: Actor, org_id: str, account_number: str, account_name: str, bank_name: str
) -> BasicAccount:
    """Record the organisation's basic account (its own users, or the platform operator). The account must be in
    the organisation's registered name. Transfers refused because no basic account was known are decided again,
    for lots whose bid deadline has not passed (after it, a bond cannot be put right)."""
    if not is_system(actor):
        require_user(actor)
        if not (actor.has_role(OPERATOR) or actor.org_id == org_id):
            raise Forbidden(
                "an organisation's basic account is recorded by its own users or the platform operator",
                field="org_id",
                code="other_organisation",
            )
    org = identity_repository.get_organisation(uow.conn, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}", field="org_id")
    name = " ".join(account_name.split())
    if normalise_name(name) != normalise_name(org.name):
        raise ValidationFailed(
            "a basic account (基本存款账户) is in the organisation's own registered name", field="account_name"
        )
    bank = " ".join(bank_name.split())
    if not bank:
        raise ValidationFailed("the bank (开户行) is required", field="bank_name")
    account = BasicAccount(org_id, normalise_account_number(account_number), name, bank)
    now = uow.clock.now()
    repository.put_basic_account(uow.conn, account, at=now, by=actor.user_id)
    _redecide_unknown_account(uow, org_id, now)
    return account


def _redecide_unknown_account(uow: UnitOfWork, org_id: str, now: datetime) -> None:
    lots = LotCache(uow.conn, now)
    for payment in repository.payments_by_org_and_reason(uow.conn, org_id, matching.UNKNOWN_BASIC_ACCOUNT):
        assert payment.lot_id is not None
        if lots(payment.lot_id).deadline_passed(now):
            continue
        row = _row_of(payment)
        decision = matching.decide(uow.conn, row, lots(payment.lot_id), org_id)
        if decision.reason_code != matching.UNKNOWN_BASIC_ACCOUNT:
            repository.redecide_payment(uow.conn, payment.id, decision, at=now)
            notices.payment_decided(uow, lots(payment.lot_id), org_id, row, decision)


def _row_of(payment: repository.Payment) -> StatementRow:
    return StatementRow(
        row_number=payment.row_number,
        bank_reference=payment.bank_reference,
        value_date=payment.value_date,
        value_at=payment.value_at,
        amount=payment.amount,
        payer_account_name=payment.payer_account_name,
        payer_account_number=payment.payer_account_number,
        payer_bank=payment.payer_bank,
        remark=payment.remark,
        credited_account=payment.credited_account,
    )


# --- the bidder's reference code and guarantee ------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedReference:
    lot_id: str
    code: str
    amount: Decimal
    pay_before: datetime


@use_case("bonds.issue_reference", object_type="lot")
def do_issue_bond_reference(*, uow: UnitOfWork, actor: Actor, lot_id: str) -> IssuedReference:
    """The code the bidder writes in its transfer's remark (附言), or pays to as a virtual sub-account, so that the
    payment is matched to it and this lot. The same code every time it asks; only it ever sees it."""
    org = bidder_organisation(uow, actor, action="asking for a bond payment reference")
    now = uow.clock.now()
    lot = lot_bond(uow.conn, lot_id, at=now)
    check_accepting(lot.terms, now)
    check_may_bid(lot.terms, org.id)
    problem = lot.requirement_error()
    if problem is not None:
        raise problem
    existing = repository.reference_for(uow.conn, lot_id, org.id)
    if existing is None:
        existing = repository.Reference(lot_id, org.id, _fresh_code(uow), now)
        repository.insert_reference(uow.conn, existing, by=actor.user_id)
    assert lot.deadline is not None
    return IssuedReference(lot_id, existing.code, lot.required, lot.deadline)


def _fresh_code(uow: UnitOfWork) -> str:
    while True:
        code = reference_code(f"{secrets.randbelow(10**10):010d}")
        if not repository.code_taken(uow.conn, code):
            return code


@use_case("bonds.record_guarantee", object_type="lot")
def do_record_bond_guarantee(
    *,
    uow: UnitOfWork,
    actor: Actor,
    lot_id: str,
    issuer: str,
    number: str,
    amount: Decimal,
    beneficiary: str,
    valid_from: date,
    valid_until: date,
    verification_code: str,
) -> repository.Guarantee:
    """Record an electronic guarantee (电子保函) as the bidder's bond for the lot, before the bid deadline. A new one
    replaces the one in use; recording the same one again changes nothing."""
    org = bidder_organisation(uow, actor, action="recording a bond guarantee")
    now = uow.clock.now()
    lot = lot_bond(uow.conn, lot_id, at=now)
    check_accepting(lot.terms, now)
    check_may_bid(lot.terms, org.id)
    assert lot.deadline is not None
    draft = validate_guarantee(
        GuaranteeDraft(issuer, number, amount, beneficiary, valid_from, valid_until, verification_code),
        required=lot.required,
        tenderer_name=lot.tenderer_name(uow.conn),
        deadline=lot.deadline,
        cover_until=lot.cover_until(),
    )
    current = repository.guarantee_in_use(uow.conn, lot_id, org.id)
    if current is not None and (normalise_name(current.issuer), current.number) == (
        normalise_name(draft.issuer),
        draft.number,
    ):
        return current
    guarantee = repository.Guarantee(
        id=new_id(),
        lot_id=lot_id,
        bidder_org_id=org.id,
        issuer=draft.issuer,
        number=draft.number,
        amount=draft.amount,
        beneficiary=draft.beneficiary,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
        verification_code=draft.verification_code,
        recorded_at=now,
        superseded_at=None,
        refund_id=None,
    )
    repository.insert_guarantee(uow.conn, guarantee, by=actor.user_id)
    return guarantee


# --- the operator's bank-statement import -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    statement: repository.Statement
    problems: tuple[Problem, ...]
    already_imported: bool


def store_statement(blobs: BlobStore, data: bytes) -> BlobRef:
    """Keep the statement file itself (content-addressed, durable) before the import that reads it commits."""
    return blobs.put_bytes(data, max_bytes=MAX_STATEMENT_BYTES)


@use_case("bonds.import_statement", object_type="bond_statement")
def do_import_bond_statement(
    *, uow: UnitOfWork, actor: Actor, blob: BlobRef, data: bytes, filename: str | None = None
) -> ImportResult:
    """Import a statement of the bond account (CSV, docs/bonds.md) whose bytes `data` were stored as `blob`
    (`store_statement`). Each row not seen before (by bank reference) is matched and decided. Rows already imported
    are skipped, so importing a file again, or an overlapping one, changes nothing twice. Unreadable rows are kept
    as problems naming their row and column."""
    require_role(actor, OPERATOR, action="importing a bank statement")
    if blob.key != hashlib.sha256(data).hexdigest():
        raise ValidationFailed("the stored statement is not these bytes", field="blob")
    parsed = parse_statement(data)
    known = repository.statement_by_blob(uow.conn, blob.key)
    if known is not None:
        return ImportResult(known, tuple(repository.statement_problems(uow.conn, known.id)), already_imported=True)
    now = uow.clock.now()
    statement_id = new_id()
    problems = list(parsed.problems)
    fresh: list[StatementRow] = []
    seen: dict[str, StatementRow] = {}
    rows_known = 0
    for row in parsed.rows:
        first = seen.get(row.bank_reference)
        stored = repository.payment_by_bank_reference(uow.conn, row.bank_reference) if first is None else None
        earlier_hash = first.content_hash if first else (stored.content_hash if stored else None)
        if earlier_hash is None:
            seen[row.bank_reference] = row
            fresh.append(row)
        elif earlier_hash == row.content_hash:
            rows_known += 1
        else:
            where = f"row {first.row_number} of this file" if first else "an earlier statement"
            problems.append(
                Problem(
                    row.row_number,
                    "bank_reference",
                    f"bank reference {row.bank_reference} is already in "
                    f"{where} with different content; the first is kept",
                )
            )
    statement = repository.Statement(
        id=statement_id,
        blob_key=blob.key,
        size=blob.size,
        filename=(filename or "")[:255] or None,
        encoding=parsed.encoding,
        imported_at=now,
        imported_by=actor.user_id,
        rows_total=parsed.rows_total,
        rows_new=len(fresh),
        rows_known=rows_known,
    )
    problems.sort(key=lambda p: (p.row_number, p.column))
    repository.insert_statement(uow.conn, statement, problems)
    lots = LotCache(uow.conn, now)
    for row in fresh:
        match, decision = matching.match_row(uow.conn, row, lots)
        repository.insert_payment(uow.conn, statement_id, row, decision, match, at=now)
        if match is not None and decision.status is not PaymentStatus.HELD:
            notices.payment_decided(uow, lots(match[0]), match[1], row, decision)
    return ImportResult(statement, tuple(problems), already_imported=False)


# --- refunds -----------------------------------------------------------------------------------------------------


@use_case("bonds.record_refund", object_type="bond_refund")
def do_record_bond_refund(
    *, uow: UnitOfWork, actor: Actor, refund_id: str, bank_reference: str | None = None
) -> repository.Refund:
    """The platform operator records that a bond was refunded (and its guarantee released). A refund made after its
    period ended is recorded as late and flagged."""
    require_role(actor, OPERATOR, action="recording a bond refund")
    refund = repository.get_refund(uow.conn, refund_id, for_update=True)
    if refund.state is RefundState.REFUNDED:
        raise Conflict(f"bond refund {refund_id} is already recorded as made", field="refund_id", code="refunded")
    reference = (bank_reference or "").strip() or None
    if refund.amount > 0 and reference is None:
        raise ValidationFailed("a cash refund names the bank reference of the transfer back", field="bank_reference")
    now = uow.clock.now()
    late = now >= refund.overdue_at
    if late and refund.overdue_flagged_at is None:
        check_refund(uow, refund_id, now=now)  # flags it (and reports it if the deadline has passed)
    repository.update_refund(
        uow.conn,
        refund_id,
        state=RefundState.REFUNDED,
        refunded_at=now,
        refunded_by=actor.user_id,
        refund_bank_reference=reference,
        refunded_late=late,
    )
    check_refund(uow, refund_id, now=now)
    return repository.get_refund(uow.conn, refund_id)


@use_case("bonds.check_refund", object_type="bond_refund")
def do_check_bond_refund(*, uow: UnitOfWork, actor: Actor, refund_id: str) -> list[str]:
    """The refund job's step for one refund: remind, flag overdue, report — whatever is due (idempotent)."""
    require_role(actor, OPERATOR, action="checking a bond refund")
    return check_refund(uow, refund_id, now=uow.clock.now())


def do_process_bond_refunds(*, uow_factory: UnitOfWorkFactory, clock: Clock, limit: int = 1000) -> dict[str, list[str]]:
    """Check every refund whose next check has come, each in its own transaction; what each one did."""
    done: dict[str, list[str]] = {}
    now = clock.now()
    with uow_factory() as uow:
        due = repository.due_refund_ids(uow.conn, now, limit=limit)
    for refund_id in due:
        digest = hashlib.sha256(f"bond-refund:{refund_id}:{now.isoformat()}".encode()).hexdigest()
        steps = do_check_bond_refund(uow=uow_factory(), actor=SYSTEM.with_payload_hash(digest), refund_id=refund_id)
        if steps:
            done[refund_id] = steps
    return done
