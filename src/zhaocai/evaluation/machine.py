"""The state of a lot's evaluation: `state × event → state`, printable. Pure.

scoring      ─conclude_technical→  awaiting_prices   (two-envelope: technical stage concluded; opening opens
awaiting_prices ─prices_opened→    scoring           the price sections of the bids that passed)
scoring      ─draft_report→        signing
awaiting_prices ─draft_report→     signing           (no bid passed the technical stage: all rejected)
signing      ─close_report→        closed
signing      ─close_rejected→      failed            (all bids rejected, 评标规定27: the tenderer re-tenders)
"""

from __future__ import annotations

from enum import StrEnum

from zhaocai.core.errors import Conflict


class State(StrEnum):
    SCORING = "scoring"
    AWAITING_PRICES = "awaiting_prices"
    SIGNING = "signing"
    CLOSED = "closed"
    FAILED = "failed"


class Event(StrEnum):
    CONCLUDE_TECHNICAL = "conclude_technical"
    PRICES_OPENED = "prices_opened"
    DRAFT_REPORT = "draft_report"
    CLOSE_REPORT = "close_report"
    CLOSE_REJECTED = "close_rejected"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.SCORING, Event.CONCLUDE_TECHNICAL): State.AWAITING_PRICES,
    (State.AWAITING_PRICES, Event.PRICES_OPENED): State.SCORING,
    (State.SCORING, Event.DRAFT_REPORT): State.SIGNING,
    (State.AWAITING_PRICES, Event.DRAFT_REPORT): State.SIGNING,
    (State.SIGNING, Event.CLOSE_REPORT): State.CLOSED,
    (State.SIGNING, Event.CLOSE_REJECTED): State.FAILED,
}


def step(state: State, event: Event) -> State:
    target = TRANSITIONS.get((state, event))
    if target is None:
        raise Conflict(
            f"the evaluation is {state.value}: {event.value.replace('_', ' ')} is not possible now",
            field="state",
            code="evaluation_state",
        )
    return target


def table() -> list[tuple[str, str, str]]:
    return [(s.value, e.value, t.value) for (s, e), t in TRANSITIONS.items()]
