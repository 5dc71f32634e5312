"""Domain errors. Every refusal names the field and the rule (with its legal citation when the law is the reason).

The web layer maps `status` to the HTTP status code; the CLI prints `message`.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"
    commit_changes = False

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        citation: str | None = None,
        code: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.citation = citation
        if code:
            self.code = code
        self.detail = detail or {}

    def keeping_changes(self) -> DomainError:
        """Ask the use case to commit what it changed before refusing (e.g. a failed-login counter)."""
        self.commit_changes = True
        return self

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.citation:
            body["citation"] = self.citation
        if self.detail:
            body["detail"] = self.detail
        return body


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class Locked(DomainError):
    status = 423
    code = "locked"
