"""Credit: the platform's own records about market subjects (the hub's shared records come later).

- `credit_restrictions`: debarments (取消投标资格, 条例67/68), credit restrictions, court-listed defaulters
  (失信被执行人). In force from `from_day` to `until_day` (Asia/Shanghai days, inclusive; NULL = until lifted)
  unless lifted; lifting keeps the row.
- `platform_affiliates`: the platform's operator and its affiliates, who may not bid on it (20号令23).
- `control_relationships`: 控股 or 管理 relationships between organisations (条例34), with their source.
- `legal_representatives`: the identity document of an organisation's legal representative, so that two
  representatives who merely share a name are told apart (条例34 "单位负责人为同一人").
Rows are ended, never deleted; every change is an audited use case.
"""

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

credit_restrictions = Table(
    "credit_restrictions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("reason", Text, nullable=False),
    Column("basis", String(200), nullable=False),  # legal basis citation, e.g. 条例67
    Column("decision_ref", String(200), nullable=True),  # the deciding authority's document number
    Column("from_day", Date, nullable=False),
    Column("until_day", Date, nullable=True),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    Column("lifted_at", UTCDateTime(), nullable=True),
    Column("lifted_by", String(26), nullable=True),
    Column("lift_reason", Text, nullable=True),
    CheckConstraint("kind IN ('debarment', 'credit_restriction', 'court_defaulter')", name="kind"),
    CheckConstraint("until_day IS NULL OR until_day >= from_day", name="period"),
    Index("ix_credit_restrictions_org", "org_id", "from_day"),
)

platform_affiliates = Table(
    "platform_affiliates",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("relation", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    Column("removed_at", UTCDateTime(), nullable=True),
    Column("removed_by", String(26), nullable=True),
    Column("remove_reason", Text, nullable=True),
    CheckConstraint("relation IN ('operator', 'affiliate')", name="relation"),
)

control_relationships = Table(
    "control_relationships",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("parent_org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("child_org_id", String(26), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("relation", String(16), nullable=False),
    Column("share_percent", String(8), nullable=True),  # decimal text, e.g. "51.00"
    Column("source", Text, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    Column("ended_at", UTCDateTime(), nullable=True),
    Column("ended_by", String(26), nullable=True),
    Column("end_reason", Text, nullable=True),
    CheckConstraint("relation IN ('holding', 'management')", name="relation"),
    CheckConstraint("parent_org_id <> child_org_id", name="distinct_orgs"),
)

legal_representatives = Table(
    "legal_representatives",
    metadata,
    Column("org_id", String(26), ForeignKey("organisations.id"), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("id_type", String(20), nullable=False),
    Column("id_number", String(40), nullable=False, index=True),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
)
