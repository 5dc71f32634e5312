"""The two crypto suites (DESIGN principle 8). Callers pick one by name: `get_suite(tender.suite)`."""

from __future__ import annotations

from functools import cache

from zhaocai.crypto.ports import Suite

SUITE_NAMES = ("gm", "std")


@cache
def get_suite(name: str) -> Suite:
    if name == "gm":
        from zhaocai.crypto.suites.gm import GmSuite

        return GmSuite()
    if name == "std":
        from zhaocai.crypto.suites.std import StdSuite

        return StdSuite()
    raise ValueError(f"unknown crypto suite {name!r}: expected one of {', '.join(SUITE_NAMES)}")
