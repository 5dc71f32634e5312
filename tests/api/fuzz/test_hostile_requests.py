"""What schemathesis cannot write, sent to every operation: malformed JSON, huge numbers, lone surrogates, over-long
strings, bytes that are no envelope, hostile path segments, headers, Authorization headers and session cookies.
Every answer is a 4xx, never a 5xx — on SQLite and on PostgreSQL, which refuses NUL in text and enforces column
lengths."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

from fuzz_cast import ANONYMOUS, FORGED, Caller, Cast

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HOSTILE_BODIES = [
    b'{"x": ' + b"9" * 5000 + b"}",  # beyond Python's integer-string limit
    b"[" * 50_000 + b"]" * 50_000,  # nesting deeper than the recursion limit
    b'{"x": 1e400, "y": -1e400, "z": NaN, "w": Infinity}',
    b'{"\\ud800": "\\udfff", "x": "\\ud83d"}',  # lone surrogates
    b"\xff\xfe\x00{",  # not UTF-8
    b'{"a": 1, "a": 2}',
    b"",
    b"null",
    b'"\\u0000"',
]
HOSTILE_VALUES = [
    10**30,
    -(2**63) - 1,
    2**64,
    1.7976931348623157e308,
    -0.0,
    "\x00",
    "x" * 100_000,
    "\u0130" * 300,  # 'İ' lower-cases to two characters
    "\ufdfa" * 300,  # eighteen characters each under NFKC
    None,
    True,
    [],
    {"$ne": ""},
]
HOSTILE_PATH_SEGMENTS = ["a%00b", "%ED%A0%80", "x" * 2000, "招采"]
HOSTILE_AUTHORIZATION = [b"Bearer " + b"x" * 10_000, b"Bearer zcat_\xe9\xff", b"Bearer", b"Basic Og==", b"Bearer \t "]
HOSTILE_HEADER_VALUES = [b"x" * 10_000, b"\xe9\xff\xfe", b"", b" ", b"%00", "招采".encode()]
HOSTILE_COOKIES = ["x" * 5000, "\x7f\x01", "zc%00session"]


def _operations(app, assigned: set[tuple[str, str]]) -> Iterator[tuple[str, str, dict]]:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            if (method.upper(), path) in assigned:
                yield method.upper(), path, operation


def _body_fields(app, schema: dict) -> list[str]:
    for option in schema.get("anyOf", [schema]):
        if "$ref" in option:
            name = option["$ref"].rsplit("/", 1)[-1]
            return list(app.openapi()["components"]["schemas"][name].get("properties", {}))
    return ["x"]


def _with_path(path: str, segment: str) -> str:
    return "/".join(segment if part.startswith("{") else part for part in path.split("/"))


class _Sender:
    def __init__(self, app) -> None:
        self.http = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
        self.sent = 0
        self.server_errors: list[str] = []

    def send(self, caller: Caller, method: str, url: str, headers: dict | None = None, **kwargs) -> None:
        headers = dict(headers or {})
        if caller.authorization:
            headers["Authorization"] = caller.authorization
        response = self.http.request(method, url, headers=headers, **kwargs)
        self.sent += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{method} {url[:120]} as {caller.name}: {response.status_code} {response.text}")


def test_hostile_requests_get_4xx_never_5xx(app, cast: Cast, operations):
    sender = _Sender(app)
    anonymous, forged, authenticated = cast.caller(ANONYMOUS), cast.caller(FORGED), cast.authenticated
    for index, (method, path, operation) in enumerate(_operations(app, operations)):
        # The three ways through authentication: none, refused (and audited), and a real user (by turns).
        callers = [anonymous, forged, authenticated[index % len(authenticated)]]
        if "{" in path:
            for segment in HOSTILE_PATH_SEGMENTS:
                for caller in callers:
                    sender.send(caller, method, _with_path(path, segment))
        url = _with_path(path, cast.org_ids[0])
        for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
            headers = {"Content-Type": content_type}
            for raw in HOSTILE_BODIES:  # as JSON malformed; as anything else, bytes to refuse
                sender.send(callers[index % 3], method, url, headers=headers, content=raw)
            if content_type == "application/json":
                for value in HOSTILE_VALUES:
                    body = json.dumps({name: value for name in _body_fields(app, media["schema"])}).encode()
                    sender.send(callers[2], method, url, headers=headers, content=body)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "header":
                for value in HOSTILE_HEADER_VALUES:
                    sender.send(callers[2], method, url, headers={parameter["name"]: value})
    nobody = Caller("hostile_header", None)
    for method, path, _ in list(_operations(app, operations))[:3]:  # every request reads them the same way
        for value in HOSTILE_AUTHORIZATION:
            sender.send(nobody, method, _with_path(path, "x"), headers={"Authorization": value})
    for cookie in HOSTILE_COOKIES:
        sender.send(nobody, "GET", "/api/v1/me", headers={"Cookie": f"zc_session={cookie}"})
    print(f"\n[hostile requests] {sender.sent} requests")
    assert not sender.server_errors, "\n".join(sender.server_errors[:30])
