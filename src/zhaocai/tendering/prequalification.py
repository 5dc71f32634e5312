"""The prequalification review result (资格预审结果): who passed is recorded on the tender (only they may bid);
with fewer than prequal_min_passed_applicants passed the tender fails and must be re-tendered (条例19).

The applications themselves are sealed and submitted exactly like bids (办法28) by zhaocai.bidding, against
`queries.prequalification_terms`.
"""

from __future__ import annotations

from collections.abc import Sequence

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import ValidationFailed
from zhaocai.exchange.outbox import emit
from zhaocai.identity import repository as identity_repository
from zhaocai.identity.model import OrgKind, OrgStatus
from zhaocai.rules import packaged_rules, reaches
from zhaocai.tendering import messages
from zhaocai.tendering.access import require_tender_party
from zhaocai.tendering.model import Event, EventKind, State, TenderProject, book_for
from zhaocai.tendering.model.guards import PASSED_APPLICANTS_RULE
from zhaocai.tendering.procedure import apply, load_for_change, save
from zhaocai.tendering.recipients import notify_organisations
from zhaocai.usecase import use_case


@use_case("tendering.publish_prequal_result", object_type="tender")
def do_publish_prequal_result(
    *, uow: UnitOfWork, actor: Actor, tender_id: str, qualified_org_ids: Sequence[str], reason: str = ""
) -> TenderProject:
    """Record who passed prequalification once applications were due. Enough passed: the result goes out and the
    tender documents can be issued to them. Too few: the tender fails (流标, 条例19); re-tender it."""
    working = load_for_change(
        uow,
        tender_id,
        check=lambda tender: require_tender_party(uow, actor, tender, action="publish the prequalification result"),
    )
    passed = tuple(qualified_org_ids)
    if len(set(passed)) != len(passed):
        raise ValidationFailed("each qualified organisation is named once", field="qualified_org_ids")
    for index, org_id in enumerate(passed):
        org = identity_repository.get_organisation(uow.conn, org_id)
        if org is None or org.status is not OrgStatus.VERIFIED or OrgKind.BIDDER not in org.kinds:
            raise ValidationFailed(
                f"{org_id} is not a verified bidder organisation on this platform", field=f"qualified_org_ids[{index}]"
            )
    book = book_for(working.tender, packaged_rules(), at=working.now)
    enough = reaches(len(passed), book.rule(PASSED_APPLICANTS_RULE))
    kind = EventKind.PUBLISH_PREQUAL_RESULT if enough else EventKind.DECLARE_FAILED
    tender = apply(
        working,
        Event(kind, working.now, passed_applicants=len(passed), qualified_org_ids=passed, reason=reason),
    )
    save(uow, working)
    if tender.state is State.FAILED:
        emit(
            uow,
            messages.TENDER_TERMINATED,
            messages.terminated(tender, working.now),
            object_type="tender",
            object_id=tender.id,
        )
    else:
        notify_organisations(
            uow,
            passed,
            subject=f"资格预审合格通知书: {tender.number}",
            body=f"Your organisation passed prequalification for {tender.name} ({tender.number}). The tender "
            "documents will be issued on the trading platform.",
        )
    return tender
