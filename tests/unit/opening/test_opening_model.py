"""The opening's pure model: its state tables, who answers for a failed decryption (电子招标投标办法31), when a
session may close, and a bid's outcome over two stages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zhaocai.core.errors import Conflict
from zhaocai.opening.model import (
    BID_TABLE,
    DEFAULT_WINDOW,
    BidEvent,
    Outcome,
    SessionEvent,
    SessionState,
    combined_outcome,
    fault_of,
    may_close,
    next_outcome,
    next_session_state,
    stages,
    window_from,
)

T = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def test_sessions_open_or_fail_once_and_close_once() -> None:
    assert next_session_state(SessionState.PENDING, SessionEvent.START) is SessionState.DECRYPTING
    assert next_session_state(SessionState.PENDING, SessionEvent.FAIL) is SessionState.FAILED
    assert next_session_state(SessionState.DECRYPTING, SessionEvent.CLOSE) is SessionState.CLOSED
    for state in (SessionState.CLOSED, SessionState.FAILED):
        for event in SessionEvent:
            with pytest.raises(Conflict):
                next_session_state(state, event)


def test_a_decided_bid_stays_decided() -> None:
    assert {outcome for (start, _), outcome in BID_TABLE.items()} == {
        Outcome.OPENED,
        Outcome.REVOKED,
        Outcome.WITHDRAWN,
    }
    assert next_outcome(Outcome.PENDING, BidEvent.WINDOW_MISSED) is Outcome.REVOKED
    assert next_outcome(Outcome.PENDING, BidEvent.PLATFORM_FAULT) is Outcome.WITHDRAWN
    for decided in (Outcome.OPENED, Outcome.REVOKED, Outcome.WITHDRAWN):
        with pytest.raises(Conflict) as refused:
            next_outcome(decided, BidEvent.KEY_ACCEPTED)
        assert refused.value.code == "already_decided"


@pytest.mark.parametrize(
    ("code", "event"),
    [
        ("key_commitment_mismatch", None),  # a wrong or borrowed key: refused, the bidder may retry
        ("invalid_key", None),
        ("archive_refused", BidEvent.BIDDER_FAULT),  # a zip bomb, traversal, link: what the bidder sealed
        ("manifest_mismatch", BidEvent.BIDDER_FAULT),
        ("chunk_authentication_failed", BidEvent.BIDDER_FAULT),  # ciphertext intact, key committed: its tool's fault
        ("stored_envelope_damaged", BidEvent.PLATFORM_FAULT),
        ("ciphertext_hash_mismatch", BidEvent.PLATFORM_FAULT),
    ],
)
def test_who_answers_for_a_failed_decryption(code: str, event: BidEvent | None) -> None:
    assert fault_of(code) is event


def test_a_session_closes_when_all_are_decided_or_the_window_ends() -> None:
    window = window_from(T, None)
    assert window.ends_at - T == DEFAULT_WINDOW and window_from(T, 30).ends_at == T + timedelta(minutes=30)
    pending = [Outcome.OPENED, Outcome.PENDING]
    assert not may_close(SessionState.DECRYPTING, pending, window, T + timedelta(minutes=1))
    assert may_close(SessionState.DECRYPTING, pending, window, window.ends_at)
    assert may_close(SessionState.DECRYPTING, [Outcome.OPENED, Outcome.REVOKED], window, T)
    assert not may_close(SessionState.CLOSED, [Outcome.OPENED], window, window.ends_at)


def test_stages_and_a_bids_outcome_over_them() -> None:
    assert stages(False) == ("whole",) and stages(True) == ("technical", "price")
    assert combined_outcome([Outcome.OPENED, Outcome.OPENED]) is Outcome.OPENED
    assert combined_outcome([Outcome.OPENED, Outcome.REVOKED]) is Outcome.REVOKED
    assert combined_outcome([Outcome.OPENED, Outcome.PENDING]) is Outcome.PENDING
