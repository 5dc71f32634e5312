"""Opening API (/api/v1, docs/opening.md): the opening plan, a lot's opening status, the bidder's stored envelope
header (to unwrap its keys locally), handing over keys, objections at the opening, the price stage, the signed
opening record (public once closed), the opened bids and their files. Thin: parse, call, render."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from zhaocai.bidding import repository as bids
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import NotFound
from zhaocai.opening import access, queries
from zhaocai.opening.closing import do_start_price_opening, record_signer
from zhaocai.opening.decrypt import stored_header
from zhaocai.opening.keys import hand_over_keys
from zhaocai.opening.objections import do_answer_opening_objection, do_raise_opening_objection
from zhaocai.opening.plan import do_set_opening_plan
from zhaocai.opening.schemas import (
    AnswerIn,
    EnvelopeHeaderOut,
    HandOverOut,
    KeysIn,
    ObjectionIn,
    ObjectionOut,
    OpenedBidOut,
    OpeningPlanIn,
    OpeningPlanOut,
    OpeningStatusOut,
)
from zhaocai.web.auth import RequiredActorDep
from zhaocai.web.deps import ContainerDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["opening"])
_DESCRIPTIONS = {
    401: "not authenticated",
    403: "not allowed: not the tender side, not a bidder of this opening, not on this lot's committee",
    404: "no such tender, lot, bid, objection or record",
    409: "before the deadline, window closed, lot failed (流标), already decided, not in session, not opened yet",
    422: "a key, section or bid file refused (the error code says which, and the outcome if one was decided)",
}
_errors = partial(refusals, _DESCRIPTIONS)
Stage = Annotated[str | None, Query(pattern=r"^(whole|technical|price)$")]


@router.put(
    "/tenders/{tender_id}/opening-plan",
    summary="Set the opening plan (decryption window, 标底) — tender side, before the deadline",
    responses=_errors(401, 403, 404, 409, 422),
)
def put_opening_plan(
    tender_id: Id, body: OpeningPlanIn, container: ContainerDep, actor: RequiredActorDep
) -> OpeningPlanOut:
    plan = do_set_opening_plan(uow=container.uow(), actor=actor, tender_id=tender_id, **body.model_dump())
    return OpeningPlanOut(**plan.__dict__)


@router.get("/lots/{lot_id}/opening", summary="Where the lot's opening stands", responses=_errors(404))
def get_opening_status(lot_id: Id, container: ContainerDep) -> OpeningStatusOut:
    with container.engine.connect() as conn:
        return OpeningStatusOut(**queries.opening_status(conn, lot_id).__dict__)


@router.get(
    "/lots/{lot_id}/opening/my-envelope-header",
    summary="Your bid's stored envelope header, to unwrap your content keys locally (`zhaocai bidder unwrap`)",
    responses=_errors(401, 404),
)
def get_my_envelope_header(lot_id: Id, container: ContainerDep, actor: RequiredActorDep) -> EnvelopeHeaderOut:
    with container.engine.connect() as conn:
        bid = bids.bid_for(conn, lot_id, actor.org_id) if actor.org_id else None
        if bid is None:
            raise NotFound("your organisation has no bid on this lot", field="lot_id", code="no_bid")
        version = next(v for v in bids.versions_of(conn, bid.id) if v.id == bid.latest_version_id)
    header = stored_header(container.blobs, version.envelope_key, version.header_hash)
    with container.blobs.open(version.envelope_key) as stream:
        prefix = stream.read(header.ciphertext_offset)
    return EnvelopeHeaderOut(bid_id=bid.id, version_id=version.id, header=base64.b64encode(prefix).decode())


@router.post(
    "/lots/{lot_id}/opening/keys",
    summary="Hand over your content keys during the decryption window (电子招标投标办法31)",
    responses=_errors(401, 403, 404, 409, 422),
)
async def post_keys(lot_id: Id, body: KeysIn, container: ContainerDep, actor: RequiredActorDep) -> HandOverOut:
    run = partial(hand_over_keys, container, actor, lot_id, body.decoded())
    result = await anyio.to_thread.run_sync(run)
    return HandOverOut(**{**result.__dict__, "sections": list(result.sections)})


@router.post(
    "/lots/{lot_id}/opening/objections",
    summary="Raise an objection at the opening (条例44) — a bidder of this opening, while it is in session",
    status_code=201,
    responses=_errors(401, 403, 404, 409, 422),
)
def post_objection(lot_id: Id, body: ObjectionIn, container: ContainerDep, actor: RequiredActorDep) -> ObjectionOut:
    out = do_raise_opening_objection(uow=container.uow(), actor=actor, lot_id=lot_id, text=body.text)
    return ObjectionOut(**out.__dict__)


@router.post(
    "/opening-objections/{objection_id}/answer",
    summary="Answer an objection at the opening, on the spot — tender side",
    responses=_errors(401, 403, 404, 409, 422),
)
def post_answer(objection_id: Id, body: AnswerIn, container: ContainerDep, actor: RequiredActorDep) -> ObjectionOut:
    digest = hashlib.sha256(canonical_json({"objection_id": objection_id, "answer": body.answer})).hexdigest()
    out = do_answer_opening_objection(
        uow=container.uow(),
        actor=actor.with_payload_hash(digest),
        objection_id=objection_id,
        answer=body.answer,
        signer=record_signer(container),
    )
    return ObjectionOut(**out.__dict__)


@router.post(
    "/lots/{lot_id}/opening/price-stage",
    summary="Open the price sections of the bids that passed the technical evaluation (two-envelope lots)",
    status_code=201,
    responses=_errors(401, 403, 404, 409),
)
def post_price_stage(lot_id: Id, container: ContainerDep, actor: RequiredActorDep) -> OpeningStatusOut:
    do_start_price_opening(uow=container.uow(), actor=actor, lot_id=lot_id)
    with container.engine.connect() as conn:
        return OpeningStatusOut(**queries.opening_status(conn, lot_id).__dict__)


@router.get(
    "/lots/{lot_id}/opening/record",
    summary="The signed opening record (开标记录), published once the session closed",
    responses=_errors(404),
)
def get_opening_record(lot_id: Id, container: ContainerDep, stage: Stage = None) -> dict[str, Any]:
    with container.engine.connect() as conn:
        return queries.opening_record(conn, lot_id, stage)


@router.get(
    "/lots/{lot_id}/opening/bids",
    summary="The opened bids: tender side, supervisors, operators, this lot's active committee; a bidder its own",
    responses=_errors(401, 403, 404, 409),
)
def get_opened_bids(
    lot_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> list[OpenedBidOut]:
    def read(conn: Any) -> list[Any]:
        return access.visible_bids(conn, actor, lot_id, queries.opened_bids(conn, lot_id))

    return [OpenedBidOut.of(bid) for bid in audited_read(container, actor, request, read)]


@router.get(
    "/lots/{lot_id}/opening/bids/{bid_id}/files/{index}",
    summary="Download one opened file of a bid (the same readers as the opened bids)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **_errors(401, 403, 404, 409)},
)
def download_opened_file(
    lot_id: Id,
    bid_id: Id,
    index: Annotated[int, Path(ge=0, le=100_000)],
    request: Request,
    container: ContainerDep,
    actor: RequiredActorDep,
) -> StreamingResponse:
    def read(conn: Any) -> Any:
        found = access.visible_bids(conn, actor, lot_id, queries.opened_bids(conn, lot_id))
        bid = next((bid for bid in found if bid.bid_id == bid_id), None)
        if bid is None or index >= len(bid.files):
            raise NotFound(f"no opened file {index} of bid {bid_id} that you may read", field="index")
        return bid.files[index]

    opened = audited_read(container, actor, request, read)
    name = quote(opened.name.rsplit("/", 1)[-1])
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}", "Content-Length": str(opened.size)}
    chunks: Iterator[bytes] = container.blobs.iter_chunks(opened.blob_key)
    return StreamingResponse(chunks, media_type="application/octet-stream", headers=headers)
