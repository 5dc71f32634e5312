"""The audit log's public read side: the latest signed checkpoint and proofs. Proofs carry hashes only; an entry
id is a random name that only its receipt holder knows, so serving them to anyone reveals nothing about content."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from zhaocai.audit import proofs
from zhaocai.core.errors import NotFound
from zhaocai.web.deps import ContainerDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/checkpoint")
def latest_checkpoint(container: ContainerDep) -> dict[str, Any]:
    """The latest signed checkpoint: `checkpoint` is the C2SP signed note itself (docs/audit.md), with its size and
    root beside it."""
    with container.engine.connect() as conn:
        checkpoint = proofs.latest_checkpoint(conn)
    if checkpoint is None:
        raise NotFound("the audit log has no checkpoint yet")
    return checkpoint


@router.get("/entries/{entry_id}/proof")
def inclusion_proof(
    entry_id: Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$")],
    container: ContainerDep,
    tree_size: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """Inclusion of one entry in a signed tree; 409 `not_yet_in_log` until the sequencer has integrated it."""
    with container.engine.connect() as conn:
        return proofs.inclusion_proof(conn, entry_id=entry_id, tree_size=tree_size)


@router.get("/consistency")
def consistency_proof(
    container: ContainerDep,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """That the tree of size `new` (default: latest) extends the tree of size `old` without rewriting it."""
    with container.engine.connect() as conn:
        return proofs.consistency_proof(conn, old, new)
