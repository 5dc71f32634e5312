"""Experts: the platform's expert pool (评标专家库) and the verifiable draws of evaluation committees.

- `experts`: a pool record linked to an identity user with the role `expert`; specialty codes as canonical JSON.
- `expert_unavailability`, `expert_conflicts`: periods an expert cannot serve; organisations an expert declared a
  relation with (评标规定12). Rows are ended, never deleted.
- `expert_draws`: one draw per committee; its eligible pool snapshot and hash are fixed when it is requested.
- `draw_parties`: per round, each party's commitment H(contribution) and, once revealed, the contribution. The
  platform's own contribution waits in `platform_secret` until the other parties have revealed.
- `draw_recusals`, `draw_declines`: who was kept out of the pool and why; who declined after being drawn.
- `draw_members`: the committee (experts in draw order, then the tenderer's representatives); replaced members stay.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from zhaocai.adapters.db.tables.base import metadata
from zhaocai.adapters.db.types import UTCDateTime

experts = Table(
    "experts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("specialties", Text, nullable=False),  # canonical JSON list of specialty codes
    Column("region_code", String(6), nullable=False, index=True),
    Column("employer_name", String(200), nullable=False),
    Column("employer_credit_code", String(18), nullable=True, index=True),
    Column("employer_org_id", String(26), ForeignKey("organisations.id"), nullable=True, index=True),
    Column("title", String(100), nullable=False),
    Column("senior_title", Boolean, nullable=False),
    Column("years_experience", Integer, nullable=False),
    Column("certificate_fingerprint", String(64), nullable=True),
    Column("punished", Boolean, nullable=False, default=False),
    Column("supervising_staff", Boolean, nullable=False, default=False),
    Column("blacklisted_at", UTCDateTime(), nullable=True),
    Column("blacklist_reason", Text, nullable=True),
    Column("status", String(10), nullable=False),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("registered_by", String(26), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("status IN ('active', 'retired')", name="status"),
    CheckConstraint("years_experience >= 0", name="years"),
)

expert_unavailability = Table(
    "expert_unavailability",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("expert_id", String(26), ForeignKey("experts.id"), nullable=False, index=True),
    Column("from_at", UTCDateTime(), nullable=False),
    Column("until_at", UTCDateTime(), nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    CheckConstraint("until_at > from_at", name="period"),
)

expert_conflicts = Table(
    "expert_conflicts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("expert_id", String(26), ForeignKey("experts.id"), nullable=False, index=True),
    Column("org_id", String(26), ForeignKey("organisations.id"), nullable=False),
    Column("relation", Text, nullable=False),
    Column("declared_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    Column("ended_at", UTCDateTime(), nullable=True),
)

expert_draws = Table(
    "expert_draws",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("tender_id", String(26), nullable=False, index=True),
    Column("lot_id", String(26), nullable=False, index=True),
    Column("state", String(12), nullable=False),
    Column("round", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("expert_count", Integer, nullable=False),
    Column("reserves", Integer, nullable=False),
    Column("needs", Text, nullable=False),  # canonical JSON {specialty: count}
    Column("regions", Text, nullable=False),  # canonical JSON list of GB/T 2260 codes; [] = the whole pool
    Column("remote", Boolean, nullable=False),
    Column("parties", Text, nullable=False),  # canonical JSON list, e.g. ["platform", "tenderer"]
    Column("hash_name", String(8), nullable=False),  # sm3 | sha256 (the tender's suite)
    Column("evaluation_at", UTCDateTime(), nullable=False),
    Column("reveal_minutes", Integer, nullable=False),
    Column("representatives", Text, nullable=False),  # canonical JSON list of user ids named by the tenderer
    Column("pool", Text, nullable=False),  # canonical JSON snapshot of the eligible pool
    Column("pool_hash", String(64), nullable=False),
    Column("reveal_deadline", UTCDateTime(), nullable=True),
    Column("seed", String(64), nullable=True),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("requested_by", String(26), nullable=True),
    Column("drawn_at", UTCDateTime(), nullable=True),
    Column("fixed_at", UTCDateTime(), nullable=True),
    CheckConstraint("state IN ('committing', 'revealing', 'drawn', 'fixed', 'cancelled')", name="state"),
    Index("ix_expert_draws_lot_state", "lot_id", "state"),
)

draw_parties = Table(
    "draw_parties",
    metadata,
    Column("draw_id", String(26), ForeignKey("expert_draws.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("party", String(20), nullable=False),
    Column("commitment", String(64), nullable=True),
    Column("committed_at", UTCDateTime(), nullable=True),
    Column("committed_by", String(26), nullable=True),
    Column("contribution", String(128), nullable=True),  # hex, once revealed
    Column("revealed_at", UTCDateTime(), nullable=True),
    Column("platform_secret", String(128), nullable=True),  # the platform's own contribution until it reveals
    Column("failed_at", UTCDateTime(), nullable=True),  # did not reveal by the deadline
    UniqueConstraint("draw_id", "round", "party", name="uq_draw_parties"),
)

draw_recusals = Table(
    "draw_recusals",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("draw_id", String(26), ForeignKey("expert_draws.id"), nullable=False, index=True),
    Column("expert_id", String(26), ForeignKey("experts.id"), nullable=False),
    Column("reason", String(30), nullable=False),
    Column("detail", Text, nullable=False),
)

draw_declines = Table(
    "draw_declines",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("draw_id", String(26), ForeignKey("expert_draws.id"), nullable=False, index=True),
    Column("expert_id", String(26), ForeignKey("experts.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(26), nullable=True),
    UniqueConstraint("draw_id", "expert_id", name="uq_draw_declines"),
)

draw_members = Table(
    "draw_members",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("draw_id", String(26), ForeignKey("expert_draws.id"), nullable=False, index=True),
    Column("lot_id", String(26), nullable=False, index=True),
    Column("user_id", String(26), ForeignKey("users.id"), nullable=False),
    Column("expert_id", String(26), ForeignKey("experts.id"), nullable=True),
    Column("kind", String(30), nullable=False),
    Column("position", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("joined_at", UTCDateTime(), nullable=False),
    Column("replaced_at", UTCDateTime(), nullable=True),
    Column("replace_reason", Text, nullable=True),
    CheckConstraint("kind IN ('expert', 'tenderer_representative')", name="kind"),
    CheckConstraint("status IN ('active', 'replaced')", name="status"),
)
