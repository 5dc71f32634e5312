"""The one way state changes: `@use_case` wraps a `do_<verb>_<noun>` function so that it runs in one
transaction and writes its audit entry in that same transaction — or, when it is refused, rolls back and
records the refusal in a transaction of its own. Web handlers and CLI commands call use cases; nothing else writes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.audit.entries import record_entry
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.errors import DomainError
from zhaocai.core.ids import new_id

P = ParamSpec("P")
R = TypeVar("R")

# Arguments whose values never reach the audit log, not even hashed (a hash of a password can be brute-forced).
REDACTED = frozenset(
    {"password", "new_password", "old_password", "totp_code", "token", "secret", "passphrase", "private_key"}
)


@dataclass
class AuditTarget:
    """What the running use case is acting on; it fills in `object_id` once it knows it.

    `planned_entry_id` is the id its entry will have if it succeeds, known from the start so that what the use case
    signs inside its transaction (a receipt) can name the entry; `entry_id` is set once an entry is written."""

    action: str
    object_type: str | None
    object_id: str | None = None
    reason: str | None = None
    entry_id: str | None = None
    planned_entry_id: str = field(default_factory=new_id)


def payload_hash(kwargs: dict[str, Any]) -> str:
    cleaned = {k: ("<redacted>" if k in REDACTED else v) for k, v in kwargs.items() if k not in ("uow", "actor")}
    return hashlib.sha256(canonical_json(cleaned)).hexdigest()


def use_case(action: str, *, object_type: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if args:
                raise TypeError(f"{func.__name__} takes keyword arguments only")
            uow: UnitOfWork = kwargs["uow"]  # type: ignore[assignment]
            actor: Actor = kwargs["actor"]  # type: ignore[assignment]
            digest = actor.payload_hash or payload_hash(kwargs)
            target = AuditTarget(action=action, object_type=object_type, object_id=_guess_object_id(kwargs))
            try:
                with uow:
                    uow.audit = target  # type: ignore[attr-defined]
                    try:
                        result = func(**kwargs)
                    except DomainError as error:
                        if not error.commit_changes:
                            raise
                        # The refusal keeps what it changed (a failed-login counter, a lockout): its entry is
                        # written and committed in the use case's own transaction.
                        target.reason = error.message[:1000]
                        target.entry_id = _write(uow, actor, target, f"refused:{error.code}", digest)
                        uow.commit()
                        raise
                    target.entry_id = _write(uow, actor, target, "ok", digest, entry_id=target.planned_entry_id)
                    uow.commit()
                    return result
            except DomainError as error:
                if target.entry_id is None:
                    target.reason = error.message[:1000]
                    _record_separately(uow, actor, target, f"refused:{error.code}", digest)
                raise

        run.action = action  # type: ignore[attr-defined]
        return run

    return decorate


def _guess_object_id(kwargs: dict[str, Any]) -> str | None:
    for key, value in kwargs.items():
        if key.endswith("_id") and isinstance(value, str):
            return value
    return None


def _write(
    uow: UnitOfWork, actor: Actor, target: AuditTarget, outcome: str, digest: str, *, entry_id: str | None = None
) -> str:
    return record_entry(
        uow.conn,
        occurred_at=uow.clock.now(),
        actor=actor,
        action=target.action,
        outcome=outcome,
        object_type=target.object_type,
        object_id=target.object_id,
        reason=target.reason,
        payload_hash=digest,
        entry_id=entry_id,
    )


def _record_separately(uow: UnitOfWork, actor: Actor, target: AuditTarget, outcome: str, digest: str) -> None:
    with uow:
        target.entry_id = _write(uow, actor, target, outcome, digest)
        uow.commit()
