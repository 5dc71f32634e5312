"""A bidder hands over its content keys (unwrapped on its own machine with its own private key, or its backup key
under the announced remedy) during the decryption window; the platform opens the bid with them.

`hand_over_keys` does the heavy, streaming part — decrypting and unpacking into the blob store — before the
transaction (blobs are content-addressed: an unused one is harmless), then `do_hand_over_keys` decides in one
transaction, with the clock read inside it: the window still open, the bid still pending, the outcome recorded
with its audit entry and, if that was the last bid, the session closed and its record signed.

- a key that is not the committed one (a wrong key, another bid's key): refused, recorded in the audit log; the
  bidder may try again within the window;
- a fault the bidder answers for (a bid file that is not a safe archive: a zip bomb, path traversal, a link; a
  manifest for another lot): the bid is revoked (撤销) and the refusal says why;
- a fault of the platform (the stored envelope damaged): withdrawn (撤回), 电子招标投标办法31.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository as bids
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from zhaocai.opening import repository
from zhaocai.opening.closing import RecordSigner, close_if_done, record_signer
from zhaocai.opening.decrypt import DecryptionFailed, OpenedSection, open_envelope_section
from zhaocai.opening.model import DECRYPTION_CITATION, BidEvent, Outcome, SessionState, fault_of, next_outcome
from zhaocai.tendering.queries import bidding_terms
from zhaocai.usecase import use_case

SECRECY_CITATION = "招标投标法22; 电子招标投标办法27"
MAX_KEY_BYTES = 64


@dataclass(frozen=True)
class Attempt:
    """What the platform found when it tried the keys, before the deciding transaction."""

    session_id: str | None
    sections: dict[str, OpenedSection | DecryptionFailed]
    refusal: DomainError | None = None


@dataclass(frozen=True)
class HandOverResult:
    bid_id: str
    stage: str
    outcome: str
    sections: tuple[str, ...]
    files: int
    session_closed: bool
    record_id: str | None


def _target(conn: Any, actor: Actor, lot_id: str, at: datetime) -> tuple[repository.Session, repository.BidOpening]:
    """The open session of the lot and the acting organisation's pending decryption in it, or the refusal."""
    terms = bidding_terms(conn, lot_id)
    if terms.bid_deadline is None or at < terms.bid_deadline:
        raise Conflict(
            "no one may decrypt a bid before the bid deadline, not even its bidder",
            field="lot_id",
            code="before_deadline",
            citation=SECRECY_CITATION,
        )
    sessions = repository.sessions_of_lot(conn, lot_id)
    if not sessions:
        raise Conflict("the opening of this lot has not started", field="lot_id", code="opening_not_started")
    session = sessions[-1]
    if session.state == SessionState.FAILED:
        raise Conflict(
            f"the lot was not opened: {session.failure_reason}",
            field="lot_id",
            code="lot_failed",
            citation=session.failure_citation,
        )
    if session.state != SessionState.DECRYPTING or session.window_ends_at is None or at >= session.window_ends_at:
        raise Conflict(
            f"the decryption window of the {session.stage} opening ended at {session.window_ends_at}: keys are no "
            "longer accepted",
            field="lot_id",
            code="window_closed",
            citation=DECRYPTION_CITATION,
        )
    row = repository.bid_in_session(conn, session.id, _own_bid_id(conn, actor, lot_id))
    if row is None:
        raise NotFound(f"your bid is not in the {session.stage} opening of this lot", field="lot_id", code="no_bid")
    if row.outcome != Outcome.PENDING:
        raise Conflict(
            f"your bid's {session.stage} decryption is already decided: {row.outcome}",
            field="lot_id",
            code="already_decided",
        )
    return session, row


def _own_bid_id(conn: Any, actor: Actor, lot_id: str) -> str:
    bid = bids.bid_for(conn, lot_id, actor.org_id) if actor.org_id else None
    if bid is None:
        raise NotFound("your organisation has no bid on this lot", field="lot_id", code="no_bid")
    return bid.id


def _check_keys(stage: str, keys: dict[str, bytes]) -> None:
    if set(keys) != {stage}:
        raise ValidationFailed(
            f"the {stage} opening takes exactly the key of section {stage!r}; given: {sorted(keys)}",
            field="keys",
            code="wrong_sections",
        )
    if not all(0 < len(key) <= MAX_KEY_BYTES for key in keys.values()):
        raise ValidationFailed("a content key is 16 or 32 bytes", field="keys", code="invalid_key")


def try_keys(container: Any, actor: Actor, lot_id: str, keys: dict[str, bytes]) -> Attempt:
    try:
        with container.engine.connect() as conn:
            session, row = _target(conn, actor, lot_id, container.clock.now())
            _check_keys(session.stage, keys)
            version = next(v for v in bids.versions_of(conn, row.bid_id) if v.id == row.version_id)
    except DomainError as refusal:
        return Attempt(None, {}, refusal)
    sections: dict[str, OpenedSection | DecryptionFailed] = {}
    for name, key in keys.items():
        try:
            sections[name] = open_envelope_section(
                container.blobs,
                version.envelope_key,
                name,
                key,
                tender_id=session.tender_id,
                lot_id=lot_id,
                receipt_header_hash=version.header_hash,
            )
        except DecryptionFailed as failure:
            sections[name] = failure
    return Attempt(session.id, sections)


def keys_digest(keys: dict[str, bytes]) -> str:
    """What the audit entry's payload hash names: the sections and a hash of each key (never a key itself)."""
    text = ";".join(f"{name}:{hashlib.sha256(key).hexdigest()}" for name, key in sorted(keys.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def hand_over_keys(container: Any, actor: Actor, lot_id: str, keys: dict[str, bytes]) -> HandOverResult:
    attempt = try_keys(container, actor, lot_id, keys)
    return do_hand_over_keys(
        uow=container.uow(),
        actor=actor.with_payload_hash(keys_digest(keys)),
        lot_id=lot_id,
        attempt=attempt,
        signer=record_signer(container),
    )


@use_case("opening.hand_over_keys", object_type="lot")
def do_hand_over_keys(
    *, uow: UnitOfWork, actor: Actor, lot_id: str, attempt: Attempt, signer: RecordSigner
) -> HandOverResult:
    now = uow.clock.now()
    session, row = _target(uow.conn, actor, lot_id, now)  # again, inside the deciding transaction
    if attempt.refusal is not None:
        raise attempt.refusal
    if attempt.session_id != session.id:
        raise Conflict("the opening moved on meanwhile: hand the keys over again", field="lot_id", code="stale")
    uow.audit.object_type, uow.audit.object_id = "bid", row.bid_id  # type: ignore[attr-defined]
    failures = [f for f in attempt.sections.values() if isinstance(f, DecryptionFailed)]
    if failures:
        failure = failures[0]
        event = fault_of(failure.code)
        if event is None:
            raise failure  # nothing decided: the bidder may retry within the window
        outcome = next_outcome(Outcome.PENDING, event)
        whose = "the bidder's fault: revoked (撤销)" if event is BidEvent.BIDDER_FAULT else "withdrawn (撤回)"
        reason = f"{failure.code}: {failure.message} — {whose}"[:4000]
        repository.decide(uow.conn, row.id, outcome=outcome.value, at=now, reason=reason, citation=DECRYPTION_CITATION)
        close_if_done(uow, session.id, signer, now)
        failure.citation = DECRYPTION_CITATION
        failure.detail = {"outcome": outcome.value}
        raise failure.keeping_changes()
    opened = [s for s in attempt.sections.values() if isinstance(s, OpenedSection)]
    manifest = opened[0].manifest
    price = manifest.price
    repository.decide(
        uow.conn,
        row.id,
        outcome=next_outcome(Outcome.PENDING, BidEvent.KEY_ACCEPTED).value,
        at=now,
        manifest=json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False, sort_keys=True).encode(),
        price=f"{price.total:.2f}" if price else None,
        price_in_words=price.total_in_words if price else None,
    )
    files = [f for section in opened for f in section.files]
    repository.insert_files(uow.conn, row.id, files)
    record_id = close_if_done(uow, session.id, signer, now)
    return HandOverResult(
        bid_id=row.bid_id,
        stage=session.stage,
        outcome=Outcome.OPENED.value,
        sections=tuple(attempt.sections),
        files=len(files),
        session_closed=record_id is not None,
        record_id=record_id,
    )
