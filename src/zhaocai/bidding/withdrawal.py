"""Withdrawing a bid before the deadline (撤回, 招标投标法29), or a prequalification application before applications
are due (handled like a bid, 电子招标投标办法28): the bidder sends a signed withdrawal notice naming the version it
withdraws (withdrawal_notice.py; an application's notice names lot "prequalification"). The versions stay stored;
the status becomes `withdrawn`; for a bid the bond refund becomes due within 5 days (条例35, tracked by the bonds
domain in the same transaction). A new, higher version may be submitted afterwards, before the deadline. The signed
receipt is stored with the withdrawal, in its transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository
from zhaocai.bidding.checks import APPLICATION_WITHDRAW_CITATION, WITHDRAW_CITATION, check_signer_is_bidder
from zhaocai.bidding.eligibility import bidder_organisation
from zhaocai.bidding.platform_key import receipt_issuer
from zhaocai.bidding.receipts import ReceiptIssuer, SignedReceipt
from zhaocai.bidding.repository import BidStatus, StoredWithdrawal
from zhaocai.bidding.targets import Target, TargetLoader, application_target, bid_target
from zhaocai.bidding.withdrawal_notice import SignedWithdrawal
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.crypto.trust import CertificateRejected, TrustStore
from zhaocai.identity.env import identity_env
from zhaocai.usecase import use_case

ACTION = "bidding.withdraw_bid"
APPLICATION_ACTION = "bidding.withdraw_application"


@dataclass(frozen=True)
class _Kind:
    what: str  # in messages
    object_type: str  # of the audit entry
    receipt_kind: str
    citation: str


_KINDS = {
    "bid": _Kind("bid", "bid_withdrawal", "withdrawal", WITHDRAW_CITATION),
    "application": _Kind(
        "prequalification application",
        "application_withdrawal",
        "prequalification_application_withdrawal",
        APPLICATION_WITHDRAW_CITATION,
    ),
}


@dataclass(frozen=True)
class Withdrawn:
    withdrawal: StoredWithdrawal
    tender_id: str
    bidder_credit_code: str


def _verify(trust: TrustStore | None, withdrawal: SignedWithdrawal, suite: str, at: Any) -> Any:
    if trust is None:
        raise ValidationFailed("this platform trusts no CA yet", field="signer_certificate", code="untrusted_ca")
    try:
        return trust.verify_signature(
            withdrawal.signer_certificate, withdrawal.notice.signed_message, withdrawal.signature, at=at, suite=suite
        )
    except CertificateRejected as exc:
        raise ValidationFailed(
            f"the withdrawal notice's signature is refused: {exc.message}",
            field="signer_certificate",
            code=exc.code,
            detail=exc.detail,
        ) from exc


@use_case(ACTION, object_type="bid")
def do_withdraw_bid(
    *,
    uow: UnitOfWork,
    actor: Actor,
    lot_id: str,
    withdrawal: SignedWithdrawal,
    trust: TrustStore | None,
    issuer: ReceiptIssuer,
) -> Withdrawn:
    return _withdraw(uow, actor, "bid", bid_target, lot_id, withdrawal, trust, issuer)


@use_case(APPLICATION_ACTION, object_type="application")
def do_withdraw_application(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    withdrawal: SignedWithdrawal,
    trust: TrustStore | None,
    issuer: ReceiptIssuer,
) -> Withdrawn:
    return _withdraw(uow, actor, "application", application_target, tender_id, withdrawal, trust, issuer)


def _withdraw(
    uow: UnitOfWork,
    actor: Actor,
    kind_name: str,
    load: TargetLoader,
    target_id: str,
    withdrawal: SignedWithdrawal,
    trust: TrustStore | None,
    issuer: ReceiptIssuer,
) -> Withdrawn:
    kind = _KINDS[kind_name]
    org = bidder_organisation(uow, actor, action=f"withdrawing a {kind.what}")
    target = load(uow.conn, target_id)
    target.check_before_deadline(uow.clock.now())
    notice = withdrawal.notice
    if notice.lot_id != target.lot_id or notice.tender_id != target.tender_id:
        raise ValidationFailed(
            f"the notice withdraws a {kind.what} in tender {notice.tender_id!r}, lot {notice.lot_id!r}; this "
            f"{kind.what} is in tender {target.tender_id!r}, lot {target.lot_id!r}",
            field="notice.lot_id",
            code="wrong_lot",
        )
    if notice.bidder != org.credit_code:
        raise Forbidden(
            f"the notice names bidder {notice.bidder!r}, not your organisation ({org.credit_code})",
            field="notice.bidder",
            code="bidder_mismatch",
        )
    signer = _verify(trust, withdrawal, target.suite, uow.clock.now())
    check_signer_is_bidder(signer.credit_code, signer.subject, org.credit_code)
    ledger = target.ledger
    if repository.withdrawal_by_nonce(uow.conn, target.lot_id, org.id, notice.nonce, ledger=ledger) is not None:
        raise Conflict(
            "this withdrawal notice (its nonce) was already used: a replayed notice is refused; sign a new one",
            field="notice.nonce",
            code="replayed_withdrawal",
        )
    bid = repository.bid_for(uow.conn, target.lot_id, org.id, ledger=ledger, tender_id=target.tender_filter)
    if bid is None or bid.id != notice.bid_id:
        where = f"lot {target.lot_id}" if target.kind == "bid" else f"tender {target.tender_id}"
        raise NotFound(f"your organisation has no {kind.what} {notice.bid_id} in {where}", field="notice.bid_id")
    uow.audit.object_id = bid.id  # type: ignore[attr-defined]
    if bid.status != BidStatus.SUBMITTED:
        raise Conflict(
            f"your {kind.what} is {bid.status}; there is nothing to withdraw", field="bid", code="not_withdrawable"
        )
    if notice.bid_version != bid.latest_version:
        raise Conflict(
            f"the notice withdraws version {notice.bid_version}; your latest version is {bid.latest_version}",
            field="notice.bid_version",
            code="stale_version",
        )
    now = uow.clock.now()
    stored = StoredWithdrawal(
        id=new_id(),
        bid_id=bid.id,
        lot_id=target.lot_id,
        bidder_org_id=org.id,
        version=bid.latest_version,
        nonce=notice.nonce,
        notice=canonical_json(notice.to_json()).decode(),
        signature=withdrawal.signature,
        signer_serial=str(signer.serial),
        signer_fingerprint=signer.fingerprint,
        withdrawn_at=now,
        withdrawn_by=actor.user_id,
        client_ip=actor.ip,
    )
    uow.audit.object_type = kind.object_type  # type: ignore[attr-defined]
    uow.audit.object_id = stored.id  # type: ignore[attr-defined]
    receipt = _receipt(issuer, kind, stored, target, org.credit_code, uow.audit.planned_entry_id)  # type: ignore[attr-defined]
    stored = dataclasses.replace(stored, receipt=receipt.encode())
    try:
        repository.insert_withdrawal(uow.conn, stored, ledger=ledger)
    except IntegrityError as exc:
        raise Conflict("this withdrawal was committed at the same moment", code="concurrent_submission") from exc
    if not repository.mark_withdrawn(uow.conn, bid, now, ledger=ledger):
        raise Conflict(f"your {kind.what} changed at the same moment; check its status", code="concurrent_submission")
    if target.kind == "bid":
        from zhaocai.bonds.service import record_bid_withdrawn  # the bond refund falls due (条例35): bonds' business

        record_bid_withdrawn(uow, lot_id=target.lot_id, bidder_org_id=org.id, withdrawn_at=now)
    target.check_before_deadline(uow.clock.now())
    return Withdrawn(stored, target.tender_id, org.credit_code)


def _receipt(
    issuer: ReceiptIssuer, kind: _Kind, stored: StoredWithdrawal, target: Target, bidder_credit_code: str, entry_id: str
) -> SignedReceipt:
    return issuer.issue(
        {
            "kind": kind.receipt_kind,
            "tender_id": target.tender_id,
            "lot_id": stored.lot_id,
            "bidder": bidder_credit_code,
            "bid_id": stored.bid_id,
            "bid_version": stored.version,
            "notice_sha256": hashlib.sha256(stored.notice.encode()).hexdigest(),
            "received_at": stored.withdrawn_at.isoformat(),
            "audit_entry_id": entry_id,
            "citation": kind.citation,
        }
    )


def _run(container: Any, actor: Actor, use_case_fn: Any, target_key: str, target_id: str, withdrawal: SignedWithdrawal):  # type: ignore[no-untyped-def]
    digest = hashlib.sha256(canonical_json(withdrawal.to_json())).hexdigest()
    done = use_case_fn(
        uow=container.uow(),
        actor=actor.with_payload_hash(digest),
        withdrawal=withdrawal,
        trust=identity_env(container).trust,
        issuer=receipt_issuer(container),
        **{target_key: target_id},
    )
    receipt = done.withdrawal.receipt
    assert receipt is not None  # signed and stored by the withdrawing transaction
    return SignedReceipt.from_json(json.loads(receipt))


def withdraw_bid(container: Any, actor: Actor, lot_id: str, withdrawal: SignedWithdrawal) -> SignedReceipt:
    return _run(container, actor, do_withdraw_bid, "lot_id", lot_id, withdrawal)  # type: ignore[no-any-return]


def withdraw_application(container: Any, actor: Actor, tender_id: str, withdrawal: SignedWithdrawal) -> SignedReceipt:
    return _run(container, actor, do_withdraw_application, "tender_id", tender_id, withdrawal)  # type: ignore[no-any-return]
