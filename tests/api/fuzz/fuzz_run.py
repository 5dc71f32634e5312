"""One schemathesis run against an app, in-process over ASGI, with every response checked.

The engine runs the phases the `st run` command runs: coverage (boundary and wrong-typed values for every field),
fuzzing (positive and negative data) and stateful sequences. Checks: not a server error, and conforming to the
documented content type, headers and body schema; schema-invalid requests must be refused.

Each request is sent as one caller of the cast, picked from a hash of the request itself. Every string field and
path parameter also draws from the values in fuzz_values.py.

Deterministic: fixed seed, derandomized Hypothesis, no example database, and nothing fed back from responses
(they carry the run's random ids), so a run replays request for request and a CI failure replays locally.
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field

import schemathesis
from fuzz_cast import Cast
from fuzz_values import dictionaries_and_bindings
from schemathesis.core import NotSet
from schemathesis.engine import events, from_schema

SEED = 20260302
MAX_EXAMPLES = 8  # fuzzing examples per operation; with the other phases about 40 requests an operation
ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def fuzz_config(spec: dict, cast: Cast) -> schemathesis.Config:
    dictionaries, bindings = dictionaries_and_bindings(spec, cast)
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["all"],  # slow data generation is fine here: max-examples is the budget
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "no-shrink": True,  # the failing request is reported as sent; shrinking costs minutes
                "database": "none",
            },
            "dictionaries": {name: {"values": values} for name, values in dictionaries.items()},
            "parameters": bindings,
            # Off for determinism: source constants come in an order that follows PYTHONHASHSEED; responses carry
            # the run's random ids.
            "analysis": {"constants": {"enabled": False}},
            "phases": {
                # One unexpected method per operation is enough to check the 405 and its Allow header.
                "coverage": {"extra-data-sources": {"responses": False}, "unexpected-methods": ["TRACE"]},
                "fuzzing": {"extra-data-sources": {"responses": False}, "error-feedback": {"enabled": False}},
            },
            "checks": {
                # A schema-valid body may still break a rule the use case checks (credit-code check digits,
                # password policy) so that the refusal is audited: 422 for valid-shaped data is by design.
                "positive_data_acceptance": {"enabled": False},
            },
        }
    )


def request_key(case) -> bytes:
    """What identifies a request across runs: its content, without the (random) ids of the run's objects."""
    body = None if isinstance(case.body, NotSet) else case.body
    key = repr((case.method, case.path, case.path_parameters, case.query, body))
    return ULID.sub("<id>", key).encode("utf-8", "backslashreplace")


@dataclass
class FuzzRun:
    requests: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)  # (caller, status) -> count
    phases: collections.Counter = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)

    def past_authentication(self, caller: str) -> int:
        """Answers to `caller` that came from a handler, not from the authentication (401) or the router (405)."""
        return sum(
            count for (name, status), count in self.statuses.items() if name == caller and status not in (401, 405)
        )

    def summary(self) -> str:
        by_status = collections.Counter()
        for (_, status), count in self.statuses.items():
            by_status[status] += count
        return f"{self.requests} requests; phases {dict(self.phases)}; statuses {dict(sorted(by_status.items()))}"


def _authorization(request) -> str | None:
    return request.headers.get("Authorization", [None])[0] if request is not None else None


def _describe(label: str, check, interaction, cast: Cast) -> str:
    failure = check.failure_info.failure
    text = f"{label}: {check.name}: {failure.title}\n  {failure.message[:500]}"
    if interaction is not None:
        request, response = interaction.request, interaction.response
        body = (request.body or b"")[:300]
        text += f"\n  request: {request.method} {request.uri} body={body!r} as {cast.name_of(_authorization(request))}"
        if response is not None:
            text += f"\n  response: {response.status_code} {response.content[:300]!r}"
    return text


def _record(run: FuzzRun, cast: Cast, event: events.ScenarioFinished) -> None:
    recorder = event.recorder
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            run.requests += 1
            run.phases[event.phase.value] += 1
            caller = cast.name_of(_authorization(interaction.request))
            run.statuses[(caller, interaction.response.status_code)] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status.value != "success" and check.failure_info is not None:
                interaction = recorder.interactions.get(case_id)
                run.failures.append(_describe(recorder.label, check, interaction, cast))


def served_as_by_a_server(app):
    """The app as a client of uvicorn sees it: an exception after the 500 was sent is logged, not raised at the
    client (Starlette re-raises it for the server to log; in-process, it would abort the run instead)."""

    async def serve(scope, receive, send) -> None:
        started = False

        async def tracked(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracked)
        except Exception:
            if not started:
                raise

    return serve


def run_schemathesis(app, cast: Cast, operations: set[tuple[str, str]] | None = None) -> FuzzRun:
    """Fuzz `operations` ((METHOD, path template) pairs) of the app, or all of them."""
    config = fuzz_config(app.openapi(), cast)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", served_as_by_a_server(app), config=config)
    if operations is not None:
        schema = schema.include(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in operations)

    @schema.auth(refresh_interval=None)
    class _AsOneOfTheCast:
        def get(self, case, context):
            return cast

        def set(self, case, data, context):
            authorization = cast.caller_for(request_key(case)).authorization
            if authorization is not None:
                case.headers = {**(case.headers or {}), "Authorization": authorization}

    run = FuzzRun()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(run, cast, event)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.failures.append(f"schemathesis could not run: {event!r}")
    return run
