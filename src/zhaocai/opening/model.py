"""The opening's pure model (no I/O, no clock): an opening session's and a bid's decryption states as printable
`state × event → state` tables with guards, who is answerable for a failed decryption (电子招标投标办法31 / 20号令31),
and the stages of a lot.

Session: pending → decrypting → closed, or pending → failed (流标, fewer than opening_min_bidders bids, 条例44).
Bid:     pending → opened | revoked (撤销, the bidder's fault) | withdrawn (撤回, anyone else's fault).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from zhaocai.core.errors import Conflict

DECRYPTION_CITATION = "电子招标投标办法31"
FAILED_OPENING_CITATION = "条例44"
VOID_CITATIONS = "条例34, 条例37"
# When the tender documents set no window: two hours from the deadline — long enough for every bidder to start its
# tool and retry a mistyped key, short enough that the opening ends the same half-day (docs/opening.md).
DEFAULT_WINDOW = timedelta(hours=2)
MAX_WINDOW = timedelta(hours=72)


class SessionState(StrEnum):
    PENDING = "pending"
    DECRYPTING = "decrypting"
    CLOSED = "closed"
    FAILED = "failed"


class SessionEvent(StrEnum):
    START = "start"
    FAIL = "fail"
    CLOSE = "close"


class Outcome(StrEnum):
    PENDING = "pending"
    OPENED = "opened"
    REVOKED = "revoked"  # 撤销: the bidder's fault (no key, wrong key, window missed, a faulty bid file)
    WITHDRAWN = "withdrawn"  # 撤回: the platform's fault (stored ciphertext damaged)


class BidEvent(StrEnum):
    KEY_ACCEPTED = "key_accepted"
    BIDDER_FAULT = "bidder_fault"
    PLATFORM_FAULT = "platform_fault"
    WINDOW_MISSED = "window_missed"


SESSION_TABLE: dict[tuple[SessionState, SessionEvent], SessionState] = {
    (SessionState.PENDING, SessionEvent.START): SessionState.DECRYPTING,
    (SessionState.PENDING, SessionEvent.FAIL): SessionState.FAILED,
    (SessionState.DECRYPTING, SessionEvent.CLOSE): SessionState.CLOSED,
}

BID_TABLE: dict[tuple[Outcome, BidEvent], Outcome] = {
    (Outcome.PENDING, BidEvent.KEY_ACCEPTED): Outcome.OPENED,
    (Outcome.PENDING, BidEvent.BIDDER_FAULT): Outcome.REVOKED,
    (Outcome.PENDING, BidEvent.WINDOW_MISSED): Outcome.REVOKED,
    (Outcome.PENDING, BidEvent.PLATFORM_FAULT): Outcome.WITHDRAWN,
}


def next_session_state(state: SessionState, event: SessionEvent) -> SessionState:
    try:
        return SESSION_TABLE[(state, event)]
    except KeyError:
        raise Conflict(
            f"an opening session that is {state.value} cannot {event.value}", field="state", code="illegal_transition"
        ) from None


def next_outcome(outcome: Outcome, event: BidEvent) -> Outcome:
    try:
        return BID_TABLE[(outcome, event)]
    except KeyError:
        raise Conflict(
            f"this bid's decryption is already decided ({outcome.value})", field="outcome", code="already_decided"
        ) from None


def stages(two_envelope: bool) -> tuple[str, ...]:
    return ("technical", "price") if two_envelope else ("whole",)


def first_stage(two_envelope: bool) -> str:
    return stages(two_envelope)[0]


@dataclass(frozen=True)
class Window:
    started_at: datetime
    ends_at: datetime

    def is_open(self, at: datetime) -> bool:
        return self.started_at <= at < self.ends_at


def window_from(start: datetime, minutes: int | None) -> Window:
    length = DEFAULT_WINDOW if minutes is None else timedelta(minutes=minutes)
    return Window(start, start + length)


def may_close(state: SessionState, outcomes: list[Outcome], window: Window, at: datetime) -> bool:
    """A decrypting session closes once every bid is decided, or once its window has ended."""
    if state is not SessionState.DECRYPTING:
        return False
    return all(outcome is not Outcome.PENDING for outcome in outcomes) or at >= window.ends_at


# Who answers for a failed decryption: envelope error codes (docs/envelope.md §9) after the key matched its commitment.
PLATFORM_FAULT_CODES = frozenset({"ciphertext_hash_mismatch", "truncated", "stored_envelope_damaged"})
RETRYABLE_CODES = frozenset({"key_commitment_mismatch", "key_unwrap_failed", "invalid_key"})


def fault_of(code: str) -> BidEvent | None:
    """The event a decryption error brings: None when the bidder may simply retry within the window (a key that is
    not the committed one opens nothing, so trying it harms no one)."""
    if code in RETRYABLE_CODES:
        return None
    if code in PLATFORM_FAULT_CODES:
        return BidEvent.PLATFORM_FAULT
    return BidEvent.BIDDER_FAULT


def combined_outcome(outcomes: list[Outcome]) -> Outcome:
    """A bid's outcome over its stages: the first failure decides; otherwise opened (or pending)."""
    for outcome in outcomes:
        if outcome in (Outcome.REVOKED, Outcome.WITHDRAWN):
            return outcome
    if outcomes and all(outcome is Outcome.OPENED for outcome in outcomes):
        return Outcome.OPENED
    return Outcome.PENDING
