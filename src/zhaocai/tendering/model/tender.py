"""The tender project (招标项目) and its lots (标段/包): what is tendered, how, and where the procedure stands."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from zhaocai.tendering.model.notice import Notice, NoticeKind
from zhaocai.tendering.model.states import State


class TenderKind(StrEnum):
    WORKS = "works"  # 施工
    GOODS = "goods"  # 货物: equipment and materials (重要设备、材料)
    SERVICES = "services"  # 服务: survey, design, supervision (勘察、设计、监理)


class ProcurementMethod(StrEnum):
    OPEN = "open"  # 公开招标
    INVITED = "invited"  # 邀请招标: at least invited_tender_min_invitees invitees (法17)


class OrganisationForm(StrEnum):
    SELF_RUN = "self_run"  # 自行招标
    AGENCY = "agency"  # 委托招标代理机构 (法12)


class CryptoSuite(StrEnum):
    GM = "gm"  # SM2 / SM3 / SM4
    STD = "std"  # P-256 / SHA-256 / AES-256-GCM


class Stage(StrEnum):
    """Which documents and which deadline an act concerns."""

    PREQUALIFICATION = "prequalification"  # prequalification documents; applications due
    TENDER = "tender"  # tender documents; bid deadline


@dataclass(frozen=True)
class Lot:
    seq: int
    number: str  # 标段(包)编号, derived from the tender number
    name: str
    estimate: Decimal  # 估算价
    bond_amount: Decimal  # 投标保证金, at most bid_bond_max_ratio of the estimate (条例26)


@dataclass(frozen=True)
class Schedule:
    prequal_issued_at: datetime | None = None
    prequal_sale_ends_at: datetime | None = None
    applications_due: datetime | None = None
    documents_issued_at: datetime | None = None
    sale_ends_at: datetime | None = None
    bid_deadline: datetime | None = None

    def deadline(self, stage: Stage) -> datetime | None:
        return self.applications_due if stage is Stage.PREQUALIFICATION else self.bid_deadline

    def issued_at(self, stage: Stage) -> datetime | None:
        return self.prequal_issued_at if stage is Stage.PREQUALIFICATION else self.documents_issued_at

    def sale_end(self, stage: Stage) -> datetime | None:
        return self.prequal_sale_ends_at if stage is Stage.PREQUALIFICATION else self.sale_ends_at


@dataclass(frozen=True)
class Objection:
    """An objection (异议) to the prequalification or tender documents; the answer is a tracked duty (条例22)."""

    id: str
    stage: Stage
    raised_at: datetime
    answer_due_at: datetime  # overdue from this instant
    answered_at: datetime | None = None
    overdue: bool = False  # the answer was not given in time (recorded, flagged to supervision)

    @property
    def pending(self) -> bool:
        return self.answered_at is None


@dataclass(frozen=True)
class Suspension:
    resume_to: State  # the state the tender left, and returns to
    since: datetime
    directive: bool = False  # a supervisory directive to suspend (责令暂停, 条例62) is in force


@dataclass(frozen=True)
class TenderProject:
    id: str
    project_code: str
    seq: int
    number: str  # 招标项目编号, derived from the project code
    name: str
    tenderer_org_id: str
    kind: TenderKind
    method: ProcurementMethod
    organisation: OrganisationForm
    agent_org_id: str | None  # the agency, when organisation is AGENCY (法12)
    estimate: Decimal
    mandatory: bool  # 依法必须进行招标 (the must-tender verdict)
    state_controlled: bool  # 国有资金占控股或者主导地位: open tender required (条例8)
    suite: CryptoSuite = CryptoSuite.GM
    two_envelope: bool = False  # technical and price sections, opened in two stages
    prequalification: bool = False  # 资格预审 (otherwise 资格后审 by the committee, 条例20)
    backup_key_remedy: bool = False  # the documents announce a backup-key remedy for failed decryption (20号令31)
    price_ceiling: Decimal | None = None  # 最高投标限价: published in the documents (条例27)
    reference_price: Decimal | None = None  # 标底: secret until opening (条例27, 50)
    invitees: tuple[str, ...] = ()  # organisation ids, invited tender only
    invitation_grounds: str = ""  # why a state-controlled project may invite (条例8)
    lots: tuple[Lot, ...] = ()
    state: State = State.DRAFT
    rules_date: date | None = None  # the day the notice was published: the rules of that day govern (DESIGN 1)
    notice: Notice | None = None
    schedule: Schedule = Schedule()
    objections: tuple[Objection, ...] = ()
    suspension: Suspension | None = None
    passed_applicants: int | None = None
    qualified_org_ids: tuple[str, ...] = ()  # those who passed prequalification: only they may bid (条例19)
    last_event_at: datetime | None = None
    end_reason: str = ""  # why it was cancelled or failed
    predecessor_id: str | None = None  # the tender this one re-runs (重新招标)
    successor_id: str | None = None

    @property
    def works(self) -> bool:
        return self.kind is TenderKind.WORKS

    @property
    def active_state(self) -> State:
        """The state the procedure is in, or, while suspended, the one it will resume to."""
        return self.suspension.resume_to if self.suspension is not None else self.state

    @property
    def stage(self) -> Stage:
        """Which documents and deadline an amendment or objection concerns now."""
        return Stage.PREQUALIFICATION if self.active_state is State.PREQUALIFICATION else Stage.TENDER

    @property
    def notice_kind(self) -> NoticeKind:
        if self.method is ProcurementMethod.INVITED:
            return NoticeKind.INVITATION
        return NoticeKind.PREQUAL_NOTICE if self.prequalification else NoticeKind.TENDER_NOTICE

    def pending_objections(self) -> list[Objection]:
        return [objection for objection in self.objections if objection.pending]

    def objection(self, objection_id: str) -> Objection | None:
        return next((objection for objection in self.objections if objection.id == objection_id), None)

    def lot(self, number: str) -> Lot | None:
        return next((lot for lot in self.lots if lot.number == number), None)


# The fields that record where the procedure stands, as opposed to the tender's terms.
PROCEDURE_FIELDS = frozenset(
    {
        "state",
        "rules_date",
        "notice",
        "schedule",
        "objections",
        "suspension",
        "passed_applicants",
        "qualified_org_ids",
        "last_event_at",
        "end_reason",
        "predecessor_id",
        "successor_id",
    }
)


def restarted(tender: TenderProject) -> TenderProject:
    """The same terms with the procedure back at its start."""
    return replace(tender, **{field.name: field.default for field in fields(tender) if field.name in PROCEDURE_FIELDS})


def sells_documents(tender: TenderProject) -> bool:
    """Whether tender documents can be obtained now (the sale period, 条例16)."""
    return tender.state is State.DOCUMENTS_ISSUED


def accepts_bids(tender: TenderProject, at: datetime) -> bool:
    """Whether a bid arriving at `at` may be taken: documents out, not suspended, before the deadline."""
    deadline = tender.schedule.bid_deadline
    return tender.state in (State.DOCUMENTS_ISSUED, State.BIDDING_OPEN) and deadline is not None and at < deadline


def accepts_applications(tender: TenderProject, at: datetime) -> bool:
    """Whether a prequalification application arriving at `at` may be taken."""
    due = tender.schedule.applications_due
    return tender.state is State.PREQUALIFICATION and due is not None and at < due
