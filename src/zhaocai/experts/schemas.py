"""Request and response bodies of the experts API. Shapes and lengths here; the rules in the use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from zhaocai.experts import repository, views
from zhaocai.experts.queries import CommitteeMember
from zhaocai.web.schemas import StrictIn

Id = Annotated[str, Field(min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Specialty = Annotated[str, Field(min_length=2, max_length=12, pattern=r"^[A-Za-z][0-9A-Za-z]{1,11}$")]
Region = Annotated[str, Field(min_length=6, max_length=6, pattern=r"^\d{6}$")]
Hex64 = Annotated[str, Field(min_length=64, max_length=64, pattern=r"^[0-9a-fA-F]{64}$")]
Fingerprint = Annotated[str, Field(min_length=64, max_length=64, pattern=r"^[0-9a-fA-F]{64}$")]
Party = Literal["tenderer", "supervision"]


class ExpertIn(StrictIn):
    user_id: Id = Field(..., description="an identity user holding the role expert")
    name: Annotated[str, Field(min_length=1, max_length=100)]
    specialties: list[Specialty] = Field(..., min_length=1, max_length=10, description="specialty codes, e.g. A010101")
    region_code: Region = Field(..., description="GB/T 2260 region of the expert")
    employer_name: Short
    employer_credit_code: str | None = Field(None, min_length=18, max_length=18, description="统一社会信用代码")
    title: Annotated[str, Field(min_length=1, max_length=100)]
    senior_title: bool = Field(..., description="holds a senior title (高级职称) or the equivalent (法37)")
    years_experience: int = Field(..., ge=0, le=80)
    certificate_fingerprint: Fingerprint | None = Field(
        None, description="SHA-256 of the signing certificate the expert registered and signs reports with"
    )
    punished: bool = Field(False, description="punished for an offence in tendering (评标规定12)")
    supervising_staff: bool = Field(False, description="staff of a competent or supervising authority (评标规定12)")


class ExpertUpdateIn(StrictIn):
    specialties: list[Specialty] | None = Field(None, min_length=1, max_length=10)
    region_code: Region | None = None
    employer_name: Short | None = None
    employer_credit_code: str | None = Field(None, min_length=18, max_length=18)
    title: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    years_experience: int | None = Field(None, ge=0, le=80)
    certificate_fingerprint: Fingerprint | None = None
    punished: bool | None = None
    supervising_staff: bool | None = None
    status: Literal["active", "retired"] | None = None


class ReasonIn(StrictIn):
    reason: Text


class UnavailabilityIn(StrictIn):
    from_at: AwareDatetime
    until: AwareDatetime
    reason: Text


class ConflictIn(StrictIn):
    org_id: Id
    relation: Text = Field(..., description="e.g. 近亲属在该单位任职; 持有该单位股份")


class ExpertOut(BaseModel):
    id: str
    user_id: str
    name: str
    specialties: list[str]
    region_code: str
    employer_name: str
    employer_credit_code: str | None
    employer_org_id: str | None
    title: str
    senior_title: bool
    years_experience: int
    certificate_fingerprint: str | None
    punished: bool
    supervising_staff: bool
    blacklisted_at: datetime | None
    blacklist_reason: str | None
    status: str

    @classmethod
    def of(cls, found: repository.ExpertRecord) -> ExpertOut:
        values = {key: getattr(found, key) for key in cls.model_fields}
        return cls(**values | {"specialties": list(found.specialties)})


class CreatedOut(BaseModel):
    id: str


class DrawIn(StrictIn):
    size: int = Field(..., ge=1, le=99, description="members in all (法37: at least 5, odd)")
    experts: int = Field(..., ge=1, le=99, description="experts drawn (法37: at least 2/3 of the members)")
    representatives: list[Id] = Field(
        default_factory=list, max_length=50, description="the tenderer's representatives: size minus experts users"
    )
    evaluation_at: AwareDatetime = Field(..., description="when the evaluation sits (unavailable experts are recused)")
    needs: dict[Specialty, Annotated[int, Field(ge=0, le=99)]] = Field(
        default_factory=dict, max_length=20, description="specialty code -> at least this many experts"
    )
    regions: list[Region] = Field(default_factory=list, max_length=50, description="draw from these regions only")
    remote: bool = Field(False, description="远程异地评标: regions must lie outside the tenderer's region")
    reserves: int = Field(2, ge=0, le=20)
    reveal_minutes: int = Field(30, ge=5, le=1440, description="time to reveal once every party has committed")
    with_supervision: bool = Field(False, description="the supervision platform is a third party")


class CommitIn(StrictIn):
    party: Party = "tenderer"
    commitment: Hex64 = Field(..., description="hex H(contribution): SM3 for gm tenders, SHA-256 for std")


class RevealIn(StrictIn):
    party: Party = "tenderer"
    contribution: str = Field(..., min_length=32, max_length=128, pattern=r"^[0-9a-fA-F]+$")


class DeclineIn(StrictIn):
    expert_id: Id
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class ReplaceIn(StrictIn):
    member_id: Id
    reason: Text
    new_representative: Id | None = None


class PartyOut(BaseModel):
    party: str
    committed: bool
    revealed: bool
    failed_rounds: list[int]


class DrawOut(BaseModel):
    id: str
    tender_id: str
    lot_id: str
    state: str
    round: int
    size: int
    expert_count: int
    reserves: int
    needs: dict[str, int]
    regions: list[str]
    remote: bool
    hash_algorithm: str
    pool_hash: str
    pool_size: int
    recused_experts: int | None
    reveal_deadline: datetime | None
    seed: str | None
    evaluation_at: datetime
    fixed_at: datetime | None
    parties: list[PartyOut]
    published: bool

    @classmethod
    def of(cls, draw: repository.DrawRecord, status: views.DrawStatus | None = None) -> DrawOut:
        return cls(
            id=draw.id,
            tender_id=draw.tender_id,
            lot_id=draw.lot_id,
            state=draw.state,
            round=draw.round,
            size=draw.size,
            expert_count=draw.expert_count,
            reserves=draw.reserves,
            needs=draw.needs,
            regions=list(draw.regions),
            remote=draw.remote,
            hash_algorithm=draw.hash_name,
            pool_hash=draw.pool_hash,
            pool_size=len(draw.pool),
            recused_experts=status.recusals if status else None,
            reveal_deadline=draw.reveal_deadline,
            seed=draw.seed,
            evaluation_at=draw.evaluation_at,
            fixed_at=draw.fixed_at,
            parties=[
                PartyOut(party=p.party, committed=p.committed, revealed=p.revealed, failed_rounds=list(p.failed_rounds))
                for p in (status.parties if status else ())
            ],
            published=status.published if status else False,
        )


class MemberOut(BaseModel):
    member_id: str
    user_id: str
    name: str
    kind: str
    specialty: str | None
    status: str
    certificate_fingerprint: str | None

    @classmethod
    def of(cls, member: CommitteeMember) -> MemberOut:
        return cls(**member.__dict__)


class AssignmentOut(BaseModel):
    draw_id: str
    lot_id: str
    tender_id: str
    state: str
    evaluation_at: datetime
    role: str
    member_id: str | None = None

    @classmethod
    def of(cls, found: views.Assignment) -> AssignmentOut:
        return cls(**found.__dict__)


Transcript = dict[str, Any]
