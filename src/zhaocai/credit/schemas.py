"""Request and response bodies of the credit API. Shapes and lengths here; the rules in the use cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from zhaocai.credit import records
from zhaocai.credit.model import mask_id_number
from zhaocai.web.schemas import StrictIn

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; no legitimate input contains it
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=NO_NUL)]
Short = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Id = Annotated[str, Field(min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$")]


class RestrictionIn(StrictIn):
    org_id: Id
    kind: Literal["debarment", "credit_restriction", "court_defaulter"] = Field(
        ..., description="debarment (取消投标资格), credit_restriction (信用惩戒), court_defaulter (失信被执行人)"
    )
    reason: Text
    basis: Short = Field(..., description="legal basis as a citation, e.g. 条例67, 条例68, 法〔2016〕285号")
    decision_ref: Short | None = Field(None, description="the deciding authority's document number")
    from_day: date = Field(..., description="first day in force (Asia/Shanghai)")
    until: date | None = Field(None, description="last day in force (Asia/Shanghai); omitted = until lifted")


class ReasonIn(StrictIn):
    reason: Text


class AffiliateIn(StrictIn):
    org_id: Id
    relation: Literal["operator", "affiliate"]
    description: Text = Field(..., description="how the unit is related to the operator (20号令23)")


class ControlIn(StrictIn):
    parent_org_id: Id
    child_org_id: Id
    relation: Literal["holding", "management"] = Field(..., description="holding (控股) or management (管理关系)")
    share_percent: str | None = Field(None, max_length=8, pattern=r"^\d{1,3}(\.\d{1,2})?$", examples=["51.00"])
    source: Text = Field(
        ..., description="where it is known from, e.g. 国家企业信用信息公示系统, queried on 2026-03-01"
    )


class RepresentativeIn(StrictIn):
    name: Short = Field(..., description="as on the organisation's registration")
    id_type: Literal["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]
    id_number: str = Field(..., min_length=5, max_length=40, pattern=NO_NUL)


class EndingOut(BaseModel):
    at: datetime
    by: str | None
    reason: str | None


def _ending(ending: records.Ending | None) -> EndingOut | None:
    return EndingOut(at=ending.at, by=ending.by, reason=ending.reason) if ending else None


class RestrictionOut(BaseModel):
    id: str
    org_id: str
    kind: str
    reason: str
    basis: str
    decision_ref: str | None
    from_day: date
    until: date | None
    recorded_at: datetime
    recorded_by: str | None
    lifted: EndingOut | None

    @classmethod
    def of(cls, found: records.RestrictionRecord) -> RestrictionOut:
        r = found.restriction
        return cls(
            id=r.id,
            org_id=r.org_id,
            kind=r.kind.value,
            reason=r.reason,
            basis=r.basis,
            decision_ref=r.decision_ref,
            from_day=r.from_day,
            until=r.until,
            recorded_at=found.recorded_at,
            recorded_by=found.recorded_by,
            lifted=_ending(found.lifted),
        )


class AffiliateOut(BaseModel):
    id: str
    org_id: str
    relation: str
    description: str
    recorded_at: datetime
    recorded_by: str | None
    removed: EndingOut | None

    @classmethod
    def of(cls, found: records.AffiliateRecord) -> AffiliateOut:
        return cls(
            id=found.id,
            org_id=found.org_id,
            relation=found.relation.value,
            description=found.description,
            recorded_at=found.recorded_at,
            recorded_by=found.recorded_by,
            removed=_ending(found.removed),
        )


class ControlOut(BaseModel):
    id: str
    parent_org_id: str
    child_org_id: str
    relation: str
    share_percent: str | None
    source: str
    recorded_at: datetime
    recorded_by: str | None
    ended: EndingOut | None

    @classmethod
    def of(cls, found: records.ControlRecord) -> ControlOut:
        return cls(
            id=found.id,
            parent_org_id=found.parent_org_id,
            child_org_id=found.child_org_id,
            relation=found.relation.value,
            share_percent=str(found.share_percent) if found.share_percent is not None else None,
            source=found.source,
            recorded_at=found.recorded_at,
            recorded_by=found.recorded_by,
            ended=_ending(found.ended),
        )


class RepresentativeOut(BaseModel):
    org_id: str
    name: str
    id_type: str
    id_number_masked: str = Field(..., description="the document number is never shown in full")
    recorded_at: datetime

    @classmethod
    def of(cls, found: records.RepresentativeRecord) -> RepresentativeOut:
        return cls(
            org_id=found.org_id,
            name=found.name,
            id_type=found.id_type.value,
            id_number_masked=mask_id_number(found.id_number),
            recorded_at=found.recorded_at,
        )
