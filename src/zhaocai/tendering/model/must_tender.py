"""Must this contract be tendered? (必须招标的工程项目规定, 16号令)

A contract must be tendered when both hold:
- the project is in scope (16号令2–4): budget funds of at least must_tender_budget_funds_min_yuan that are also at
  least must_tender_budget_funds_min_ratio of the investment (2(一)); or state-owned funds in control (2(二)); or
  loans or aid from international organisations or foreign governments (3); or large public-interest infrastructure
  in the scope 发改法规规〔2018〕843号 lists (4);
- the contract's estimate reaches the threshold of its kind (16号令5): works, key equipment and materials, or survey,
  design and supervision services. Purchases of one project that could be merged count together (16号令5, 2nd para).
The verdict carries every reason and the rule rows it used, so it can be shown to the tenderer and the supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhaocai.core.errors import ValidationFailed
from zhaocai.core.money import format_yuan, parse_yuan
from zhaocai.rules import Rule, RulesTable, meets_ratio, reaches
from zhaocai.rules.errors import RuleNotInForce
from zhaocai.rules.table import local_day
from zhaocai.tendering.model import citations
from zhaocai.tendering.model.project import Project
from zhaocai.tendering.model.tender import TenderKind

THRESHOLD_RULE = {
    TenderKind.WORKS: "must_tender_works_min_yuan",
    TenderKind.GOODS: "must_tender_goods_min_yuan",
    TenderKind.SERVICES: "must_tender_services_min_yuan",
}
BUDGET_AMOUNT_RULE = "must_tender_budget_funds_min_yuan"
BUDGET_RATIO_RULE = "must_tender_budget_funds_min_ratio"


@dataclass(frozen=True)
class MustTenderVerdict:
    must_tender: bool
    in_scope: bool
    reaches_threshold: bool
    threshold: Rule  # the row for the contract's kind that applied
    reasons: tuple[str, ...]  # one line per test, with its citation
    rules: tuple[Rule, ...]  # every row consulted
    open_tender_required: bool  # state-controlled and must be tendered: 公开招标 (条例8)

    @property
    def citation(self) -> str:
        return self.threshold.citation


def must_tender_check(
    project: Project,
    *,
    kind: TenderKind,
    contract_estimate: Decimal,
    merged_estimate: Decimal | None = None,
    on: date,
    rules: RulesTable,
) -> MustTenderVerdict:
    """The reasoned verdict for one contract of `project` under the rules in force `on` (the planned notice day)."""
    day = local_day(on)
    contract_estimate = parse_yuan(contract_estimate, field="contract_estimate")
    if merged_estimate is not None:
        merged_estimate = parse_yuan(merged_estimate, field="merged_estimate")
    budget_amount, budget_ratio = _funding_rules(rules, day)
    threshold = rules.get(THRESHOLD_RULE[kind], day)
    funding = project.funding

    scope: list[str] = []
    budget_ok = reaches(funding.budget_funds, budget_amount) and meets_ratio(
        funding.budget_funds, funding.total_investment, budget_ratio
    )
    budget_verb = "meet" if budget_ok else "do not meet"
    budget_line = (
        f"budget funds (预算资金) {format_yuan(funding.budget_funds)} of {format_yuan(funding.total_investment)} "
        f"{budget_verb} {budget_amount.display_value} and {budget_ratio.display_value} of the investment "
        f"({budget_amount.citation})"
    )
    if budget_ok:
        scope.append(budget_line)
    if funding.state_controlled:
        scope.append(
            f"state-owned funds are in control (国有资金控股或主导) ({citations.MUST_TENDER_STATE_CONTROLLED})"
        )
    if funding.foreign_loans_or_aid:
        scope.append(f"international or foreign-government loans or aid ({citations.MUST_TENDER_FOREIGN_FUNDS})")
    if funding.public_interest_infrastructure:
        scope.append(
            f"large public-interest infrastructure (大型基础设施、公用事业) ({citations.MUST_TENDER_PUBLIC_INTEREST})"
        )
    in_scope = bool(scope)
    if not in_scope:
        scope.append(
            f"not in scope: {budget_line}; no state control, foreign funds or public-interest infrastructure "
            f"({citations.MUST_TENDER_STATE_CONTROLLED}, {citations.MUST_TENDER_FOREIGN_FUNDS}, "
            f"{citations.MUST_TENDER_PUBLIC_INTEREST})"
        )

    reaches_alone = reaches(contract_estimate, threshold)
    reaches_merged = merged_estimate is not None and reaches(merged_estimate, threshold)
    if reaches_alone:
        amount_line = f"the contract estimate {format_yuan(contract_estimate)} reaches {threshold.display_value}"
    elif reaches_merged:
        amount_line = (
            f"the contract estimate {format_yuan(contract_estimate)} is below {threshold.display_value}, but the "
            f"mergeable purchases total {format_yuan(merged_estimate)} ({citations.MUST_TENDER_MERGED})"
        )
    else:
        merged = f" (mergeable total {format_yuan(merged_estimate)})" if merged_estimate is not None else ""
        amount_line = (
            f"the contract estimate {format_yuan(contract_estimate)}{merged} is below {threshold.display_value}"
        )
    amount_line += f" for {kind} ({threshold.citation})"

    must = in_scope and (reaches_alone or reaches_merged)
    return MustTenderVerdict(
        must_tender=must,
        in_scope=in_scope,
        reaches_threshold=reaches_alone or reaches_merged,
        threshold=threshold,
        reasons=(*scope, amount_line),
        rules=(budget_amount, budget_ratio, threshold),
        open_tender_required=must and funding.state_controlled,
    )


def _funding_rules(rules: RulesTable, day: date) -> tuple[Rule, Rule]:
    try:
        return rules.get(BUDGET_AMOUNT_RULE, day), rules.get(BUDGET_RATIO_RULE, day)
    except RuleNotInForce:
        since = rules.history(BUDGET_AMOUNT_RULE)[0]
        raise ValidationFailed(
            f"the must-tender funding test is in the rules table only from {since.effective_from} "
            f"({since.citation}); a tender on {day} must be judged by hand",
            field="on",
            citation=since.citation,
        ) from None
