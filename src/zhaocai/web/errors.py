"""Error responses: every refusal names the field and the rule; nothing escapes as a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from zhaocai.core.errors import DomainError

log = logging.getLogger("zhaocai.web")


def _field_name(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(error.to_dict(), status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": _field_name(tuple(item.get("loc", ()))),
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
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": "http_error", "message": str(error.detail)}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse({"error": "internal", "message": "internal error; it has been logged"}, status_code=500)
