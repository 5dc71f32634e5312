"""Where a lot stands after its evaluation report, and which acts each stage allows: a printable table
`stage × act → stage`. The stage is derived from the award records (award/repository.py); acts check it here. Pure."""

from __future__ import annotations

from enum import StrEnum

from zhaocai.core.errors import Conflict


class Stage(StrEnum):
    REPORTED = "reported"  # the evaluation report is closed; nothing published yet
    PUBLICISED = "publicised"  # 中标候选人公示 out
    AWARDED = "awarded"  # 中标人 decided
    NOTIFIED = "notified"  # 中标通知书 sent (signed and delivered): the contract period runs
    CONTRACTED = "contracted"  # both parties signed the contract


class Act(StrEnum):
    PUBLISH = "publish"
    OBJECT = "object"
    ANSWER = "answer"
    DECIDE = "decide"
    REPORT = "report"  # the written report to the supervisor (法47)
    ISSUE_NOTICES = "issue_notices"
    SIGN_NOTICE = "sign_notice"
    DRAFT_CONTRACT = "draft_contract"
    SIGN_CONTRACT = "sign_contract"
    RECORD_PERFORMANCE = "record_performance"


TABLE: dict[tuple[Stage, Act], Stage] = {
    (Stage.REPORTED, Act.PUBLISH): Stage.PUBLICISED,
    (Stage.REPORTED, Act.DECIDE): Stage.AWARDED,  # only where no publicity is required (the guard is the use case's)
    (Stage.PUBLICISED, Act.OBJECT): Stage.PUBLICISED,
    (Stage.PUBLICISED, Act.ANSWER): Stage.PUBLICISED,
    (Stage.PUBLICISED, Act.DECIDE): Stage.AWARDED,
    (Stage.AWARDED, Act.ANSWER): Stage.AWARDED,  # a late answer is still recorded
    (Stage.AWARDED, Act.REPORT): Stage.AWARDED,
    (Stage.AWARDED, Act.ISSUE_NOTICES): Stage.AWARDED,
    (Stage.AWARDED, Act.SIGN_NOTICE): Stage.AWARDED,  # the award notice's signature moves it to NOTIFIED
    (Stage.NOTIFIED, Act.REPORT): Stage.NOTIFIED,
    (Stage.NOTIFIED, Act.SIGN_NOTICE): Stage.NOTIFIED,
    (Stage.NOTIFIED, Act.DRAFT_CONTRACT): Stage.NOTIFIED,
    (Stage.NOTIFIED, Act.SIGN_CONTRACT): Stage.NOTIFIED,  # the second signature moves it to CONTRACTED
    (Stage.CONTRACTED, Act.REPORT): Stage.CONTRACTED,
    (Stage.CONTRACTED, Act.SIGN_NOTICE): Stage.CONTRACTED,
    (Stage.CONTRACTED, Act.RECORD_PERFORMANCE): Stage.CONTRACTED,
}


def allow(stage: Stage, act: Act) -> Stage:
    """The stage after `act`, or Conflict naming the stage when `act` is not possible in it."""
    after = TABLE.get((stage, act))
    if after is None:
        raise Conflict(
            f"the lot's award stands at '{stage.value}': '{act.value.replace('_', ' ')}' is not possible now",
            field="lot_id",
            code="wrong_stage",
            detail={"stage": stage.value, "act": act.value},
        )
    return after
