"""Exchange messages the tender procedure writes to the outbox (DESIGN principle 7), keyed by the national data
item names of the 交易平台 technical specification (PROJECT_CODE, TENDER_PROJECT_CODE, BID_SECTION_CODE, ...).
PLATFORM_CODE and the message id and signature are stamped by the relay, which is the same for every message.

Nothing here may reveal who downloaded, asked, objected or bid before the deadline (DESIGN principle 4).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from zhaocai.core.clock import SHANGHAI
from zhaocai.tendering import codec
from zhaocai.tendering.model import Objection, OrganisationForm, ProcurementMethod, TenderProject

TENDER_NOTICE = "TENDER_NOTICE"  # 招标公告 / 资格预审公告 / 投标邀请书 published
TENDER_CLARIFICATION = "TENDER_CLARIFICATION"  # 澄清/修改 published
TENDER_TERMINATED = "TENDER_TERMINATED"  # 终止招标 (条例31), 流标 or re-tender
EXCEPTION_REPORT = "EXCEPTION_REPORT"  # 招标异常: a tracked duty missed, for supervision

# Codes of the technical specification (reference/china-rules.md §3).
ORGANISE_FORM = {OrganisationForm.SELF_RUN: "1", OrganisationForm.AGENCY: "2"}
TENDER_MODE = {ProcurementMethod.OPEN: "1", ProcurementMethod.INVITED: "2"}


def data_timestamp(at: datetime) -> str:
    """DATA_TIMESTAMP: YYYYMMDDhhmmss, Beijing time."""
    return at.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")


def _moment(at: datetime | None) -> str | None:
    return codec.to_data(at) if at is not None else None


def _tender_items(tender: TenderProject, at: datetime) -> dict[str, Any]:
    return {
        "DATA_TIMESTAMP": data_timestamp(at),
        "PROJECT_CODE": tender.project_code,
        "TENDER_PROJECT_CODE": tender.number,
        "TENDER_PROJECT_NAME": tender.name,
    }


def tender_notice(tender: TenderProject, at: datetime) -> dict[str, Any]:
    notice = tender.notice
    assert notice is not None
    return _tender_items(tender, at) | {
        "TENDER_MODE": TENDER_MODE[tender.method],
        "TENDER_ORGANIZE_FORM": ORGANISE_FORM[tender.organisation],
        "TENDER_PROJECT_TYPE": tender.kind.value,
        "BULLETIN_TYPE": notice.kind.value,
        "NOTICE_SEND_TIME": _moment(at),
        "DOC_GET_START_TIME": _moment(notice.documents_from),
        "DOC_GET_END_TIME": _moment(notice.documents_until),
        "BID_DOC_REFER_END_TIME": _moment(notice.submission_deadline),
        "URL": notice.platform_url,
        "PRICE_CEILING": codec.to_data(tender.price_ceiling),
        "BID_SECTIONS": [
            {
                "BID_SECTION_CODE": lot.number,
                "BID_SECTION_NAME": lot.name,
                "CONTRACT_RECKON_PRICE": str(lot.estimate),
                "MARGIN_AMOUNT": str(lot.bond_amount),
            }
            for lot in tender.lots
        ],
        "BULLETIN_CONTENT": codec.to_data(notice),
    }


def clarification(tender: TenderProject, *, seq: int, title: str, deadline: datetime | None, at: datetime) -> dict:
    return _tender_items(tender, at) | {
        "CLARIFICATION_SEQ": seq,
        "CLARIFICATION_TITLE": title,
        "BID_DOC_REFER_END_TIME": _moment(deadline),
        "NOTICE_SEND_TIME": _moment(at),
    }


def terminated(tender: TenderProject, at: datetime) -> dict[str, Any]:
    return _tender_items(tender, at) | {
        "TENDER_STATUS": tender.state.value,
        "TERMINATE_REASON": tender.end_reason,
        "SUCCESSOR_TENDER_ID": tender.successor_id,
    }


def objection_overdue(tender: TenderProject, objection: Objection, at: datetime) -> dict[str, Any]:
    """An objection to the documents left unanswered past its due time (条例22): tracked, flagged to supervision.
    Who raised it is not named (it would reveal a would-be bidder before the deadline)."""
    return _tender_items(tender, at) | {
        "EXCEPTION_TYPE": "objection_answer_overdue",
        "EXCEPTION_BASIS": "条例22",
        "OBJECTION_ID": objection.id,
        "OBJECTION_STAGE": objection.stage.value,
        "RAISED_TIME": _moment(objection.raised_at),
        "ANSWER_DUE_TIME": _moment(objection.answer_due_at),
    }
