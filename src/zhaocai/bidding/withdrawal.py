"""Withdrawing a bid before the deadline (撤回, 招标投标法29): the bidder sends a signed withdrawal notice naming the
version it withdraws (withdrawal_notice.py). The versions stay stored; the bid's status becomes `withdrawn`; the bond
refund becomes due within 5 days (条例35, tracked by the bonds domain in the same transaction). A new, higher version
may be submitted afterwards, before the deadline.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from zhaocai.adapters.db.tables.bidding import bid_withdrawals
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository
from zhaocai.bidding.checks import WITHDRAW_CITATION, check_before_deadline, check_signer_is_bidder
from zhaocai.bidding.eligibility import bidder_organisation
from zhaocai.bidding.platform_key import platform_signer
from zhaocai.bidding.receipts import SignedReceipt, sign_receipt
from zhaocai.bidding.repository import BidStatus, StoredWithdrawal
from zhaocai.bidding.withdrawal_notice import SignedWithdrawal
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.crypto.trust import CertificateRejected, TrustStore
from zhaocai.identity.env import identity_env
from zhaocai.tendering.queries import bidding_terms
from zhaocai.usecase import use_case

ACTION = "bidding.withdraw_bid"


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
    *, uow: UnitOfWork, actor: Actor, lot_id: str, withdrawal: SignedWithdrawal, trust: TrustStore | None
) -> Withdrawn:
    org = bidder_organisation(uow, actor, action="withdrawing a bid")
    terms = bidding_terms(uow.conn, lot_id)
    check_before_deadline(uow.clock.now(), terms.bid_deadline)
    notice = withdrawal.notice
    if notice.lot_id != lot_id or notice.tender_id != terms.tender_id:
        raise ValidationFailed(
            f"the notice withdraws a bid in tender {notice.tender_id!r}, lot {notice.lot_id!r}, not in this lot",
            field="notice.lot_id",
            code="wrong_lot",
        )
    if notice.bidder != org.credit_code:
        raise Forbidden(
            f"the notice names bidder {notice.bidder!r}, not your organisation ({org.credit_code})",
            field="notice.bidder",
            code="bidder_mismatch",
        )
    signer = _verify(trust, withdrawal, terms.suite, uow.clock.now())
    check_signer_is_bidder(signer.credit_code, signer.subject, org.credit_code)
    encoded = canonical_json(notice.to_json()).decode()
    if repository.withdrawal_by_nonce(uow.conn, lot_id, org.id, notice.nonce) is not None:
        raise Conflict(
            "this withdrawal notice (its nonce) was already used: a replayed notice is refused; sign a new one",
            field="notice.nonce",
            code="replayed_withdrawal",
        )
    bid = repository.bid_for(uow.conn, lot_id, org.id)
    if bid is None or bid.id != notice.bid_id:
        raise NotFound(f"your organisation has no bid {notice.bid_id} on lot {lot_id}", field="notice.bid_id")
    uow.audit.object_id = bid.id  # type: ignore[attr-defined]
    if bid.status != BidStatus.SUBMITTED:
        raise Conflict(f"your bid is {bid.status}; there is nothing to withdraw", field="bid", code="not_withdrawable")
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
        lot_id=lot_id,
        bidder_org_id=org.id,
        version=bid.latest_version,
        nonce=notice.nonce,
        notice=encoded,
        signature=withdrawal.signature,
        signer_serial=str(signer.serial),
        signer_fingerprint=signer.fingerprint,
        withdrawn_at=now,
        withdrawn_by=actor.user_id,
        client_ip=actor.ip,
    )
    uow.audit.object_type = "bid_withdrawal"  # type: ignore[attr-defined]
    uow.audit.object_id = stored.id  # type: ignore[attr-defined]
    try:
        repository.insert_withdrawal(uow.conn, stored)
    except IntegrityError as exc:
        raise Conflict("this withdrawal was committed at the same moment", code="concurrent_submission") from exc
    if not repository.mark_withdrawn(uow.conn, bid, now):
        raise Conflict("your bid changed at the same moment; check its status", code="concurrent_submission")
    from zhaocai.bonds.service import record_bid_withdrawn  # the bond refund falls due (条例35): bonds' business

    record_bid_withdrawn(uow, lot_id=lot_id, bidder_org_id=org.id, withdrawn_at=now)
    check_before_deadline(uow.clock.now(), terms.bid_deadline)
    return Withdrawn(stored, terms.tender_id, org.credit_code)


def withdraw_bid(container: Any, actor: Actor, lot_id: str, withdrawal: SignedWithdrawal) -> SignedReceipt:
    digest = hashlib.sha256(canonical_json(withdrawal.to_json())).hexdigest()
    uow = container.uow()
    done = do_withdraw_bid(
        uow=uow,
        actor=actor.with_payload_hash(digest),
        lot_id=lot_id,
        withdrawal=withdrawal,
        trust=identity_env(container).trust,
    )
    return withdrawal_receipt(container, done, uow.audit.entry_id)  # type: ignore[attr-defined]


def withdrawal_receipt(container: Any, done: Withdrawn, entry_id: str) -> SignedReceipt:
    stored = done.withdrawal
    signed = sign_receipt(
        platform_signer(container),
        container.settings.platform_code,
        {
            "kind": "withdrawal",
            "tender_id": done.tender_id,
            "lot_id": stored.lot_id,
            "bidder": done.bidder_credit_code,
            "bid_id": stored.bid_id,
            "bid_version": stored.version,
            "notice_sha256": hashlib.sha256(stored.notice.encode()).hexdigest(),
            "received_at": stored.withdrawn_at.isoformat(),
            "audit_entry_id": entry_id,
            "citation": WITHDRAW_CITATION,
        },
    )
    kept = repository.keep_receipt(container.engine, bid_withdrawals, stored.id, signed.encode())
    return SignedReceipt.from_json(json.loads(kept))
