"""A small world for the tender-procedure tests: a project, tenders, notices, and a timeline in March 2025 whose
limits are worked out by hand from the 2025 calendar (weekends roll a period's last day to Monday).

Timeline (Asia/Shanghai; 2025-03-04 is a Tuesday):
  03-03 09:00  notice published
  03-04 10:00  documents issued (or prequalification documents)
  03-11 00:00  earliest sale end: 5 days 03-05..03-09, 03-09 is a Sunday -> last day Monday 03-10 (条例16)
  03-25 00:00  earliest bid deadline: 20 days 03-05..03-24, last day 03-23 is a Sunday -> 03-24 (法24)
  03-25 09:00  the bid deadline used here
  03-10 00:00  clarifications affecting bids must come before this (15 days 03-10..03-24 before the deadline, 条例21)
  03-15 00:00  objections to the tender documents must come before this (10 days 03-15..03-24, 条例22)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from zhaocai.core.clock import SHANGHAI
from zhaocai.rules import RulesTable, packaged_rules
from zhaocai.tendering.model import (
    ApprovalKind,
    ApprovalRecord,
    Contact,
    Event,
    EventKind,
    Funding,
    Notice,
    OrganisationForm,
    ProcurementMethod,
    Project,
    RuleBook,
    State,
    TenderKind,
    TenderProject,
    add_lot,
    fire,
    new_project,
    new_tender,
)

at = partial(datetime, tzinfo=SHANGHAI)
RULES: RulesTable = packaged_rules()
TODAY = date(2025, 3, 1)
PROJECT_CODE = "2411-130202-89-01-637015"
ONE_DAY = timedelta(days=1)
ONE_MINUTE = timedelta(minutes=1)

NOTICE_AT = at(2025, 3, 3, 9)
ISSUE_AT = at(2025, 3, 4, 10)
SALE_ENDS = at(2025, 3, 11)  # the earliest allowed
EARLIEST_DEADLINE = at(2025, 3, 25)
DEADLINE = at(2025, 3, 25, 9)
# prequalification: the sale ends at 24:00 on Friday 03-14, so 5 days 03-15..03-19 and applications due from 03-20
PREQUAL_SALE_ENDS = at(2025, 3, 15)
APPLICATIONS_DUE = at(2025, 3, 20)


def book(*, mandatory: bool = True, works: bool = True, on: date = TODAY, rules: RulesTable = RULES) -> RuleBook:
    return RuleBook(table=rules, on=on, mandatory=mandatory, works=works)


def project(**funding: object) -> Project:
    values: dict[str, object] = {
        "total_investment": Decimal("50000000.00"),
        "budget_funds": Decimal("10000000.00"),
        "state_funded": True,
    }
    values.update(funding)
    return new_project(
        code=PROJECT_CODE,
        name="某市第一中学新校区建设项目",
        approval=ApprovalRecord(
            ApprovalKind.APPROVED, "某市发展和改革委员会", "某发改投资〔2025〕12号", date(2025, 1, 15)
        ),
        funding=Funding(**values),  # type: ignore[arg-type]
        today=TODAY,
    )


def tender(*, lots: int = 1, **changes: object) -> TenderProject:
    """A draft works tender, open, run by an agency, with `lots` lots whose bonds are at the 2% limit."""
    values: dict[str, object] = {
        "id": "T1",
        "project": project(),
        "seq": 1,
        "name": "新校区教学楼施工",
        "tenderer_org_id": "ORG-TENDERER",
        "kind": TenderKind.WORKS,
        "method": ProcurementMethod.OPEN,
        "organisation": OrganisationForm.AGENCY,
        "agent_org_id": "ORG-AGENT",
        "estimate": Decimal("30000000.00"),
        "mandatory": True,
    }
    values.update(changes)
    draft = new_tender(**values)  # type: ignore[arg-type]
    for seq in range(1, lots + 1):
        draft = add_lot(
            draft,
            seq=seq,
            name=f"第{seq}标段",
            estimate=Decimal("10000000.00"),
            bond_amount=Decimal("200000.00"),
            book=book(mandatory=draft.mandatory, works=draft.works),
        )
    return draft


def contact(organisation: str) -> Contact:
    return Contact(organisation=organisation, address="某市人民路1号", person="张三", phone="0311-12345678")


def notice_for(draft: TenderProject, **changes: object) -> Notice:
    base = Notice(
        kind=draft.notice_kind,
        tender_number=draft.number,
        tender_name=draft.name,
        content="教学楼及附属工程施工",
        scope="施工图范围内的全部工程",
        scale="建筑面积约2万平方米",
        funding_source="财政资金",
        qualifications="建筑工程施工总承包二级及以上资质",
        consortium_allowed=False,
        documents_from=ISSUE_AT,
        documents_until=SALE_ENDS,
        documents_how="在交易平台免费下载",
        submission_deadline=DEADLINE,
        submission_how="在交易平台提交加密的电子投标文件",
        tenderer=contact("某市第一中学"),
        agent=contact("某某招标代理有限公司"),
        platform_url="https://trading.example.cn/tenders",
        platform_usage="注册并使用数字证书登录后下载招标文件、提交投标文件",
    )
    return replace(base, **changes)


def publish(draft: TenderProject) -> TenderProject:
    return fire(draft, Event(EventKind.PUBLISH_NOTICE, NOTICE_AT, notice=notice_for(draft)))


def issue(published: TenderProject, *, at_: datetime = ISSUE_AT, deadline: datetime = DEADLINE) -> TenderProject:
    return fire(published, Event(EventKind.ISSUE_DOCUMENTS, at_, sale_ends_at=SALE_ENDS, deadline=deadline))


def start_prequal(published: TenderProject) -> TenderProject:
    event = Event(EventKind.START_PREQUALIFICATION, ISSUE_AT, sale_ends_at=PREQUAL_SALE_ENDS, deadline=APPLICATIONS_DUE)
    return fire(published, event)


def prequal_passed(running: TenderProject, passed: int = 3) -> TenderProject:
    return fire(running, Event(EventKind.PUBLISH_PREQUAL_RESULT, APPLICATIONS_DUE, passed_applicants=passed))


# After prequalification the tender documents go out on 03-21 (a Friday): sale 03-22..03-26, deadline 20 days on.
POST_PREQUAL_ISSUE = at(2025, 3, 21, 10)
POST_PREQUAL_SALE_ENDS = at(2025, 3, 27)
POST_PREQUAL_DEADLINE = at(2025, 4, 15, 9)  # 20 days 03-22..04-10; any later deadline is fine


def issue_after_prequal(result: TenderProject) -> TenderProject:
    event = Event(
        EventKind.ISSUE_DOCUMENTS,
        POST_PREQUAL_ISSUE,
        sale_ends_at=POST_PREQUAL_SALE_ENDS,
        deadline=POST_PREQUAL_DEADLINE,
    )
    return fire(result, event)


def reach(state: State, *, prequalification: bool = False) -> TenderProject:
    """A tender brought to `state` along the ordinary path (suspended: by an objection to the tender documents;
    failed: too few passed applicants, or too few bidders; cancelled: from documents_issued)."""
    draft = tender(prequalification=prequalification)
    if state is State.DRAFT:
        return draft
    published = publish(draft)
    if state is State.NOTICE_PUBLISHED:
        return published
    if prequalification or state in (State.PREQUALIFICATION, State.PREQUALIFICATION_RESULT):
        return _reach_with_prequal(state)
    issued = issue(published)
    if state is State.DOCUMENTS_ISSUED:
        return issued
    if state is State.SUSPENDED:
        return fire(issued, Event(EventKind.RAISE_OBJECTION, at(2025, 3, 12, 9), objection_id="OBJ-1"))
    if state is State.CANCELLED:
        return fire(issued, Event(EventKind.CANCEL, at(2025, 3, 12, 9), reason="项目取消"))
    bidding = fire(issued, Event(EventKind.SALE_PERIOD_ENDED, SALE_ENDS))
    if state is State.BIDDING_OPEN:
        return bidding
    passed = fire(bidding, Event(EventKind.DEADLINE_REACHED, DEADLINE))
    if state is State.DEADLINE_PASSED:
        return passed
    failed = fire(passed, Event(EventKind.DECLARE_FAILED, DEADLINE + ONE_MINUTE, bidders=2))
    if state is State.FAILED:
        return failed
    if state is State.RE_TENDERED:
        return fire(failed, Event(EventKind.RE_TENDER, DEADLINE + ONE_DAY, successor_id="T2"))
    raise ValueError(f"no ordinary path to {state}")


def _reach_with_prequal(state: State) -> TenderProject:
    running = start_prequal(publish(tender(prequalification=True)))
    if state is State.PREQUALIFICATION:
        return running
    result = prequal_passed(running)
    if state is State.PREQUALIFICATION_RESULT:
        return result
    if state is State.DOCUMENTS_ISSUED:
        return issue_after_prequal(result)
    raise ValueError(f"no prequalification path to {state}")
