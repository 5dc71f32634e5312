"""Exchange messages of the award domain (DESIGN principle 7), keyed by national data item names. PLATFORM_CODE, the
message id and signature are stamped by the relay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from zhaocai.award.context import LotContext
from zhaocai.tendering.messages import data_timestamp

CANDIDATE_PUBLICITY = "CANDIDATE_PUBLICITY"  # 中标候选人公示
WIN_BID_RESULT = "WIN_BID_RESULT"  # 中标结果 (the award decision)
AWARD_REPORT = "AWARD_REPORT"  # 招标投标情况书面报告 (法47)
CONTRACT_SIGNED = "CONTRACT_SIGNED"  # 合同订立
CONTRACT_PERFORMANCE = "CONTRACT_PERFORMANCE"  # 履约信息
EXCEPTION_REPORT = "EXCEPTION_REPORT"  # a tracked duty missed, for supervision


def moment(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def lot_items(ctx: LotContext, at: datetime) -> dict[str, Any]:
    return {
        "DATA_TIMESTAMP": data_timestamp(at),
        "PROJECT_CODE": ctx.tender.project_code,
        "TENDER_PROJECT_CODE": ctx.tender.number,
        "TENDER_PROJECT_NAME": ctx.tender.name,
        "BID_SECTION_CODE": ctx.lot.number,
        "BID_SECTION_NAME": ctx.lot.name,
    }


def exception(ctx: LotContext, at: datetime, *, kind: str, basis: str, **items: Any) -> dict[str, Any]:
    return lot_items(ctx, at) | {"EXCEPTION_TYPE": kind, "EXCEPTION_BASIS": basis} | items
