"""Bidding API (/api/v1): a lot's bid requirements, sealed-bid upload (streamed), the bidder's own bid, withdrawal,
receipts' inclusion proofs, and — after the deadline only — lists and counts. Thin: parse, call, render.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Header, Request, status
from starlette.requests import ClientDisconnect

from zhaocai.audit.proofs import inclusion_proof
from zhaocai.bidding import queries
from zhaocai.bidding.checks import expected_sections
from zhaocai.bidding.intake import UploadInterrupted
from zhaocai.bidding.policy import bidding_policy
from zhaocai.bidding.schemas import (
    BidCountOut,
    BidOut,
    BidRequirementsOut,
    MyBidOut,
    ReceiptOut,
    WithdrawalIn,
)
from zhaocai.bidding.submission import submit_application, submit_bid
from zhaocai.bidding.withdrawal import withdraw_application, withdraw_bid
from zhaocai.bidding.withdrawal_notice import SignedWithdrawal
from zhaocai.core.errors import DomainError
from zhaocai.tendering.queries import bidding_terms
from zhaocai.web.auth import RequiredActorDep, audit_refusal
from zhaocai.web.deps import ContainerDep
from zhaocai.web.routing import Id, refusals

router = APIRouter(prefix="/api/v1", tags=["bidding"])
BRIDGE_BLOCK = 1024 * 1024
UPLOAD_THREADS = 32
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="retrying with the same key and envelope returns the same receipt; another envelope: 409",
    ),
]
_DESCRIPTIONS = {
    401: "not authenticated",
    403: "not allowed: role, organisation, restriction, or secret until the deadline (the rule is named)",
    404: "no such lot, bid or entry",
    409: "deadline passed, replayed envelope, stale version, not taking bids, idempotency key reused",
    413: "the envelope exceeds the platform's size limit",
    422: "not an envelope, or a fault in it (the envelope error code is named)",
}
_ENVELOPE_BODY = {
    "requestBody": {
        "required": True,
        "description": "the sealed envelope (docs/envelope.md), streamed as is",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


_limiters: list[anyio.CapacityLimiter] = []


def _upload_limiter() -> anyio.CapacityLimiter:
    """Uploads run in threads of their own pool, so that a rush of them never starves the threads that
    authenticate requests and serve reads."""
    if not _limiters:
        _limiters.append(anyio.CapacityLimiter(UPLOAD_THREADS))
    return _limiters[0]


_errors = partial(refusals, _DESCRIPTIONS)


def _content_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    return int(value) if value and value.isdigit() else None


def _body_chunks(request: Request) -> Iterator[bytes]:
    """The request body in blocks of up to BRIDGE_BLOCK bytes, for code running in a worker thread: the event loop
    gathers what the server receives into one block per hop between the loop and the thread, and never holds more."""
    stream = request.stream()

    async def next_block() -> bytes | None:
        parts: list[bytes] = []
        size = 0
        try:
            while size < BRIDGE_BLOCK:
                chunk = await stream.__anext__()
                parts.append(chunk)
                size += len(chunk)
        except StopAsyncIteration:
            if not parts:
                return None
        except ClientDisconnect as exc:
            raise UploadInterrupted(
                "the upload was interrupted before the whole envelope arrived; nothing was stored",
                field="envelope",
            ) from exc
        return b"".join(parts)

    while (block := anyio.from_thread.run(next_block)) is not None:
        if block:
            yield block


@router.get(
    "/lots/{lot_id}/bid-requirements",
    summary="What a bid for this lot must be: suite, sections, backup-key remedy, deadline, size limit",
    responses=_errors(404),
)
def bid_requirements(lot_id: Id, container: ContainerDep) -> BidRequirementsOut:
    with container.engine.connect() as conn:
        terms = bidding_terms(conn, lot_id, at=container.clock.now())
    return BidRequirementsOut(
        tender_id=terms.tender_id,
        tender_number=terms.tender_number,
        lot_id=terms.lot_id,
        lot_number=terms.lot_number,
        lot_name=terms.lot_name,
        suite=terms.suite,
        sections=list(expected_sections(terms.two_envelope)),
        backup_key_remedy=terms.backup_key_remedy,
        bid_deadline=terms.bid_deadline,
        accepting_bids=terms.accepting_bids,
        max_envelope_bytes=bidding_policy(container).max_envelope_bytes,
    )


@router.post(
    "/lots/{lot_id}/bids",
    summary="Submit a sealed bid, or a modification (a higher bid_version), before the deadline",
    status_code=status.HTTP_201_CREATED,
    responses=_errors(401, 403, 404, 409, 413, 422),
    openapi_extra=_ENVELOPE_BODY,
)
async def post_bid(
    lot_id: Id,
    request: Request,
    container: ContainerDep,
    actor: RequiredActorDep,
    idempotency_key: IdempotencyKey = None,
) -> ReceiptOut:
    """The body is the envelope, streamed: refused while it arrives if it is not an envelope, is sealed for another
    lot or by another organisation, or grows past the size limit. The deadline is checked with the platform's clock
    just before the commit. The response is the platform's signed receipt naming the audit entry."""
    run = functools.partial(
        submit_bid,
        container,
        actor,
        lot_id,
        _body_chunks(request),
        idempotency_key=idempotency_key,
        content_length=_content_length(request),
    )
    receipt = await anyio.to_thread.run_sync(run, limiter=_upload_limiter())
    return ReceiptOut(**receipt.to_json())


@router.get(
    "/lots/{lot_id}/my-bid",
    summary="Your organisation's own bid on this lot: status, versions, withdrawals, receipts",
    responses=_errors(401, 404),
)
def get_my_bid(lot_id: Id, container: ContainerDep, actor: RequiredActorDep) -> MyBidOut:
    with container.engine.connect() as conn:
        return MyBidOut.of(queries.my_bid(conn, actor, lot_id))


@router.post(
    "/lots/{lot_id}/my-bid/withdrawal",
    summary="Withdraw your bid before the deadline with a signed withdrawal notice",
    status_code=status.HTTP_201_CREATED,
    responses=_errors(401, 403, 404, 409, 422),
)
def post_withdrawal(lot_id: Id, body: WithdrawalIn, container: ContainerDep, actor: RequiredActorDep) -> ReceiptOut:
    withdrawal = SignedWithdrawal.from_json(body.model_dump())
    return ReceiptOut(**withdraw_bid(container, actor, lot_id, withdrawal).to_json())


def _read_after_deadline(container: Any, actor: Any, request: Request, read: Any) -> Any:
    try:
        with container.engine.connect() as conn:
            return read(conn)
    except DomainError as error:
        if error.status == 404:
            raise
        try:
            audit_refusal(container, actor, request, error)
        except DomainError:
            raise error from None  # the audited refusal, with its citation (audit_refusal re-raises without it)


@router.get(
    "/lots/{lot_id}/bids",
    summary="The bids on a lot — after the deadline only (招标投标法22; 电子招标投标办法27)",
    responses=_errors(401, 403, 404),
)
def get_bids(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[BidOut]:
    now = container.clock.now()
    found = _read_after_deadline(container, actor, request, lambda conn: queries.list_bids(conn, actor, lot_id, now))
    return [BidOut.of(listed) for listed in found]


@router.get(
    "/lots/{lot_id}/bids/count",
    summary="How many bids a lot received — after the deadline only (招标投标法22; 电子招标投标办法27)",
    responses=_errors(401, 403, 404),
)
def get_bid_count(lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> BidCountOut:
    now = container.clock.now()
    count = _read_after_deadline(container, actor, request, lambda conn: queries.count_bids(conn, actor, lot_id, now))
    return BidCountOut(lot_id=lot_id, count=count)


@router.post(
    "/tenders/{tender_id}/prequalification/applications",
    summary="Submit a sealed prequalification application (or a higher version of it) before applications are due",
    status_code=status.HTTP_201_CREATED,
    responses=_errors(401, 403, 404, 409, 413, 422),
    openapi_extra=_ENVELOPE_BODY,
)
async def post_application(
    tender_id: Id,
    request: Request,
    container: ContainerDep,
    actor: RequiredActorDep,
    idempotency_key: IdempotencyKey = None,
) -> ReceiptOut:
    """Sealed and submitted exactly like a bid (电子招标投标办法28): the envelope's lot_id is "prequalification", its
    one section `whole`. The time applications are due is checked with the platform's clock just before the commit
    (条例17). The response is the platform's signed receipt naming the audit entry."""
    run = functools.partial(
        submit_application,
        container,
        actor,
        tender_id,
        _body_chunks(request),
        idempotency_key=idempotency_key,
        content_length=_content_length(request),
    )
    receipt = await anyio.to_thread.run_sync(run, limiter=_upload_limiter())
    return ReceiptOut(**receipt.to_json())


@router.get(
    "/tenders/{tender_id}/prequalification/my-application",
    summary="Your organisation's own prequalification application: status, versions, withdrawals, receipts",
    responses=_errors(401, 404, 409),
)
def get_my_application(tender_id: Id, container: ContainerDep, actor: RequiredActorDep) -> MyBidOut:
    with container.engine.connect() as conn:
        return MyBidOut.of(queries.my_application(conn, actor, tender_id))


@router.post(
    "/tenders/{tender_id}/prequalification/my-application/withdrawal",
    summary="Withdraw your prequalification application before applications are due, with a signed notice",
    status_code=status.HTTP_201_CREATED,
    responses=_errors(401, 403, 404, 409, 422),
)
def post_application_withdrawal(
    tender_id: Id, body: WithdrawalIn, container: ContainerDep, actor: RequiredActorDep
) -> ReceiptOut:
    """The notice names lot_id "prequalification", the application (bid_id) and its latest version (办法28: handled
    like a bid's withdrawal). The response is the platform's signed receipt naming the audit entry."""
    withdrawal = SignedWithdrawal.from_json(body.model_dump())
    return ReceiptOut(**withdraw_application(container, actor, tender_id, withdrawal).to_json())


@router.get(
    "/tenders/{tender_id}/prequalification/applications",
    summary="Who applied for prequalification — once applications are due only (招标投标法22; 电子招标投标办法27, 28)",
    responses=_errors(401, 403, 404, 409),
)
def get_applications(tender_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> list[BidOut]:
    now = container.clock.now()
    found = _read_after_deadline(
        container, actor, request, lambda conn: queries.list_applications(conn, actor, tender_id, now)
    )
    return [BidOut.of(listed) for listed in found]


@router.get(
    "/receipts/{entry_id}/proof",
    summary="The inclusion proof of a receipt's audit entry (once the next checkpoint is signed; 409 until then)",
    responses=_errors(401, 404, 409),
)
def get_receipt_proof(entry_id: Id, container: ContainerDep, actor: RequiredActorDep) -> dict[str, Any]:
    with container.engine.connect() as conn:
        queries.check_proof_reader(conn, actor, entry_id)
        return inclusion_proof(conn, entry_id=entry_id)
