"""The bidder-tool tests' world: per suite, a demo CA, a bidder with signing and encryption certificates naming
its 统一社会信用代码, a backup key pair, and a bid spec with its files on disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zhaocai.bidder import BidRequirements, BidSpec, Credentials, generate_backup_key
from zhaocai.core.clock import FixedClock
from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.crypto.ca import CertificateAuthority

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CANARY = "CANARY-7f3a9c-施工组织设计-秘密"


def credit_code(body: str) -> str:
    return make_credit_code(f"91110108{body}{organization_check_digit(body)}")


BIDDER_CODE = credit_code("MA01AAAA")


@dataclass
class Bidder:
    suite: str
    directory: Path
    credentials: Credentials  # with the encryption key (test decryption) and the backup public key
    backup_private_key: Path

    def without_backup(self) -> Credentials:
        c = self.credentials
        return Credentials(c.signing_key, c.signer_certificate, c.encryption_certificate, c.encryption_key, None)


def make_bidder(suite: str, directory: Path, code: str = BIDDER_CODE) -> Bidder:
    ca = CertificateAuthority.init(
        directory / "ca",
        name=f"投标工具测试CA {suite}",
        suite=suite,
        passphrase=b"x",
        clock=FixedClock(T0),
        scrypt_n=16,
    )
    paths = {}
    for usage in ("sign", "encrypt"):
        issued = ca.issue(subject="CN=甲建设有限公司,O=甲建设有限公司,C=CN", usage=usage, credit_code=code)
        paths[usage] = issued.write(directory / usage)
    backup = generate_backup_key(suite, directory / "keys")
    credentials = Credentials.load(
        signing_key=paths["sign"][1],
        signer_certificate=paths["sign"][0],
        encryption_certificate=paths["encrypt"][0],
        encryption_key=paths["encrypt"][1],
        backup_public_key=backup.public_key,
    )
    return Bidder(suite, directory, credentials, backup.private_key)


def requirements(suite: str, *, two_envelope: bool = False, remedy: bool = False) -> BidRequirements:
    sections = ("technical", "price") if two_envelope else ("whole",)
    return BidRequirements("T-1", "L-1", suite, sections, remedy)


def write_spec(directory: Path, code: str = BIDDER_CODE) -> Path:
    """bid.json and its files (the technical file carries the canary)."""
    (directory / "技术标").mkdir(parents=True, exist_ok=True)
    (directory / "报价").mkdir(exist_ok=True)
    (directory / "技术标" / "施工组织设计.txt").write_text(f"施工组织设计 {CANARY}\n" * 50)
    (directory / "报价" / "已标价工程量清单.csv").write_text("item,unit,quantity,unit_price\n平整场地,m2,100,10.00\n")
    spec = {
        "bidder": {"kind": "organisation", "credit_code": code, "name": "甲建设有限公司"},
        "price": {"total": "1250.50"},
        "bill": [
            {"item": "010101001 平整场地", "unit": "m2", "quantity": "100", "unit_price": "10.00"},
            {"item": "010101002 挖土方", "unit": "m3", "quantity": "33.4", "unit_price": "7.50"},
        ],
        "duration_days": 365,
        "quality": "合格",
        "project_manager": {"name": "张三", "certificate_number": "京111060800001"},
        "declared": {"safety_licence": "(京)JZ安许证字[2020]000001"},
        "files": ["技术标/施工组织设计.txt"],
        "price_files": ["报价/已标价工程量清单.csv"],
    }
    path = directory / "bid.json"
    path.write_text(json.dumps(spec, ensure_ascii=False))
    return path


def load_spec(path: Path) -> BidSpec:
    return BidSpec.load(path)
