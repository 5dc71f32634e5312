"""The demo's data directories and settings, a generated key passphrase, and one demo CA per crypto suite.

Two platforms run in the demo: the interactive one on the real clock, and a sandbox whose clock runs fast from a
fixed day (so that its 21-day tender takes minutes, and the working-day calendar always has the year it needs).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from zhaocai.config import Settings
from zhaocai.core.clock import Clock, FixedClock
from zhaocai.crypto.ca import CertificateAuthority

DEMO_DIR = Path("var/demo")
SANDBOX_DIR = Path("var/demo-sandbox")
SANDBOX_START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
SANDBOX_FACTOR = 17_280.0  # a day in 5 seconds
CRL_DAYS = 3650  # the accelerated clock would outrun a week-long CRL
LONG_DAYS = 3650


def demo_settings(data_dir: Path = DEMO_DIR, **overrides: object) -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    passphrase_file = data_dir / "key-passphrase"
    if not passphrase_file.exists():
        passphrase_file.write_text(secrets.token_urlsafe(32))
        os.chmod(passphrase_file, 0o600)
    values: dict[str, object] = {
        "data_dir": data_dir,
        "key_passphrase_file": passphrase_file,
        "platform_name": "招采演示交易平台",
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


def sandbox_settings(data_dir: Path = SANDBOX_DIR, *, port: int, factor: float = SANDBOX_FACTOR) -> Settings:
    return demo_settings(
        data_dir,
        platform_code="ZC0000000002",
        platform_name="招采演示交易平台（沙盒，时钟加速）",
        public_url=f"http://127.0.0.1:{port}",
        clock_mode="accelerated",
        clock_factor=factor,
        clock_start=SANDBOX_START,
        # sandbox days pass in seconds: keep sessions and tokens alive for the length of a demo
        session_ttl_minutes=LONG_DAYS * 24 * 60,
        api_token_ttl_days=LONG_DAYS,
    )


def ca_clock(settings: Settings) -> Clock | None:
    """The sandbox's CA dates everything a month before the sandbox starts, so that its certificates and CRLs are
    valid in sandbox time on every run (the sandbox clock starts again at the same moment)."""
    if settings.clock_start is None:
        return None
    return FixedClock(settings.clock_start - timedelta(days=30))


def demo_certificate_authorities(settings: Settings) -> dict[str, CertificateAuthority]:
    """One demo CA per suite under <data>/ca/<suite>; their roots and CRLs go into the trust directory."""
    passphrase = settings.passphrase()
    assert passphrase is not None
    clock = ca_clock(settings)
    trust_dir = settings.effective_trust_dir
    trust_dir.mkdir(parents=True, exist_ok=True)
    authorities = {}
    for suite, name in (("gm", "招采演示CA (SM2)"), ("std", "Zhaocai Demo CA (P-256)")):
        directory = settings.data_dir / "ca" / suite
        if (directory / "ca.pem").exists():
            ca = CertificateAuthority.open(directory, passphrase, clock=clock)
        else:
            ca = CertificateAuthority.init(directory, name=name, suite=suite, passphrase=passphrase, clock=clock)
        (trust_dir / f"demo-{suite}-root.pem").write_bytes((directory / "ca.pem").read_bytes())
        (trust_dir / f"demo-{suite}.crl.pem").write_bytes(ca.crl(days=CRL_DAYS))
        authorities[suite] = ca
    return authorities
