"""Submitting a sealed envelope before the deadline: a bid on a lot (or its modification: a new, higher version), or
a prequalification application to a tender, sealed and submitted exactly like a bid (电子招标投标办法28). Both go
through one path; a `targets.Target` carries what differs.

`submit_bid` / `submit_application` are what the API calls: they check what can be checked before reading a byte,
stream the envelope into the blob store through the reader (`intake`), then run the use case (`do_submit_bid` /
`do_submit_application`), which decides in one transaction, signs the receipt naming the audit entry that
transaction writes and stores it with the version — reading the clock for the deadline as its very last check before
the commit (DESIGN principle 5: blob durable → commit with its audit entry and the signed receipt).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository
from zhaocai.bidding.checks import check_header, check_new_version, check_signer_is_bidder, replayed_nonce
from zhaocai.bidding.eligibility import (
    bidder_organisation,
    check_not_restricted,
    check_prequalified_parties,
    consortium_members,
)
from zhaocai.bidding.intake import Intake, ReceivedEnvelope, receive_envelope, verify_signer
from zhaocai.bidding.platform_key import receipt_issuer
from zhaocai.bidding.policy import bidding_policy
from zhaocai.bidding.receipts import ReceiptIssuer, SignedReceipt
from zhaocai.bidding.repository import BidStatus, StoredBid, StoredVersion
from zhaocai.bidding.targets import Target, TargetLoader, application_target, bid_target
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, DomainError, TooLarge
from zhaocai.core.ids import new_id
from zhaocai.crypto.trust import VerifiedCertificate
from zhaocai.identity.env import identity_env
from zhaocai.identity.model import Organisation
from zhaocai.sealing import EnvelopeHeader
from zhaocai.usecase import use_case

ACTION = "bidding.submit_bid"
APPLICATION_ACTION = "bidding.submit_application"
_RECEIPT_KINDS = {"bid": "bid", "application": "prequalification_application"}


@dataclass(frozen=True)
class Accepted:
    version: StoredVersion
    tender_id: str
    bidder_credit_code: str
    replay: bool  # a retry with the same idempotency key and envelope: nothing new was stored
    kind: str = "bid"  # "bid" | "application"


def _concurrent(target: Target) -> Conflict:
    own = "bid for this lot" if target.kind == "bid" else "prequalification application"
    look = "GET my-bid" if target.kind == "bid" else "GET my-application"
    return Conflict(
        f"another submission of your {own} was committed at the same moment; check its status ({look}) and submit "
        "again if needed",
        field="envelope",
        code="concurrent_submission",
    )


@use_case(ACTION, object_type="bid_version")
def do_submit_bid(
    *,
    uow: UnitOfWork,
    actor: Actor,
    lot_id: str,
    intake: Intake,
    issuer: ReceiptIssuer,
    idempotency_key: str | None = None,
) -> Accepted:
    return _accept(uow, actor, bid_target, lot_id, intake, issuer, idempotency_key)


@use_case(APPLICATION_ACTION, object_type="application_version")
def do_submit_application(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    intake: Intake,
    issuer: ReceiptIssuer,
    idempotency_key: str | None = None,
) -> Accepted:
    return _accept(uow, actor, application_target, tender_id, intake, issuer, idempotency_key)


def _accept(
    uow: UnitOfWork,
    actor: Actor,
    load: TargetLoader,
    target_id: str,
    intake: Intake,
    issuer: ReceiptIssuer,
    idempotency_key: str | None,
) -> Accepted:
    org = bidder_organisation(uow, actor)
    target = load(uow.conn, target_id)
    if intake.error is not None:
        raise intake.error
    if intake.envelope is None:
        raise Conflict("the upload was not read; submit it again", field="envelope", code="upload_not_read")
    envelope = intake.envelope
    header = envelope.header
    check_header(header, target, lot_id=target.lot_id, bidder_credit_code=org.credit_code)
    ledger = target.ledger
    state = repository.submission_state(
        uow.conn,
        target.lot_id,
        org.id,
        nonce=header.nonce.hex(),
        idempotency_key=idempotency_key,
        ledger=ledger,
        tender_id=target.tender_filter,
    )
    if state.key_used:
        earlier = repository.version_by_idempotency_key(uow.conn, org.id, idempotency_key or "", ledger=ledger)
        assert earlier is not None  # the same transaction saw it a moment ago
        return _retry(uow, earlier, envelope.blob.key, target, org)
    target.check_accepting(uow.clock.now())
    target.check_may_submit(org.id)
    check_not_restricted(uow.conn, org, uow.clock.now())
    members = consortium_members(uow.conn, header.bidder, org, uow.clock.now())
    if target.prequalified:
        check_prequalified_parties(uow.conn, target.tender_id, org, members)
    bid = state.bid
    if state.nonce_used:
        raise replayed_nonce()
    check_new_version(header.bid_version, bid.latest_version if bid else None)
    version = _version(uow, actor, bid, target.lot_id, org, envelope, idempotency_key)
    receipt = _receipt(issuer, version, target, org.credit_code, uow.audit.planned_entry_id)  # type: ignore[attr-defined]
    version = dataclasses.replace(version, receipt=receipt.encode())
    try:
        _store(uow, bid, version, target, members)
    except IntegrityError as exc:
        raise _concurrent(target) from exc
    uow.audit.object_id = version.id  # type: ignore[attr-defined]
    # Last, just before the commit: a submission counts only if it is complete before the deadline (办法27, 条例17).
    target.check_before_deadline(uow.clock.now())
    return Accepted(version, target.tender_id, org.credit_code, replay=False, kind=target.kind)


def _retry(uow: UnitOfWork, earlier: StoredVersion, envelope_key: str, target: Target, org: Organisation) -> Accepted:
    head = repository.get_bid(uow.conn, earlier.bid_id, ledger=target.ledger)
    same_target = earlier.lot_id == target.lot_id and head is not None and head.tender_id == target.tender_id
    if earlier.envelope_key != envelope_key or not same_target:
        raise Conflict(
            "this Idempotency-Key was already used for another envelope: use a new key for a new submission",
            field="Idempotency-Key",
            code="idempotency_key_reused",
        )
    uow.audit.object_id = earlier.id  # type: ignore[attr-defined]
    return Accepted(earlier, target.tender_id, org.credit_code, replay=True, kind=target.kind)


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


def _store(uow: UnitOfWork, bid: StoredBid | None, version: StoredVersion, target: Target, members: list[Any]) -> None:
    ledger = target.ledger
    if bid is None:
        repository.insert_bid(
            uow.conn,
            StoredBid(
                id=version.bid_id,
                tender_id=target.tender_id,
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
            ledger=ledger,
        )
        repository.insert_version(uow.conn, version, ledger=ledger)
    else:
        repository.insert_version(uow.conn, version, ledger=ledger)
        if not repository.advance_bid(uow.conn, bid, version, ledger=ledger):
            raise _concurrent(target)
    repository.insert_members(uow.conn, version.id, members, ledger=ledger)


# the service the API calls


def _header_check(container: Any, target: Target, org: Organisation):  # type: ignore[no-untyped-def]
    trust = identity_env(container).trust

    def check(header: EnvelopeHeader) -> VerifiedCertificate:
        check_header(header, target, lot_id=target.lot_id, bidder_credit_code=org.credit_code)
        signer = verify_signer(trust, header, container.clock.now())
        check_signer_is_bidder(signer.credit_code, signer.subject, org.credit_code)
        return signer

    return check


def _preflight(
    container: Any, actor: Actor, load: TargetLoader, target_id: str, idempotency_key: str | None
) -> tuple[Organisation, Target] | DomainError:
    """Everything about the bidder and the target that can be checked before the envelope arrives."""
    try:
        with container.uow(read_only=True) as uow:
            org = bidder_organisation(uow, actor)
            target = load(uow.conn, target_id)
            now = container.clock.now()
            try:
                target.check_accepting(now)
                target.check_may_submit(org.id)
                check_not_restricted(uow.conn, org, now)
            except DomainError:
                # a retry of an accepted submission, perhaps after the deadline, still goes in: the use case
                # compares envelopes and returns the stored receipt
                if idempotency_key is None:
                    raise
                earlier = repository.version_by_idempotency_key(uow.conn, org.id, idempotency_key, ledger=target.ledger)
                if earlier is None or earlier.lot_id != target.lot_id:
                    raise
            return org, target
    except DomainError as error:
        return error


def _receive(
    container: Any,
    actor: Actor,
    load: TargetLoader,
    target_id: str,
    chunks: Iterable[bytes],
    *,
    content_length: int | None,
    idempotency_key: str | None,
) -> Intake:
    limits = bidding_policy(container).envelope_limits()
    admitted = _preflight(container, actor, load, target_id, idempotency_key)
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
    org, target = admitted
    return receive_envelope(container.blobs, chunks, limits=limits, check_header=_header_check(container, target, org))


def receive(
    container: Any,
    actor: Actor,
    lot_id: str,
    chunks: Iterable[bytes],
    *,
    content_length: int | None = None,
    idempotency_key: str | None = None,
) -> Intake:
    """Check what can be checked before the upload of a bid, then stream it (or refuse it unread)."""
    return _receive(
        container, actor, bid_target, lot_id, chunks, content_length=content_length, idempotency_key=idempotency_key
    )


def _submit(
    container: Any,
    actor: Actor,
    load: TargetLoader,
    use_case_fn: Callable[..., Accepted],
    target_key: str,
    target_id: str,
    chunks: Iterable[bytes],
    *,
    idempotency_key: str | None,
    content_length: int | None,
) -> SignedReceipt:
    intake = _receive(
        container, actor, load, target_id, chunks, content_length=content_length, idempotency_key=idempotency_key
    )
    if intake.envelope is not None:
        actor = actor.with_payload_hash(intake.envelope.blob.key)
    accepted = use_case_fn(
        uow=container.uow(),
        actor=actor,
        intake=intake,
        issuer=receipt_issuer(container),
        idempotency_key=idempotency_key,
        **{target_key: target_id},
    )
    receipt = accepted.version.receipt
    assert receipt is not None  # signed and stored by the accepting transaction
    return SignedReceipt.from_json(json.loads(receipt))


def submit_bid(
    container: Any,
    actor: Actor,
    lot_id: str,
    chunks: Iterable[bytes],
    *,
    idempotency_key: str | None = None,
    content_length: int | None = None,
) -> SignedReceipt:
    return _submit(
        container,
        actor,
        bid_target,
        do_submit_bid,
        "lot_id",
        lot_id,
        chunks,
        idempotency_key=idempotency_key,
        content_length=content_length,
    )


def submit_application(
    container: Any,
    actor: Actor,
    tender_id: str,
    chunks: Iterable[bytes],
    *,
    idempotency_key: str | None = None,
    content_length: int | None = None,
) -> SignedReceipt:
    """A prequalification application (资格预审申请文件), sealed like a bid with header lot_id "prequalification"."""
    return _submit(
        container,
        actor,
        application_target,
        do_submit_application,
        "tender_id",
        tender_id,
        chunks,
        idempotency_key=idempotency_key,
        content_length=content_length,
    )


def _receipt(
    issuer: ReceiptIssuer, version: StoredVersion, target: Target, bidder_credit_code: str, entry_id: str
) -> SignedReceipt:
    """The signed receipt of a version being accepted (of a bid or an application), naming the audit entry that the
    accepting transaction writes."""
    return issuer.issue(
        {
            "kind": _RECEIPT_KINDS[target.kind],
            "tender_id": target.tender_id,
            "lot_id": version.lot_id,
            "bidder": bidder_credit_code,
            "bid_id": version.bid_id,
            "bid_version": version.version,
            "envelope_sha256": version.envelope_key,
            "envelope_size": version.envelope_size,
            "header_hash": version.header_hash,
            "suite": version.suite,
            "received_at": version.submitted_at.isoformat(),
            "audit_entry_id": entry_id,
        }
    )
