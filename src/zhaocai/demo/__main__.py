"""`make demo` (python -m zhaocai.demo): two trading platforms on the embedded defaults, seeded with demo subjects,
users, CAs and certificates. The sandbox (accelerated clock) first runs a whole tender up to its deadline through
its API, printing each step; then both keep serving until Ctrl-C.

Environment: ZHAOCAI_DEMO_PORT (default 8000; the sandbox takes the next port), ZHAOCAI_DEMO_NO_SERVE=1 to prepare,
seed and run the scripted tender, then stop.
"""

from __future__ import annotations

import os
import threading
import time

import uvicorn
from rich.console import Console
from rich.table import Table

from zhaocai.adapters.db.migrate import upgrade
from zhaocai.audit.wiring import make_sequencer
from zhaocai.bootstrap import Container, build
from zhaocai.config import Settings
from zhaocai.core.clock import FixedClock
from zhaocai.demo.environment import demo_certificate_authorities, demo_settings, sandbox_settings
from zhaocai.demo.seed import seed
from zhaocai.demo.walkthrough import Walkthrough
from zhaocai.jobs import PeriodicJob, platform_jobs, start_all, stop_all
from zhaocai.platforms import build_app

console = Console()


def prepare(settings: Settings) -> tuple[Container, dict[str, object]]:
    """Migrate, make keys and CAs, seed; the container to serve with. The sandbox is seeded with its clock stopped
    at its start: seeding is set-up, not part of its timeline (a five-minute login challenge would expire in 17 ms
    of accelerated time)."""
    frozen = FixedClock(settings.clock_start) if settings.clock_start else None
    setup = build(settings, clock=frozen)
    with console.status(f"preparing {settings.platform_name}"):
        upgrade(setup.engine)
        algorithm = "sm2-sm3" if settings.crypto_suite == "gm" else "ecdsa-p256-sha256"
        setup.keyring.ensure("platform-sign", algorithm)
        logins = seed(setup, demo_certificate_authorities(settings))
        make_sequencer(setup).drain()
    setup.engine.dispose()
    return build(settings), logins


def show_logins(logins: dict[str, object], url: str) -> None:
    table = Table("login", "password", "role / organisation", "second factor (TOTP secret)", title="demo logins")
    for username, info in logins.items():
        assert isinstance(info, dict)
        who = info.get("role") or f"{info.get('organisation')} ({info.get('credit_code')})"
        table.add_row(username, info["password"], str(who), info.get("totp_secret") or "-")
    console.print(table)
    console.print("certificates and keys of the demo subjects: var/demo/certs/")
    console.print(f"[bold green]trading platform:[/bold green] {url}/api/docs")
    console.print(f"public keys: {url}/.well-known/zhaocai-keys.json")


class Platform:
    """A platform served by uvicorn in a thread, with its background jobs."""

    def __init__(self, container: Container, port: int) -> None:
        self.container = container
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(build_app(container), host="127.0.0.1", port=port, log_level="warning")
        )
        self.jobs: list[PeriodicJob] = []
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{port}", daemon=True)

    def start(self) -> Platform:
        self.jobs = start_all(platform_jobs(self.container))
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        stop_all(self.jobs)


def main() -> None:
    port = int(os.environ.get("ZHAOCAI_DEMO_PORT", "8000"))
    main_container, logins = prepare(demo_settings())
    sandbox_container, _ = prepare(sandbox_settings(port=port + 1))

    platforms = [Platform(sandbox_container, port + 1).start(), Platform(main_container, port).start()]
    try:
        console.rule(
            f"a tender on the sandbox platform ({platforms[0].url}, clock ×{sandbox_container.settings.clock_factor:g})"
        )
        Walkthrough(sandbox_container, platforms[0].url, console).run()
        console.rule("the demo platforms")
        show_logins(logins, platforms[1].url)
        console.print(f"sandbox platform (accelerated clock, same logins): {platforms[0].url}/api/docs")
        if os.environ.get("ZHAOCAI_DEMO_NO_SERVE") == "1":
            return
        console.print("serving until Ctrl-C")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for platform in platforms:
            platform.stop()


if __name__ == "__main__":
    main()
