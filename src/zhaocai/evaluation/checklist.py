"""The mandatory rejection checks (否决投标, 条例51) each member answers for each bid, with a reason for every failed
item. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from zhaocai.core.errors import ValidationFailed

CITATION = "条例51"


@dataclass(frozen=True)
class Item:
    code: str
    stage: str  # technical | price (in a one-envelope lot every item is checked in the stage `whole`)
    text: str


ITEMS = (
    Item("signature", "technical", "投标文件未经投标单位盖章和单位负责人签字 (not stamped and signed)"),
    Item("consortium_agreement", "technical", "投标联合体没有提交共同投标协议 (no consortium agreement)"),
    Item("qualification", "technical", "投标人不符合国家或者招标文件规定的资格条件 (not qualified)"),
    Item("multiple_bids", "technical", "同一投标人提交两个以上不同的投标文件或者投标报价 (two different bids)"),
    Item("price", "price", "投标报价低于成本或者高于招标文件设定的最高投标限价 (below cost or above the ceiling)"),
    Item("responsiveness", "technical", "投标文件没有对招标文件的实质性要求和条件作出响应 (not responsive)"),
    Item("collusion_fraud", "technical", "投标人有串通投标、弄虚作假、行贿等违法行为 (collusion, fraud, bribery)"),
)


def items_for(stage: str) -> tuple[Item, ...]:
    return ITEMS if stage == "whole" else tuple(item for item in ITEMS if item.stage == stage)


def check_answers(stage: str, answers: dict[str, dict]) -> dict[str, dict]:
    """The checklist as stored: every item of the stage answered, a reason for each failed one, nothing else."""
    expected = {item.code for item in items_for(stage)}
    unknown = sorted(set(answers) - expected)
    if unknown:
        raise ValidationFailed(
            f"checklist items {', '.join(unknown)} are not checked in the {stage} stage", field="checklist"
        )
    missing = sorted(expected - set(answers))
    if missing:
        raise ValidationFailed(
            f"every mandatory rejection check (条例51) must be answered; missing: {', '.join(missing)}",
            field="checklist",
            citation=CITATION,
        )
    stored: dict[str, dict] = {}
    for code, answer in answers.items():
        passed = bool(answer.get("passed"))
        reason = (answer.get("reason") or "").strip() or None
        if not passed and reason is None:
            raise ValidationFailed(
                f"checklist item {code} failed: a rejection needs its reason (否决投标的理由)",
                field="checklist",
                citation=CITATION,
            )
        stored[code] = {"passed": passed, "reason": reason}
    return stored


def failed_items(checklist: dict[str, dict]) -> list[tuple[str, str]]:
    return [(code, answer["reason"]) for code, answer in sorted(checklist.items()) if not answer["passed"]]
