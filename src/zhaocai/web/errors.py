"""Error responses: every refusal names the field and the rule; nothing escapes as a bare 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from zhaocai.core.errors import DomainError

log = logging.getLogger("zhaocai.web")


class ErrorBody(BaseModel):
    """Every refusal: a code, a message naming the rule, and the field (and legal citation) when there is one."""

    error: str = Field(..., description="machine-readable reason, e.g. bad_credentials, session_expired, csrf")
    message: str = Field(..., description="the rule that refused the request")
    field: str | None = None
    citation: str | None = None
    detail: dict[str, Any] | None = None
    problems: list[dict[str, Any]] | None = Field(None, description="every invalid field (422 only)")


def _field_name(loc: tuple[object, ...], kind: str | None = None) -> str:
    if kind == "json_invalid":  # its location ends in the character offset of the syntax error, not a field
        return "body"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def _allowed_methods(request: Request) -> str:
    """Every method the path answers (RFC 9110 15.5.6): Starlette names only those of the first route matching it,
    and a path served by two handlers (GET and POST from different routes) would advertise half of them."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(error.to_dict(), status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": _field_name(tuple(item.get("loc", ())), item.get("type")),
                "message": item.get("msg", "invalid"),
                "type": item.get("type"),
            }
            for item in error.errors()
        ]
        first = problems[0] if problems else {"field": "request", "message": "invalid request"}
        body = {
            "error": "invalid",
            "field": first["field"],
            "message": f"{first['field']}: {first['message']}",
            "problems": problems,
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = error.headers
        if error.status_code == 405:
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return JSONResponse(
            {"error": "http_error", "message": str(error.detail)}, status_code=error.status_code, headers=headers
        )

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, error: DBAPIError) -> JSONResponse:
        if not error.connection_invalidated:
            return await unexpected(request, error)
        # The pool has dropped the connection (the database restarted, or the link broke within a second of its
        # last use, before any ping); the next request gets a fresh one.
        log.warning("database connection lost: %s", error.orig)
        body = {
            "error": "database_unavailable",
            "message": "the connection to the database was lost; send the request again (a submission sent again "
            "with the same Idempotency-Key is not taken twice)",
        }
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse({"error": "internal", "message": "internal error; it has been logged"}, status_code=500)
