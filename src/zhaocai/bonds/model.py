"""Bid bonds, pure: payment reference codes, account numbers, what a received payment counts as, coverage of the
bond a lot asks for, electronic guarantees, and when a refund duty is looked at next. No I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from zhaocai.core.errors import ValidationFailed
from zhaocai.rules.periods import local, start_of_day

# --- reference codes ---------------------------------------------------------------------------------------------
# "ZC" + 10 random digits + 2 check digits (ISO 7064 MOD 97-10, as in IBANs): written in the transfer's remark
# (附言), or its 12 digits used as the suffix of a virtual sub-account. A mistyped digit fails the check.

REFERENCE_PREFIX = "ZC"
_CODE_IN_TEXT = re.compile(r"ZC(\d{12})(?!\d)")
_SEPARATORS = re.compile(r"[\s\-_/.,，。:：]+")


def _mod97_check(body: str) -> str:
    return f"{98 - (int(body) * 100) % 97:02d}"


def reference_code(random_digits: str) -> str:
    if not (len(random_digits) == 10 and random_digits.isdigit()):
        raise ValueError("a reference code is made from 10 random digits")
    return REFERENCE_PREFIX + random_digits + _mod97_check(random_digits)


def is_reference_code(digits12: str) -> bool:
    return len(digits12) == 12 and digits12.isdigit() and _mod97_check(digits12[:10]) == digits12[10:]


def codes_in_remark(remark: str) -> set[str]:
    """Every well-formed reference code in a remark, however the payer spaced or hyphenated it."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", remark or "")).upper()
    return {REFERENCE_PREFIX + digits for digits in _CODE_IN_TEXT.findall(text) if is_reference_code(digits)}


def code_of_virtual_account(account: str | None) -> str | None:
    """The code a virtual sub-account ends with, if it ends with a well-formed one."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", account or "") if ch.isdigit())
    tail = digits[-12:]
    return REFERENCE_PREFIX + tail if len(digits) > 12 and is_reference_code(tail) else None


# --- accounts ----------------------------------------------------------------------------------------------------

_ACCOUNT = re.compile(r"[0-9A-Z]{6,34}")


def normalise_account_number(value: str, *, field: str = "account_number") -> str:
    """A bank account number as compared: full-width folded, spaces and hyphens removed, upper case."""
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if not _ACCOUNT.fullmatch(number):
        raise ValidationFailed(f"{field}: an account number has 6 to 34 digits or letters", field=field)
    return number


def normalise_name(value: str) -> str:
    """An organisation's or account's name as compared: NFKC, no spaces, brackets of either width alike."""
    text = "".join(unicodedata.normalize("NFKC", value or "").split())
    return text.replace("（", "(").replace("）", ")").casefold()


@dataclass(frozen=True)
class BasicAccount:
    org_id: str
    account_number: str
    account_name: str
    bank_name: str


# --- payments ----------------------------------------------------------------------------------------------------


class PaymentStatus(StrEnum):
    ACCEPTED = "accepted"  # counts towards the bidder's bond
    REFUSED = "refused"  # tied to a (lot, bidder) but not acceptable as its bond (e.g. not from the basic account)
    LATE = "late"  # arrived after the bid deadline
    UNMATCHED = "unmatched"  # no issued reference code found, nor a single expected bond it can only be
    HELD = "held"  # tied to a lot whose bond requirement itself breaks the rules: for the operator to resolve


class MatchedBy(StrEnum):
    REFERENCE = "reference"  # the code in the remark or the virtual sub-account
    ACCOUNT_AND_AMOUNT = "account_and_amount"  # no code, but exactly one expected bond of this amount


UNRESOLVED = frozenset({PaymentStatus.REFUSED, PaymentStatus.LATE, PaymentStatus.UNMATCHED, PaymentStatus.HELD})


@dataclass(frozen=True)
class Decision:
    status: PaymentStatus
    reason_code: str | None = None
    reason: str | None = None
    citation: str | None = None


def arrived_late(value_date: date, value_at: datetime | None, deadline: datetime | None) -> bool:
    """After the deadline: by the instant when the statement gives the time, else by the Asia/Shanghai day (a
    payment dated the deadline's day counts as in time)."""
    if deadline is None:
        return False
    if value_at is not None:
        return value_at >= deadline
    return value_date > local(deadline).date()


# --- coverage ----------------------------------------------------------------------------------------------------


class Coverage(StrEnum):
    UNPAID = "unpaid"
    PARTIAL = "partial"  # accepted transfers short of the bond
    COVERED = "covered"  # accepted transfers (or a recorded guarantee) reach the bond


@dataclass(frozen=True)
class CoverageFigures:
    coverage: Coverage
    received: Decimal
    shortfall: Decimal
    excess: Decimal


def coverage_of(required: Decimal, accepted: list[Decimal], guarantee_amount: Decimal | None) -> CoverageFigures:
    received = sum(accepted, Decimal("0.00"))
    if (guarantee_amount is not None and guarantee_amount >= required) or (received >= required and received > 0):
        state = Coverage.COVERED
    else:
        state = Coverage.PARTIAL if received > 0 else Coverage.UNPAID
    shortfall = max(required - received, Decimal("0.00")) if state is not Coverage.COVERED else Decimal("0.00")
    return CoverageFigures(state, received, shortfall, max(received - required, Decimal("0.00")))


# --- electronic guarantees (电子保函) ---------------------------------------------------------------------------------

_VERIFICATION = re.compile(r"[0-9A-Za-z\-]{4,64}")
_GUARANTEE_NUMBER = re.compile(r"[0-9A-Za-z\-_/()（）]{4,64}")


@dataclass(frozen=True)
class GuaranteeDraft:
    issuer: str
    number: str
    amount: Decimal
    beneficiary: str
    valid_from: date
    valid_until: date
    verification_code: str


def validate_guarantee(
    draft: GuaranteeDraft, *, required: Decimal, tenderer_name: str, deadline: datetime, cover_until: date
) -> GuaranteeDraft:
    """An e-guarantee counts as the bond when it is for at least the bond, in the tenderer's favour, in force on
    the bid deadline and until `cover_until` (the end of the bid validity, 条例26), and verifiable."""
    issuer = " ".join(draft.issuer.split())
    if not issuer:
        raise ValidationFailed("the issuer (出具机构) is required", field="issuer")
    number = unicodedata.normalize("NFKC", draft.number).strip()
    if not _GUARANTEE_NUMBER.fullmatch(number):
        raise ValidationFailed("the guarantee number (保函编号) has 4 to 64 letters, digits or -_/()", field="number")
    code = draft.verification_code.strip()
    if not _VERIFICATION.fullmatch(code):
        raise ValidationFailed(
            "the verification code (验真码) has 4 to 64 letters, digits or -", field="verification_code"
        )
    if draft.amount < required:
        raise ValidationFailed(
            f"the guarantee is for {draft.amount} yuan, less than the bond of {required} yuan", field="amount"
        )
    if normalise_name(draft.beneficiary) != normalise_name(tenderer_name):
        raise ValidationFailed("the beneficiary (受益人) must be the tenderer (招标人)", field="beneficiary")
    deadline_day = local(deadline).date()
    if draft.valid_from > deadline_day:
        raise ValidationFailed(
            f"the guarantee must be in force on the bid deadline ({deadline_day}); it starts {draft.valid_from}",
            field="valid_from",
        )
    if draft.valid_until < cover_until:
        raise ValidationFailed(
            f"the guarantee must stay in force as long as the bid (条例26), at least until {cover_until}; "
            f"it ends {draft.valid_until}",
            field="valid_until",
            citation="条例26",
        )
    return GuaranteeDraft(
        issuer, number, draft.amount, draft.beneficiary.strip(), draft.valid_from, draft.valid_until, code
    )


# --- refunds -----------------------------------------------------------------------------------------------------


class RefundCause(StrEnum):
    """Why a bond falls due back. WITHDRAWAL is this issue's (条例35). The refunds after the contract (条例57) and
    to the losing bidders come with award and contract: add their causes here and open them with
    `bonds.refunds.open_refund`, which tracks every cause the same way."""

    WITHDRAWAL = "withdrawal"
    CONTRACT_SIGNED = "contract_signed"  # every bidder's bond, with deposit interest, after the contract (条例57)


class RefundState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"  # not refunded by the end of the period: flagged
    REFUNDED = "refunded"


@dataclass(frozen=True)
class RefundClock:
    """What the refund job needs to know of one refund to decide what is due now and when to look again."""

    state: RefundState
    due_day: date
    overdue_at: datetime
    reminded: bool
    overdue_flagged: bool
    reported: bool
    bid_deadline: datetime | None


def reminder_at(due_day: date) -> datetime:
    """Reminders go out at the start of the last day (Asia/Shanghai)."""
    return start_of_day(due_day)


def refund_steps(refund: RefundClock, now: datetime) -> list[str]:
    """The steps due now, in order: remind, flag overdue, report to supervision (only once the bid deadline has
    passed: before it, a refund would reveal a withdrawn bidder)."""
    steps = []
    if refund.state is RefundState.DUE and not refund.reminded and now >= reminder_at(refund.due_day):
        steps.append("remind")
    overdue = refund.overdue_flagged or (refund.state is RefundState.DUE and now >= refund.overdue_at)
    if refund.state is RefundState.DUE and now >= refund.overdue_at:
        steps.append("flag_overdue")
    if overdue and not refund.reported and refund.bid_deadline is not None and now >= refund.bid_deadline:
        steps.append("report")
    return steps


def next_refund_check(refund: RefundClock, now: datetime) -> datetime | None:
    """When to look at the refund again, after applying what `refund_steps` asked for at `now`."""
    moments = []
    if refund.state is RefundState.DUE:
        if not refund.reminded:
            moments.append(reminder_at(refund.due_day))
        moments.append(refund.overdue_at)
    elif refund.overdue_flagged and not refund.reported and refund.bid_deadline is not None:
        moments.append(refund.bid_deadline)
    upcoming = [moment for moment in moments if moment > now]
    return min(upcoming) if upcoming else None
