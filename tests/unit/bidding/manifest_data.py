"""A valid manifest, as data, for the bid-format tests to break one rule at a time."""

from __future__ import annotations

import copy
from typing import Any

from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit


def credit_code(body: str) -> str:
    return make_credit_code(f"91110108{body}{organization_check_digit(body)}")


LEAD = credit_code("MA01AAAA")
MEMBER = credit_code("MA02BBBB")
HASH = "ab" * 32


def whole(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "section": "whole",
        "tender_id": "T1",
        "lot_id": "L1",
        "bidder": {"kind": "organisation", "credit_code": LEAD, "name": "甲建设有限公司"},
        "hash_algorithm": "sm3",
        "price": {"total": "1250.50", "total_in_words": "壹仟贰佰伍拾元伍角"},
        "bill": [
            {"item": "010101001 平整场地", "unit": "m2", "quantity": "100", "unit_price": "10.00", "total": "1000.00"},
            {"item": "010101002 挖土方", "unit": "m3", "quantity": "33.4", "unit_price": "7.50", "total": "250.50"},
        ],
        "duration_days": 365,
        "quality": "合格",
        "project_manager": {"name": "张三", "certificate_number": "京111060800001"},
        "declared": {"safety_licence": "(京)JZ安许证字[2020]000001"},
        "files": [{"path": "技术标/施工组织设计.pdf", "size": 10, "hash": HASH}],
        "signals": {"machine_hash": "cd" * 32, "tool_id": "zhaocai-bidder/0.1.0"},
    }
    return copy.deepcopy(value) | changes


def consortium(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "consortium",
        "lead": {"credit_code": LEAD, "name": "甲建设有限公司"},
        "members": [{"credit_code": MEMBER, "name": "乙设计院有限公司"}],
        "agreement_file": "联合体协议书.pdf",
    } | changes
