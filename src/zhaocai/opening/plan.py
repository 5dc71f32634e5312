"""The opening plan of a tender (开标安排), set by the tender side in the tender documents before the deadline and
frozen at it: the decryption window (电子招标投标办法31 leaves its length to the documents), and whether a 标底 is
announced at opening (条例50: at most one, secret until then) with its sealed value."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import Conflict, Forbidden, ValidationFailed
from zhaocai.opening import repository
from zhaocai.opening.model import MAX_WINDOW
from zhaocai.tendering.queries import load_aggregate, tender_parties
from zhaocai.usecase import use_case

MIN_WINDOW_MINUTES = 15
RESERVE_CITATION = "条例27, 条例50"


def require_tender_side(conn, actor: Actor, tender_id: str, action: str) -> None:  # type: ignore[no-untyped-def]
    if actor.org_id is None or actor.org_id not in tender_parties(conn, tender_id):
        raise Forbidden(f"only the tenderer or its agency may {action}", field="tender_id", code="not_tender_party")


def _spoken(length: timedelta) -> str:
    """'3 days', '12 hours', '90 minutes': the largest unit that counts it whole."""
    minutes = int(length / timedelta(minutes=1))
    unit, size = next((u, n) for u, n in (("day", 24 * 60), ("hour", 60), ("minute", 1)) if minutes % n == 0)
    return f"{minutes // size} {unit}{'' if minutes == size else 's'}"


def _reserve(reserve_price: str | None, announce: bool) -> str | None:
    if reserve_price is None:
        if announce:
            raise ValidationFailed(
                "a 标底 announced at opening needs its value", field="reserve_price", citation=RESERVE_CITATION
            )
        return None
    try:
        value = Decimal(reserve_price)
    except InvalidOperation:
        raise ValidationFailed("the 标底 is a decimal amount in yuan", field="reserve_price") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed("the 标底 is a positive amount in yuan with at most two decimals", field="reserve_price")
    return f"{value:.2f}"


@use_case("opening.set_plan", object_type="tender")
def do_set_opening_plan(
    *,
    uow: UnitOfWork,
    actor: Actor,
    tender_id: str,
    window_minutes: int,
    announce_reserve: bool = False,
    reserve_price: str | None = None,
) -> repository.Plan:
    tender = load_aggregate(uow.conn, tender_id)
    require_tender_side(uow.conn, actor, tender_id, "set the opening plan")
    now = uow.clock.now()
    deadline = tender.schedule.bid_deadline
    if deadline is not None and now >= deadline:
        raise Conflict(
            "the opening plan is part of the tender documents and is frozen at the bid deadline",
            field="tender_id",
            code="deadline_passed",
        )
    longest = int(MAX_WINDOW / timedelta(minutes=1))
    if not MIN_WINDOW_MINUTES <= window_minutes <= longest:
        raise ValidationFailed(
            f"the decryption window is {MIN_WINDOW_MINUTES} minutes to {_spoken(MAX_WINDOW)} long "
            f"(window_minutes {MIN_WINDOW_MINUTES} to {longest}); given: {window_minutes}",
            field="window_minutes",
        )
    plan = repository.Plan(tender_id, window_minutes, announce_reserve, _reserve(reserve_price, announce_reserve), now)
    repository.put_plan(uow.conn, plan, set_by=actor.user_id)
    return plan
