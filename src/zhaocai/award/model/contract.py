"""The contract's terms against the tender and the winning bid (条例57, 58), and the bond interest owed. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from zhaocai.award.model.citations import CONTRACT_TERMS
from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import CENT
from zhaocai.rules import Rule, check_max_ratio

DAYS_IN_INTEREST_YEAR = 360  # 日利率 = 年利率 / 360, as Chinese banks count deposit interest


@dataclass(frozen=True)
class ContractTerms:
    price: Decimal  # 合同价款
    performance_bond: Decimal  # 履约保证金 (0: none asked)
    duration_days: int | None  # 工期 / 交货期
    quality: str | None
    project_manager: str | None
    clauses: str  # the other terms, as drafted from the tender documents


@dataclass(frozen=True)
class WinningBid:
    """What the winning candidate offered, as the evaluation report records it."""

    price: Decimal  # as corrected (arithmetic correction)
    duration_days: int | None
    quality: str | None
    project_manager: str | None


def _mismatch(field: str, label: str, offered: object, got: object) -> ValidationFailed:
    return ValidationFailed(
        f"the contract's {label} must match the winning bid ({offered}), got {got}: terms must follow the tender "
        "documents and the winning bid, with no side agreement (条例57)",
        field=field,
        citation=CONTRACT_TERMS,
        code=f"{field}_mismatch",
        detail={"bid": str(offered), "got": str(got)},
    )


def check_terms(terms: ContractTerms, bid: WinningBid, performance_bond_max: Rule) -> None:
    if terms.price != bid.price:
        raise _mismatch("price", "price", bid.price, terms.price)
    if bid.duration_days is not None and terms.duration_days != bid.duration_days:
        raise _mismatch("duration_days", "duration (工期, days)", bid.duration_days, terms.duration_days)
    if bid.quality is not None and (terms.quality or "").strip() != bid.quality:
        raise _mismatch("quality", "quality (质量)", bid.quality, terms.quality)
    if bid.project_manager is not None and (terms.project_manager or "").strip() != bid.project_manager:
        raise _mismatch("project_manager", "project manager (项目负责人)", bid.project_manager, terms.project_manager)
    if terms.performance_bond < 0:
        raise ValidationFailed("the performance bond cannot be negative", field="performance_bond")
    check_max_ratio(terms.performance_bond, terms.price, performance_bond_max, field="performance_bond")
    if not terms.clauses.strip():
        raise ValidationFailed("the contract needs its terms (clauses)", field="clauses")


def deposit_interest(principal: Decimal, annual_rate: Decimal, from_day: date, to_day: date) -> tuple[int, Decimal]:
    """Bank-deposit interest on `principal` from the day the money arrived to the day it is due back (counting the
    first day, not the last — 算头不算尾): (days, interest rounded half-up to the fen)."""
    if annual_rate < 0:
        raise ValueError("an interest rate cannot be negative")
    days = max((to_day - from_day).days, 0)
    interest = principal * annual_rate * days / DAYS_IN_INTEREST_YEAR
    return days, interest.quantize(CENT, rounding=ROUND_HALF_UP)
