"""Notices (招标公告, 资格预审公告, 投标邀请书) and the content 10号令5 requires of them.

10号令5: a prequalification notice or tender notice states (一) the tender's name, content, scope, size and source of
funds; (二) the qualifications bidders need and whether consortia (联合体) may bid; (三) when and how to get the
documents; (四) the deadline and how to submit; (五) the names, addresses, contact persons and contact details of the
tenderer and its agency; (六) for an electronic tender, the platform's URL and how to use it.
`missing_notice_items` names every item left out, so the tenderer fixes them all at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from zhaocai.core.errors import ValidationFailed
from zhaocai.tendering.model.citations import NOTICE_CONTENT


class NoticeKind(StrEnum):
    TENDER_NOTICE = "tender_notice"  # 招标公告
    PREQUAL_NOTICE = "prequal_notice"  # 资格预审公告
    INVITATION = "invitation"  # 投标邀请书 (邀请招标)


@dataclass(frozen=True)
class Contact:
    organisation: str
    address: str
    person: str
    phone: str


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    tender_number: str
    # (一)
    tender_name: str = ""
    content: str = ""
    scope: str = ""
    scale: str = ""
    funding_source: str = ""
    # (二)
    qualifications: str = ""
    consortium_allowed: bool | None = None  # None: the notice does not say
    # (三)
    documents_from: datetime | None = None
    documents_until: datetime | None = None
    documents_how: str = ""
    # (四)
    submission_deadline: datetime | None = None
    submission_how: str = ""
    # (五)
    tenderer: Contact | None = None
    agent: Contact | None = None
    # (六)
    platform_url: str = ""
    platform_usage: str = ""


@dataclass(frozen=True)
class NoticeItem:
    field: str
    label: str
    clause: str

    def __str__(self) -> str:
        return f"{self.label} [{self.field}, {self.clause}]"


def _clause(number: str) -> str:
    return f"{NOTICE_CONTENT}({number})"


_CONTACT_PARTS = (
    ("organisation", "name (名称)"),
    ("address", "address (地址)"),
    ("person", "contact person (联系人)"),
    ("phone", "contact details (联系方式)"),
)


def missing_notice_items(notice: Notice, *, agency: bool) -> list[NoticeItem]:
    """Every item 10号令5 requires that `notice` leaves out or gets wrong, in the order of the article.
    `agency`: the tender is run by an agency (法12), whose contacts the notice must then give too."""
    return list(_missing(notice, agency=agency))


def _missing(notice: Notice, *, agency: bool) -> Iterator[NoticeItem]:
    yield from _blank(notice, "tender_name", "the tender's name (招标项目名称)", "一")
    yield from _blank(notice, "content", "what is tendered (内容)", "一")
    yield from _blank(notice, "scope", "the scope (范围)", "一")
    yield from _blank(notice, "scale", "the size (规模)", "一")
    yield from _blank(notice, "funding_source", "the source of funds (资金来源)", "一")
    yield from _blank(notice, "qualifications", "the qualifications bidders need (投标资格能力要求)", "二")
    if notice.consortium_allowed is None:
        yield NoticeItem("consortium_allowed", "whether consortia may bid (是否接受联合体投标)", _clause("二"))
    yield from _missing_period(notice)
    yield from _blank(notice, "documents_how", "how to get the documents (获取文件的方式)", "三")
    if notice.submission_deadline is None:
        yield NoticeItem("submission_deadline", "the submission deadline (递交截止时间)", _clause("四"))
    yield from _blank(notice, "submission_how", "how to submit (递交方式)", "四")
    yield from _missing_contact(notice.tenderer, "tenderer", "the tenderer's")
    if agency:
        yield from _missing_contact(notice.agent, "agent", "the agency's")
    if not _is_web_address(notice.platform_url):
        yield NoticeItem("platform_url", "the trading platform's web address (网址), http(s)://…", _clause("六"))
    yield from _blank(notice, "platform_usage", "how to use the trading platform (访问交易平台的方法)", "六")


def _blank(notice: Notice, field: str, label: str, number: str) -> Iterator[NoticeItem]:
    if not getattr(notice, field).strip():
        yield NoticeItem(field, label, _clause(number))


def _missing_period(notice: Notice) -> Iterator[NoticeItem]:
    clause = _clause("三")
    if notice.documents_from is None:
        yield NoticeItem("documents_from", "when the documents can first be obtained (获取文件的时间)", clause)
    if notice.documents_until is None:
        yield NoticeItem("documents_until", "when the documents can last be obtained (获取文件的时间)", clause)
    elif notice.documents_from is not None and notice.documents_until <= notice.documents_from:
        yield NoticeItem("documents_until", "a document period that ends after it starts", clause)


def _missing_contact(contact: Contact | None, field: str, whose: str) -> Iterator[NoticeItem]:
    clause = _clause("五")
    for part, label in _CONTACT_PARTS:
        if contact is None or not getattr(contact, part).strip():
            yield NoticeItem(f"{field}.{part}", f"{whose} {label}", clause)


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate_notice(notice: Notice, *, tender_number: str, expected_kind: NoticeKind, agency: bool) -> None:
    """Refuse a notice that is not the one this tender needs or leaves out anything 10号令5 requires; the error
    lists every missing item (detail["missing"] holds their field names)."""
    if notice.tender_number.strip() != tender_number:
        raise ValidationFailed(
            f"the notice names tender {notice.tender_number!r}, not {tender_number!r}", field="notice.tender_number"
        )
    if notice.kind is not expected_kind:
        raise ValidationFailed(
            f"this tender needs a {expected_kind} (not a {notice.kind})", field="notice.kind", citation=NOTICE_CONTENT
        )
    missing = missing_notice_items(notice, agency=agency)
    if missing:
        raise ValidationFailed(
            f"the notice must state ({NOTICE_CONTENT}): " + "; ".join(str(item) for item in missing),
            field="notice",
            citation=NOTICE_CONTENT,
            detail={"missing": [item.field for item in missing]},
        )
