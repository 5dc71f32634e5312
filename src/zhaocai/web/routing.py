"""What every domain's router shares: the id path parameter, documented refusals, and audited reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Path, Request
from sqlalchemy import Connection

from zhaocai.core.actor import Actor
from zhaocai.core.errors import DomainError
from zhaocai.web.auth import audit_refusal
from zhaocai.web.errors import ErrorBody

T = TypeVar("T")

Id = Annotated[str, Path(min_length=1, max_length=26, pattern=r"^[0-9A-Za-z]+$", description="a 26-character id")]


def refusals(descriptions: Mapping[int, str], *codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the refusals an operation may answer, each described in the router's words."""
    return {code: {"model": ErrorBody, "description": descriptions[code]} for code in codes}


def audited_read(container: Any, actor: Actor, request: Request, read: Callable[[Connection], T]) -> T:
    """Run a read on its own connection; a refusal (the caller may not see it) is audited, then answered. An
    anonymous caller's "not found" is only answered: the public browsing a link that has gone is not an event."""
    try:
        with container.engine.connect() as conn:
            return read(conn)
    except DomainError as error:
        if error.status == 404 and actor.user_id is None:
            raise
        audit_refusal(container, actor, request, error)
