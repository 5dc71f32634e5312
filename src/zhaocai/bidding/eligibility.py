"""Who may bid (questions that need the database): a verified bidder organisation, not on the platform's debarment
or credit-restriction records, not the platform's operator or its affiliate, invited or prequalified where the
tender says so; and for a consortium, every member the same. Each refusal speaks of the refused bidder alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bidding.checks import AFFILIATE_CITATION, CONSORTIUM_CITATION
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
    from zhaocai.credit.queries import is_platform_affiliate, restriction_for  # credit records: another domain

    if is_platform_affiliate(conn, org.id):
        raise Forbidden(
            f"{whose} is recorded as this platform's operator or an affiliate of it, and may not bid on this platform",
            field="bidder",
            code="platform_affiliate",
            citation=AFFILIATE_CITATION,
        )
    restriction = restriction_for(conn, org.id, at)
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
