"""Bond API: a bidder's payment reference, status and e-guarantee for a lot; the lot's bonds for the tender side after
the deadline; basic accounts; the operator's bank-statement import, unresolved payments and refunds.

Thin: parse, call the use case or view, render. Before a lot's bid deadline only the bidder sees its own bond
(bonds.views); every refused read is audited.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Annotated, TypeVar

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status

from zhaocai.bonds import views
from zhaocai.bonds.schemas import (
    BasicAccountIn,
    BasicAccountOut,
    BondStatusOut,
    GuaranteeIn,
    GuaranteeOut,
    ReferenceOut,
    RefundMadeIn,
    RefundWorkOut,
    StatementOut,
    UnresolvedOut,
)
from zhaocai.bonds.service import (
    MAX_STATEMENT_BYTES,
    do_import_bond_statement,
    do_issue_bond_reference,
    do_record_bond_guarantee,
    do_record_bond_refund,
    do_register_basic_account,
    store_statement,
)
from zhaocai.core.errors import TooLarge
from zhaocai.web.auth import RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["bonds"])
T = TypeVar("T")

_DESCRIPTIONS = {
    401: "not authenticated",
    403: "forbidden: role, organisation, or secret until the bid deadline (法22)",
    404: "not found",
    409: "conflicts with the current state (e.g. the bid deadline has passed)",
    413: "the file is too large",
    422: "invalid input (the field and rule are named)",
}


_errors = partial(refusals, _DESCRIPTIONS)


# --- a bidder's bond for a lot -------------------------------------------------------------------------------------


@router.post(
    "/lots/{lot_id}/bond/reference",
    summary="The bidder's payment reference code for the lot (shown only to it; the same code every time)",
    responses=_errors(401, 403, 404, 409, 422),
)
def issue_reference(lot_id: Id, uow: UowDep, actor: RequiredActorDep) -> ReferenceOut:
    return ReferenceOut.of(do_issue_bond_reference(uow=uow, actor=actor, lot_id=lot_id))


@router.get(
    "/lots/{lot_id}/bond",
    summary="The caller's own bond for the lot: coverage, payments and what each counts as, guarantee, refunds",
    responses=_errors(401, 403, 404),
)
def own_bond(
    lot_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> BondStatusOut:
    return BondStatusOut.of(audited_read(container, actor, request, lambda conn: views.own_bond(conn, actor, lot_id)))


@router.post(
    "/lots/{lot_id}/bond/guarantee",
    status_code=status.HTTP_201_CREATED,
    summary="Record an electronic guarantee (电子保函) as the caller's bond for the lot, before the bid deadline",
    responses=_errors(401, 403, 404, 409, 422),
)
def record_guarantee(lot_id: Id, body: GuaranteeIn, uow: UowDep, actor: RequiredActorDep) -> GuaranteeOut:
    guarantee = do_record_bond_guarantee(
        uow=uow,
        actor=actor,
        lot_id=lot_id,
        issuer=body.issuer,
        number=body.number,
        amount=Decimal(body.amount),
        beneficiary=body.beneficiary,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        verification_code=body.verification_code,
    )
    return GuaranteeOut.of(guarantee)


@router.get(
    "/lots/{lot_id}/bonds",
    summary="Every bidder's bond for the lot: after the bid deadline, for the tender side, operator and supervisors",
    responses=_errors(401, 403, 404),
)
def lot_bonds(
    lot_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> list[BondStatusOut]:
    now = container.clock.now()
    found = audited_read(container, actor, request, lambda conn: views.lot_bonds(conn, actor, lot_id, now))
    return [BondStatusOut.of(item) for item in found]


@router.get(
    "/lots/{lot_id}/bonds/{org_id}",
    summary="One bidder's bond for the lot: the bidder itself at any time; the tender side after the deadline",
    responses=_errors(401, 403, 404),
)
def bond_of(
    lot_id: Id, org_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> BondStatusOut:
    now = container.clock.now()
    found = audited_read(
        container,
        actor,
        request,
        lambda conn: views.bond_of(conn, actor, lot_id, org_id, now),
    )
    return BondStatusOut.of(found)


# --- basic accounts ------------------------------------------------------------------------------------------------


@router.put(
    "/bonds/basic-accounts/{org_id}",
    summary="Record the organisation's basic account (基本账户): cash bonds must come from it (条例26)",
    responses=_errors(401, 403, 404, 422),
)
def put_basic_account(org_id: Id, body: BasicAccountIn, uow: UowDep, actor: RequiredActorDep) -> BasicAccountOut:
    account = do_register_basic_account(
        uow=uow,
        actor=actor,
        org_id=org_id,
        account_number=body.account_number,
        account_name=body.account_name,
        bank_name=body.bank_name,
    )
    return BasicAccountOut.of(account)


@router.get(
    "/bonds/basic-accounts/{org_id}",
    summary="The organisation's basic account (its own users, the operator, supervisors)",
    responses=_errors(401, 403, 404),
)
def get_basic_account(
    org_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> BasicAccountOut:
    found = audited_read(container, actor, request, lambda conn: views.basic_account_of(conn, actor, org_id))
    return BasicAccountOut.of(found)


# --- the operator's work -------------------------------------------------------------------------------------------


@router.post(
    "/bonds/statements",
    status_code=status.HTTP_201_CREATED,
    summary="Import a bank statement of the bond account (CSV, docs/bonds.md) (platform_operator)",
    responses={200: {"model": StatementOut, "description": "this file was imported before"}}
    | _errors(401, 403, 413, 422),
)
def import_statement(
    response: Response,
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
    file: Annotated[UploadFile, File(description="the statement, CSV in UTF-8 or GB 18030")],
) -> StatementOut:
    data = file.file.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        raise TooLarge(f"the statement is larger than {MAX_STATEMENT_BYTES} bytes: split it", field="file")
    blob = store_statement(container.blobs, data)
    result = do_import_bond_statement(uow=uow, actor=actor, blob=blob, data=data, filename=file.filename)
    if result.already_imported:
        response.status_code = status.HTTP_200_OK
    with container.uow() as reading:
        view = views.statement_view(reading.conn, actor, result.statement.id, container.clock.now())
    return StatementOut.of(view, already_imported=result.already_imported)


@router.get(
    "/bonds/statements/{statement_id}",
    summary="An imported statement: its problems and the rows not accepted (by bank reference) (platform_operator)",
    responses=_errors(401, 403, 404),
)
def get_statement(
    statement_id: Id, request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep
) -> StatementOut:
    now = container.clock.now()
    found = audited_read(
        container,
        actor,
        request,
        lambda conn: views.statement_view(conn, actor, statement_id, now),
    )
    return StatementOut.of(found)


@router.get(
    "/bonds/unresolved",
    summary="Credits not accepted as bonds, by bank reference; lot and bidder only after the lot's deadline",
    responses=_errors(401, 403),
)
def unresolved(request: Request, container: ContainerDep, uow: UowDep, actor: RequiredActorDep) -> list[UnresolvedOut]:
    now = container.clock.now()
    found = audited_read(container, actor, request, lambda conn: views.unresolved_view(conn, actor, now))
    return [UnresolvedOut.of(row) for row in found]


@router.get(
    "/bonds/refunds",
    summary="Bond refunds by bank transaction and amount; lot and bidder only after the lot's deadline",
    responses=_errors(401, 403),
)
def refunds(
    request: Request,
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
    open_only: Annotated[bool, Query(description="only those not yet made or not yet reported")] = True,
) -> list[RefundWorkOut]:
    now = container.clock.now()
    found = audited_read(
        container,
        actor,
        request,
        lambda conn: views.refunds_view(conn, actor, now, open_only=open_only),
    )
    return [RefundWorkOut.of(work) for work in found]


@router.post(
    "/bonds/refunds/{refund_id}/made",
    summary="Record that a bond was refunded (and its guarantee released) (platform_operator)",
    responses=_errors(401, 403, 404, 409, 422),
)
def refund_made(
    refund_id: Id, container: ContainerDep, uow: UowDep, actor: RequiredActorDep, body: RefundMadeIn | None = None
) -> RefundWorkOut:
    do_record_bond_refund(
        uow=uow, actor=actor, refund_id=refund_id, bank_reference=body.bank_reference if body else None
    )
    with container.uow() as reading:
        return RefundWorkOut.of(views.refund_view(reading.conn, actor, refund_id, container.clock.now()))
