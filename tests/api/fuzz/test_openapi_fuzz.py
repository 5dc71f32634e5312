"""No 500s: schemathesis on each platform's OpenAPI schema finds no server error and no response that breaks the
documented schema — anonymously, with a forged token, and as each kind of user (see fuzz_run.py for how)."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fuzz_cast import ANONYMOUS, Caller, Cast
from fuzz_run import MAX_EXAMPLES, run_schemathesis
from fuzz_values import HOSTILE_STRINGS
from pydantic import BaseModel, Field

from zhaocai.bootstrap import Container
from zhaocai.web.app import create_app


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    app, cast: Cast, operations, role, database_url, record_property
):
    run = run_schemathesis(app, cast, operations)
    record_property("fuzz_requests", run.requests)
    print(f"\n[fuzz {role} {database_url.split(':')[0]}] {len(operations)} operations, {run.summary()}")
    assert not run.failures, "\n\n".join(run.failures[:20])
    assert run.requests >= len(operations) * MAX_EXAMPLES, run.summary()  # the engine really ran every operation
    for caller in cast.authenticated:  # each token carried its caller past authentication
        assert run.past_authentication(caller.name) >= 5, (caller.name, run.summary())


class _ProbeIn(BaseModel):
    text: str = Field(..., max_length=50)


def _probe_router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/v1/probe")
    def probe(body: _ProbeIn) -> dict[str, str]:
        if body.text in HOSTILE_STRINGS:
            raise RuntimeError("a hostile string reached the handler")
        return {"text": body.text}

    return router


@pytest.mark.parametrize("role", ["trading"])
def test_the_fuzzing_reports_a_server_error_it_provokes(container: Container):
    """Positive control: the same run, on an app with a handler that fails on a hostile string, reports the 500."""
    run = run_schemathesis(create_app(container, [_probe_router()]), Cast(callers=[Caller(ANONYMOUS, None)]))
    assert any(failure.startswith("POST /api/v1/probe: not_a_server_error") for failure in run.failures), run.failures
