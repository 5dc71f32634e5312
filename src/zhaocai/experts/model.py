"""Experts domain, pure: pool records, who is recused from a draw and why, and the draw's state table.

No I/O, no clock reads. Refusals are DomainErrors naming the field and the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from zhaocai.core.errors import Conflict, ValidationFailed

SPECIALTY = re.compile(r"^[A-Z][0-9A-Z]{1,11}$")  # e.g. A010101 (评标专家专业分类标准)
RECUSAL_CITATION = "评标规定12; 条例46"
SECRECY_CITATION = "法37"
REPLACEMENT_CITATION = "条例48"


class Recusal(StrEnum):
    EMPLOYER_IS_BIDDER = "employer_is_bidder"
    EMPLOYER_IS_TENDER_PARTY = "employer_is_tender_party"
    DECLARED_RELATION = "declared_relation"
    PUNISHED = "punished"
    SUPERVISING_STAFF = "supervising_staff"
    BLACKLISTED = "blacklisted"
    UNAVAILABLE = "unavailable"
    NO_CERTIFICATE = "no_certificate"


@dataclass(frozen=True)
class ExpertFacts:
    """What the draw needs to know about one pool record."""

    expert_id: str
    specialties: tuple[str, ...]
    region_code: str
    employer_org_id: str | None
    employer_credit_code: str | None
    punished: bool
    supervising_staff: bool
    blacklisted: bool
    certificate_fingerprint: str | None
    conflicts: frozenset[str]  # organisation ids the expert declared a relation with
    unavailable: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class DrawParties:
    """The organisations the draw must keep the committee away from."""

    bidders: frozenset[str]  # every bidder on the lot, consortium members included
    bidder_credit_codes: frozenset[str]
    tender_side: frozenset[str]  # the tenderer and its agency


def in_regions(region_code: str, regions: tuple[str, ...]) -> bool:
    """A region code matches a GB/T 2260 code of a province (2 digits), prefecture (4) or county (6)."""
    return not regions or any(region_code.startswith(_prefix(code)) for code in regions)


def _prefix(code: str) -> str:
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def covers(regions: tuple[str, ...], region_code: str) -> bool:
    """Whether any of `regions` contains `region_code` (a remote draw must not)."""
    return any(region_code.startswith(_prefix(code)) or code.startswith(_prefix(region_code)) for code in regions)


def recusals(expert: ExpertFacts, parties: DrawParties, evaluation_at: datetime) -> list[tuple[Recusal, str]]:
    """Every reason the expert may not sit on this lot's committee, with its detail (empty: eligible)."""
    found: list[tuple[Recusal, str]] = []
    employer = expert.employer_org_id
    if (employer and employer in parties.bidders) or (
        expert.employer_credit_code and expert.employer_credit_code in parties.bidder_credit_codes
    ):
        found.append((Recusal.EMPLOYER_IS_BIDDER, "the expert's employer bids on the lot (alone or in a consortium)"))
    if employer and employer in parties.tender_side:
        found.append((Recusal.EMPLOYER_IS_TENDER_PARTY, "the expert's employer is the tenderer or its agency"))
    related = expert.conflicts & (parties.bidders | parties.tender_side)
    if related:
        found.append((Recusal.DECLARED_RELATION, f"declared a relation with {len(related)} party(ies) to the lot"))
    if expert.punished:
        found.append((Recusal.PUNISHED, "punished for an offence in tendering (评标规定12)"))
    if expert.supervising_staff:
        found.append((Recusal.SUPERVISING_STAFF, "staff of the competent or supervising authority (评标规定12)"))
    if expert.blacklisted:
        found.append((Recusal.BLACKLISTED, "removed from the pool's active list (blacklist)"))
    if any(start <= evaluation_at < end for start, end in expert.unavailable):
        found.append((Recusal.UNAVAILABLE, "declared unavailable at the time of the evaluation"))
    if not expert.certificate_fingerprint:
        found.append((Recusal.NO_CERTIFICATE, "has no signing certificate to sign the evaluation report with"))
    return found


def clean_specialties(codes: list[str] | tuple[str, ...], *, field: str = "specialties") -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(code.strip().upper() for code in codes))
    if not cleaned or len(cleaned) > 10:
        raise ValidationFailed("give between 1 and 10 specialty codes", field=field)
    for code in cleaned:
        if not SPECIALTY.match(code):
            raise ValidationFailed(
                f"specialty code {code!r}: a capital letter then 1-11 capitals or digits (e.g. A010101)", field=field
            )
    return cleaned


# --- the draw's state table ---------------------------------------------------------------------------------------


class DrawState(StrEnum):
    COMMITTING = "committing"  # the pool is fixed; parties commit to H(contribution)
    REVEALING = "revealing"  # every commitment is in; parties reveal before the reveal deadline
    DRAWN = "drawn"  # seed known, committee taken; declines still recorded
    FIXED = "fixed"  # the result is fixed; replacements only (条例48)
    CANCELLED = "cancelled"  # abandoned before it was fixed (the pool ran out); the lot may be drawn again


class DrawEvent(StrEnum):
    ALL_COMMITTED = "all_committed"
    ALL_REVEALED = "all_revealed"
    REVEAL_MISSED = "reveal_missed"  # a party did not reveal in time: a new round with fresh commitments
    DECLINE = "decline"
    FIX = "fix"
    REPLACE = "replace"
    CANCEL = "cancel"


TRANSITIONS: dict[tuple[DrawState, DrawEvent], DrawState] = {
    (DrawState.COMMITTING, DrawEvent.ALL_COMMITTED): DrawState.REVEALING,
    (DrawState.REVEALING, DrawEvent.ALL_REVEALED): DrawState.DRAWN,
    (DrawState.REVEALING, DrawEvent.REVEAL_MISSED): DrawState.COMMITTING,
    (DrawState.DRAWN, DrawEvent.DECLINE): DrawState.DRAWN,
    (DrawState.DRAWN, DrawEvent.FIX): DrawState.FIXED,
    (DrawState.FIXED, DrawEvent.REPLACE): DrawState.FIXED,
    (DrawState.COMMITTING, DrawEvent.CANCEL): DrawState.CANCELLED,
    (DrawState.REVEALING, DrawEvent.CANCEL): DrawState.CANCELLED,
    (DrawState.DRAWN, DrawEvent.CANCEL): DrawState.CANCELLED,
}


def advance(state: DrawState | str, event: DrawEvent) -> DrawState:
    current = DrawState(state)
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s is current)
        raise Conflict(
            f"the draw is {current.value}: {event.value} is not possible now (possible: {', '.join(allowed) or '-'})",
            field="state",
            code="draw_state",
        ) from None
