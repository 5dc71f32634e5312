"""Who may bid (questions that need the database): a verified bidder organisation, not on the platform's debarment
or credit-restriction records, not the platform's operator or its affiliate, invited or prequalified where the
tender says so; and for a consortium, every member the same — and, after prequalification, the very parties that
applied (条例37). Each refusal speaks of the refused bidder alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding import repository
from zhaocai.bidding.checks import AFFILIATE_CITATION, CONSORTIUM_CITATION, CONSORTIUM_OVERLAP_CITATION
from zhaocai.bidding.targets import PREQUALIFICATION_LOT
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Forbidden
from zhaocai.identity import repository as identity_repository
from zhaocai.identity.access import require_role, require_verified_organisation
from zhaocai.identity.model import Organisation, OrgKind, OrgStatus
from zhaocai.sealing import Bidder

BIDDER_ROLE = "bidder"


def bidder_organisation(uow: UnitOfWork, actor: Actor, *, action: str = "bidding") -> Organisation:
    require_role(actor, BIDDER_ROLE, action=action)
    org = require_verified_organisation(uow, actor)
    if org is None or OrgKind.BIDDER not in org.kinds:
        raise Forbidden(
            f"{action} is for users of a market subject registered as a bidder (投标人)",
            field="role",
            code="not_a_bidder",
        )
    return org


def check_not_restricted(
    conn: Connection, org: Organisation, at: datetime, *, whose: str = "your organisation"
) -> None:
    from zhaocai.credit.queries import standing  # credit records: another domain

    found = standing(conn, org.id, at)
    if found.affiliate:
        raise Forbidden(
            f"{whose} is recorded as this platform's operator or an affiliate of it, and may not bid on this platform",
            field="bidder",
            code="platform_affiliate",
            citation=AFFILIATE_CITATION,
        )
    restriction = found.restriction
    if restriction is not None:
        until = f"until {restriction.until.isoformat()}" if restriction.until else "until lifted"
        raise Forbidden(
            f"{whose} may not bid: {restriction.kind.value} in force {until} ({restriction.reason})",
            field="bidder",
            code="bidder_restricted",
            citation=restriction.basis,
            detail={
                "kind": restriction.kind.value,
                "until": restriction.until.isoformat() if restriction.until else None,
            },
        )


def consortium_members(
    conn: Connection, bidder: Bidder, lead: Organisation, at: datetime
) -> list[tuple[str, str, str]]:
    """(org_id, credit_code, role) for each party of a consortium bid (empty for a single bidder). Every member must
    be a verified market subject here, and as free to bid as the lead."""
    if not bidder.is_consortium:
        return []
    parties = [(lead.id, lead.credit_code, "lead")]
    for code in bidder.members:
        member = identity_repository.find_organisation_by_credit_code(conn, code)
        if member is None or member.status is not OrgStatus.VERIFIED:
            raise Forbidden(
                f"consortium member {code} is not a verified market subject on this platform: every member of a "
                "consortium (联合体) registers and is verified before the consortium bids",
                field="envelope.bidder.members",
                code="consortium_member_unknown",
                citation=CONSORTIUM_CITATION,
            )
        check_not_restricted(conn, member, at, whose=f"consortium member {code}")
        parties.append((member.id, code, "member"))
    return parties


def check_prequalified_parties(
    conn: Connection, tender_id: str, lead: Organisation, parties: list[tuple[str, str, str]]
) -> None:
    """A bid on a prequalified tender comes from the same parties that applied: a consortium forms before it applies,
    and one that adds, drops or changes a member after prequalification bids invalidly (条例37); nor may a single
    applicant bid as the lead of a consortium that did not apply. Only the bidder's own application is read."""
    application = repository.bid_for(
        conn, PREQUALIFICATION_LOT, lead.id, ledger=repository.APPLICATIONS, tender_id=tender_id
    )
    if application is None:  # qualified without an application on this platform: nothing to compare with
        return
    applied = repository.members_of(conn, [application.latest_version_id], ledger=repository.APPLICATIONS)
    applied_parties = set(applied.get(application.latest_version_id, ()))
    bidding_parties = {org_id for org_id, _, _ in parties}
    if applied_parties != bidding_parties:
        as_applied = "a consortium" if applied_parties else "a single applicant"
        raise Forbidden(
            f"your organisation applied for prequalification as {as_applied} with other parties than this bid names: "
            "a consortium forms before it applies, and may not add, drop or change members after prequalification",
            field="envelope.bidder.members",
            code="consortium_changed",
            citation=CONSORTIUM_OVERLAP_CITATION,
        )
