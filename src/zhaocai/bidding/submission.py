"""Submitting a bid (or a modification: a new, higher version) before the deadline.

`submit_bid` is what the API calls: it checks what it can before reading a byte, streams the envelope into the
blob store through the reader (`intake`), then runs the use case `do_submit_bid`, which decides in one transaction
— reading the clock for the deadline as its very last check before the commit — and finally signs the receipt
(DESIGN principle 5: blob durable → commit with its audit entry → signed receipt).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.tables.bidding import bid_versions
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository
from zhaocai.bidding.checks import (
    check_accepting,
    check_before_deadline,
    check_header,
    check_may_bid,
    check_new_version,
    check_signer_is_bidder,
    replayed_nonce,
)
from zhaocai.bidding.eligibility import admissible, bidder_organisation, check_not_restricted, consortium_members
from zhaocai.bidding.intake import Intake, ReceivedEnvelope, receive_envelope, verify_signer
from zhaocai.bidding.platform_key import platform_signer
from zhaocai.bidding.policy import bidding_policy
from zhaocai.bidding.receipts import SignedReceipt, sign_receipt
from zhaocai.bidding.repository import BidStatus, StoredBid, StoredVersion
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, DomainError, TooLarge
from zhaocai.core.ids import new_id
from zhaocai.crypto.trust import VerifiedCertificate
from zhaocai.identity.env import identity_env
from zhaocai.identity.model import Organisation
from zhaocai.sealing import EnvelopeHeader
from zhaocai.tendering.queries import BiddingTerms, bidding_terms
from zhaocai.usecase import use_case

ACTION = "bidding.submit_bid"


@dataclass(frozen=True)
class Accepted:
    version: StoredVersion
    tender_id: str
    bidder_credit_code: str
    replay: bool  # a retry with the same idempotency key and envelope: nothing new was stored


def _concurrent() -> Conflict:
    return Conflict(
        "another submission of your bid for this lot was committed at the same moment; check your bid's status "
        "(GET my-bid) and submit again if needed",
        field="envelope",
        code="concurrent_submission",
    )


@use_case(ACTION, object_type="bid_version")
def do_submit_bid(
    *, uow: UnitOfWork, actor: Actor, lot_id: str, intake: Intake, idempotency_key: str | None = None
) -> Accepted:
    org = bidder_organisation(uow, actor)
    terms = bidding_terms(uow.conn, lot_id)
    if intake.error is not None:
        raise intake.error
    if intake.envelope is None:
        raise Conflict("the upload was not read; submit it again", field="envelope", code="upload_not_read")
    envelope = intake.envelope
    header = envelope.header
    check_header(header, terms, lot_id=lot_id, bidder_credit_code=org.credit_code)
    if idempotency_key is not None:
        earlier = repository.version_by_idempotency_key(uow.conn, org.id, idempotency_key)
        if earlier is not None:
            return _retry(uow, earlier, envelope.blob.key, terms, org)
    check_accepting(terms, uow.clock.now())
    check_may_bid(terms, org.id)
    check_not_restricted(uow.conn, org, uow.clock.now())
    members = consortium_members(uow.conn, header.bidder, org, uow.clock.now())
    bid = repository.bid_for(uow.conn, lot_id, org.id)
    if repository.nonce_used(uow.conn, lot_id, org.id, header.nonce.hex()):
        raise replayed_nonce()
    check_new_version(header.bid_version, bid.latest_version if bid else None)
    version = _version(uow, actor, bid, lot_id, org, envelope, idempotency_key)
    try:
        _store(uow, bid, version, terms, members)
    except IntegrityError as exc:
        raise _concurrent() from exc
    uow.audit.object_id = version.id  # type: ignore[attr-defined]
    # Last, just before the commit: a bid counts only if it is complete before the deadline (电子招标投标办法27).
    check_before_deadline(uow.clock.now(), terms.bid_deadline)
    return Accepted(version, terms.tender_id, org.credit_code, replay=False)


def _retry(
    uow: UnitOfWork, earlier: StoredVersion, envelope_key: str, terms: BiddingTerms, org: Organisation
) -> Accepted:
    if earlier.envelope_key != envelope_key or earlier.lot_id != terms.lot_id:
        raise Conflict(
            "this Idempotency-Key was already used for another envelope: use a new key for a new submission",
            field="Idempotency-Key",
            code="idempotency_key_reused",
        )
    uow.audit.object_id = earlier.id  # type: ignore[attr-defined]
    return Accepted(earlier, terms.tender_id, org.credit_code, replay=True)


def _version(
    uow: UnitOfWork,
    actor: Actor,
    bid: StoredBid | None,
    lot_id: str,
    org: Organisation,
    envelope: ReceivedEnvelope,
    idempotency_key: str | None,
) -> StoredVersion:
    header, signer = envelope.header, envelope.signer
    return StoredVersion(
        id=new_id(),
        bid_id=bid.id if bid else new_id(),
        lot_id=lot_id,
        bidder_org_id=org.id,
        version=header.bid_version,
        envelope_key=envelope.blob.key,
        envelope_size=envelope.blob.size,
        header_hash=envelope.header_hash,
        suite=header.suite,
        sections=",".join(section.name for section in header.sections),
        nonce=header.nonce.hex(),
        bidder_kind="consortium" if header.bidder.is_consortium else "organisation",
        signer_serial=str(signer.serial),
        signer_fingerprint=signer.fingerprint,
        signer_issuer=signer.issuer,
        submitted_at=uow.clock.now(),
        submitted_by=actor.user_id,
        client_ip=actor.ip,
        idempotency_key=idempotency_key,
    )


def _store(
    uow: UnitOfWork, bid: StoredBid | None, version: StoredVersion, terms: BiddingTerms, members: list[Any]
) -> None:
    if bid is None:
        repository.insert_bid(
            uow.conn,
            StoredBid(
                id=version.bid_id,
                tender_id=terms.tender_id,
                lot_id=version.lot_id,
                bidder_org_id=version.bidder_org_id,
                status=BidStatus.SUBMITTED,
                latest_version=version.version,
                latest_version_id=version.id,
                first_submitted_at=version.submitted_at,
                updated_at=version.submitted_at,
                withdrawn_at=None,
                voided_at=None,
                void_reason=None,
                void_citation=None,
            ),
        )
        repository.insert_version(uow.conn, version)
    else:
        repository.insert_version(uow.conn, version)
        if not repository.advance_bid(uow.conn, bid, version):
            raise _concurrent()
    repository.insert_members(uow.conn, version.id, members)


# the service the API calls


def _header_check(container: Any, terms: BiddingTerms, org: Organisation, lot_id: str):  # type: ignore[no-untyped-def]
    trust = identity_env(container).trust

    def check(header: EnvelopeHeader) -> VerifiedCertificate:
        check_header(header, terms, lot_id=lot_id, bidder_credit_code=org.credit_code)
        signer = verify_signer(trust, header, container.clock.now())
        check_signer_is_bidder(signer.credit_code, signer.subject, org.credit_code)
        return signer

    return check


def _preflight(
    container: Any, actor: Actor, lot_id: str, idempotency_key: str | None
) -> tuple[Organisation, BiddingTerms] | DomainError:
    try:
        with container.uow() as uow:
            if idempotency_key is not None:
                org = bidder_organisation(uow, actor)
                earlier = repository.version_by_idempotency_key(uow.conn, org.id, idempotency_key)
                if earlier is not None and earlier.lot_id == lot_id:
                    # a retry of an accepted submission, perhaps after the deadline: the use case compares envelopes
                    return org, bidding_terms(uow.conn, lot_id)
            return admissible(uow, actor, lot_id, container.clock.now())
    except DomainError as error:
        return error


def receive(
    container: Any,
    actor: Actor,
    lot_id: str,
    chunks: Iterable[bytes],
    *,
    content_length: int | None = None,
    idempotency_key: str | None = None,
) -> Intake:
    """Check what can be checked before the upload, then stream it (or refuse it unread)."""
    limits = bidding_policy(container).envelope_limits()
    admitted = _preflight(container, actor, lot_id, idempotency_key)
    if isinstance(admitted, DomainError):
        return Intake(error=admitted)
    if content_length is not None and limits.max_envelope_bytes and content_length > limits.max_envelope_bytes:
        return Intake(
            error=TooLarge(
                f"the upload is {content_length} bytes; this platform accepts envelopes of at most "
                f"{limits.max_envelope_bytes} bytes",
                field="envelope",
                detail={"max_bytes": limits.max_envelope_bytes},
            )
        )
    org, terms = admitted
    return receive_envelope(
        container.blobs, chunks, limits=limits, check_header=_header_check(container, terms, org, lot_id)
    )


def submit_bid(
    container: Any,
    actor: Actor,
    lot_id: str,
    chunks: Iterable[bytes],
    *,
    idempotency_key: str | None = None,
    content_length: int | None = None,
) -> SignedReceipt:
    intake = receive(container, actor, lot_id, chunks, content_length=content_length, idempotency_key=idempotency_key)
    if intake.envelope is not None:
        actor = actor.with_payload_hash(intake.envelope.blob.key)
    uow = container.uow()
    accepted = do_submit_bid(uow=uow, actor=actor, lot_id=lot_id, intake=intake, idempotency_key=idempotency_key)
    entry_id = None if accepted.replay else uow.audit.entry_id  # type: ignore[attr-defined]
    return bid_receipt(container, accepted, entry_id)


def bid_receipt(container: Any, accepted: Accepted, entry_id: str | None) -> SignedReceipt:
    """The signed receipt of an accepted version: the one already stored, or a new one, stored once."""
    version = accepted.version
    if version.receipt is not None:
        return SignedReceipt.from_json(json.loads(version.receipt))
    if entry_id is None:
        with container.engine.connect() as conn:
            entry_id = repository.accepting_entry_id(conn, ACTION, version.id)
    signed = sign_receipt(
        platform_signer(container),
        container.settings.platform_code,
        {
            "kind": "bid",
            "tender_id": accepted.tender_id,
            "lot_id": version.lot_id,
            "bidder": accepted.bidder_credit_code,
            "bid_id": version.bid_id,
            "bid_version": version.version,
            "envelope_sha256": version.envelope_key,
            "envelope_size": version.envelope_size,
            "header_hash": version.header_hash,
            "suite": version.suite,
            "received_at": version.submitted_at.isoformat(),
            "audit_entry_id": entry_id,
        },
    )
    kept = repository.keep_receipt(container.engine, bid_versions, version.id, signed.encode())
    return SignedReceipt.from_json(json.loads(kept))
