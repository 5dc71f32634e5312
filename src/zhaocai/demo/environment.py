"""The demo's data directory: settings, a generated key passphrase, and one demo CA per crypto suite."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from zhaocai.config import Settings
from zhaocai.crypto.ca import CertificateAuthority

DEMO_DIR = Path("var/demo")
CRL_DAYS = 3650  # the accelerated clock would outrun a week-long CRL


def demo_settings(data_dir: Path = DEMO_DIR, **overrides: object) -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    passphrase_file = data_dir / "key-passphrase"
    if not passphrase_file.exists():
        passphrase_file.write_text(secrets.token_urlsafe(32))
        os.chmod(passphrase_file, 0o600)
    return Settings(
        data_dir=data_dir,
        key_passphrase_file=passphrase_file,
        platform_name="招采演示交易平台",
        **overrides,  # type: ignore[arg-type]
    )


def demo_certificate_authorities(settings: Settings) -> dict[str, CertificateAuthority]:
    """One demo CA per suite under <data>/ca/<suite>; their roots and CRLs go into the trust directory."""
    passphrase = settings.passphrase()
    assert passphrase is not None
    trust_dir = settings.effective_trust_dir
    trust_dir.mkdir(parents=True, exist_ok=True)
    authorities = {}
    for suite, name in (("gm", "招采演示CA (SM2)"), ("std", "Zhaocai Demo CA (P-256)")):
        directory = settings.data_dir / "ca" / suite
        if (directory / "ca.pem").exists():
            ca = CertificateAuthority.open(directory, passphrase)
        else:
            ca = CertificateAuthority.init(directory, name=name, suite=suite, passphrase=passphrase)
        (trust_dir / f"demo-{suite}-root.pem").write_bytes((directory / "ca.pem").read_bytes())
        (trust_dir / f"demo-{suite}.crl.pem").write_bytes(ca.crl(days=CRL_DAYS))
        authorities[suite] = ca
    return authorities
