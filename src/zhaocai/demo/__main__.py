"""`make demo` (python -m zhaocai.demo): prepare the embedded default, seed it, print the logins, serve.

Environment: ZHAOCAI_DEMO_PORT (default 8000), ZHAOCAI_DEMO_NO_SERVE=1 to prepare and seed only.
"""

from __future__ import annotations

import os

import uvicorn
from rich.console import Console
from rich.table import Table

from zhaocai.adapters.db.migrate import upgrade
from zhaocai.audit.wiring import make_sequencer
from zhaocai.bootstrap import Container, build
from zhaocai.demo.environment import demo_certificate_authorities, demo_settings
from zhaocai.demo.seed import seed
from zhaocai.jobs import platform_jobs, start_all, stop_all
from zhaocai.platforms import build_app

console = Console()


def prepare() -> tuple[Container, dict[str, object]]:
    settings = demo_settings()
    container = build(settings)
    with console.status("migrating the database"):
        upgrade(container.engine)
    with console.status("platform keys and demo certificate authorities"):
        container.keyring.ensure("platform-sign", "sm2-sm3" if settings.crypto_suite == "gm" else "ecdsa-p256-sha256")
        authorities = demo_certificate_authorities(settings)
    with console.status("demo subjects, users and certificates"):
        logins = seed(container, authorities)
    return container, logins


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


def main() -> None:
    container, logins = prepare()
    port = int(os.environ.get("ZHAOCAI_DEMO_PORT", "8000"))
    url = f"http://127.0.0.1:{port}"
    make_sequencer(container).drain()
    show_logins(logins, url)
    if os.environ.get("ZHAOCAI_DEMO_NO_SERVE") == "1":
        return
    jobs = start_all(platform_jobs(container))
    try:
        uvicorn.run(build_app(container), host="127.0.0.1", port=port, log_level="info")
    finally:
        stop_all(jobs)


if __name__ == "__main__":
    main()
