"""Performance records (履约信息, 电子招标投标办法37, 41): what happened under a concluded contract — payments,
milestones, acceptance, changes, disputes — recorded by the tender side and published through the outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from zhaocai.adapters.db.tables.award import award_performance_records
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.award import messages, repository
from zhaocai.award.access import tender_side_lot
from zhaocai.award.model.citations import PERFORMANCE
from zhaocai.award.model.progress import Act
from zhaocai.core.actor import Actor
from zhaocai.core.errors import ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.exchange.outbox import emit
from zhaocai.rules.periods import local
from zhaocai.usecase import use_case


class PerformanceKind(StrEnum):
    PAYMENT = "payment"  # 支付
    MILESTONE = "milestone"  # 进度节点
    ACCEPTANCE = "acceptance"  # 验收
    CHANGE = "change"  # 变更
    DISPUTE = "dispute"  # 争议
    COMPLETION = "completion"  # 履约完成


@use_case("award.record_performance", object_type="contract")
def do_record_performance(
    *,
    uow: UnitOfWork,
    actor: Actor,
    contract_id: str,
    kind: str,
    occurred_on: date,
    description: str,
    amount: Decimal | None = None,
) -> str:
    now = uow.clock.now()
    contract = repository.get_contract(uow.conn, contract_id)
    ctx = tender_side_lot(uow, actor, contract.lot_id, at=now, action="record contract performance")
    ctx.allow(Act.RECORD_PERFORMANCE)
    try:
        checked_kind = PerformanceKind(kind)
    except ValueError:
        raise ValidationFailed(
            f"kind must be one of {', '.join(k.value for k in PerformanceKind)}", field="kind"
        ) from None
    text = (description or "").strip()
    if not text:
        raise ValidationFailed("the record must describe what happened", field="description")
    signed_on = local(contract.signed_at).date() if contract.signed_at is not None else None
    if occurred_on > local(now).date() or (signed_on is not None and occurred_on < signed_on):
        raise ValidationFailed("the record must fall between the contract's signing and today", field="occurred_on")
    if amount is not None and amount < 0:
        raise ValidationFailed("an amount cannot be negative", field="amount")
    record_id = new_id()
    repository.add(
        uow.conn,
        award_performance_records,
        id=record_id,
        contract_id=contract_id,
        kind=checked_kind.value,
        occurred_on=occurred_on,
        description=text,
        amount=str(amount) if amount is not None else None,
        recorded_at=now,
        recorded_by=actor.user_id,
    )
    emit(
        uow,
        messages.CONTRACT_PERFORMANCE,
        messages.lot_items(ctx, now)
        | {
            "CONTRACT_ID": contract_id,
            "PERFORMANCE_TYPE": checked_kind.value,
            "PERFORMANCE_DATE": occurred_on.isoformat(),
            "PERFORMANCE_CONTENT": text,
            "PERFORMANCE_AMOUNT": str(amount) if amount is not None else None,
            "BASIS": PERFORMANCE,
        },
        object_type="contract",
        object_id=contract_id,
    )
    return record_id
