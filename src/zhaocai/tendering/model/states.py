"""The states of a tender procedure and the events that move it (the table itself is in machine.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from zhaocai.tendering.model.notice import Notice


class State(StrEnum):
    DRAFT = "draft"
    NOTICE_PUBLISHED = "notice_published"  # 招标公告 / 资格预审公告 / 投标邀请书 out
    PREQUALIFICATION = "prequalification"  # prequalification documents out, applications taken (资格预审)
    PREQUALIFICATION_RESULT = "prequalification_result"  # enough applicants passed; result sent
    DOCUMENTS_ISSUED = "documents_issued"  # tender documents on sale (发售期); bids may already come in
    BIDDING_OPEN = "bidding_open"  # sale period over; bids taken until the deadline
    DEADLINE_PASSED = "deadline_passed"  # 投标截止: no more bids; opening onward is the next stage
    SUSPENDED = "suspended"  # 暂停: an objection pending (条例22) or a supervisory directive (条例62)
    CANCELLED = "cancelled"  # 终止招标 (条例31)
    FAILED = "failed"  # 流标: too few passed applicants (条例19) or bidders (条例44)
    RE_TENDERED = "re_tendered"  # a successor tender (重新招标) carries on


class EventKind(StrEnum):
    PUBLISH_NOTICE = "publish_notice"
    START_PREQUALIFICATION = "start_prequalification"
    PUBLISH_PREQUAL_RESULT = "publish_prequal_result"
    ISSUE_DOCUMENTS = "issue_documents"
    SALE_PERIOD_ENDED = "sale_period_ended"
    DEADLINE_REACHED = "deadline_reached"
    AMEND_DOCUMENTS = "amend_documents"
    RAISE_OBJECTION = "raise_objection"
    ANSWER_OBJECTION = "answer_objection"
    OBJECTION_ANSWER_DUE = "objection_answer_due"
    SUSPEND_BY_DIRECTIVE = "suspend_by_directive"
    LIFT_DIRECTIVE = "lift_directive"
    RESUME = "resume"
    CANCEL = "cancel"
    DECLARE_FAILED = "declare_failed"
    RE_TENDER = "re_tender"


# Events no person sends: the scheduler raises them when a stored time falls due (timers.py).
TIME_EVENTS = frozenset({EventKind.SALE_PERIOD_ENDED, EventKind.DEADLINE_REACHED, EventKind.OBJECTION_ANSWER_DUE})


@dataclass(frozen=True)
class Event:
    """Something that happened to a tender at `at`, with what the event needs to carry.

    `deadline` is the bid deadline (issue_documents, amend_documents in the tender stage) or the time applications
    are due (start_prequalification, amend_documents in prequalification).
    """

    kind: EventKind
    at: datetime
    notice: Notice | None = None  # publish_notice
    sale_ends_at: datetime | None = None  # start_prequalification, issue_documents
    deadline: datetime | None = None
    affects_bids: bool = True  # amend_documents: whether the change may affect how bids are prepared (条例21)
    passed_applicants: int | None = None  # publish_prequal_result, declare_failed in prequalification
    qualified_org_ids: tuple[str, ...] = ()  # publish_prequal_result: who passed (when the count is not enough)
    bidders: int | None = None  # declare_failed at the deadline
    every_lot_failed: bool = False  # declare_failed later: every lot failed to open or had every bid rejected
    objection_id: str | None = None  # raise_objection, answer_objection, objection_answer_due
    successor_id: str | None = None  # re_tender
    reason: str = ""  # cancel, declare_failed, suspend_by_directive
