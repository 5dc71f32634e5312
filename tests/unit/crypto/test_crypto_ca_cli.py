"""`zhaocai ca ...` end to end: init, issue, revoke, crl, and the trust store accepting / refusing the results."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from crypto_world import CREDIT_CODE
from typer.testing import CliRunner

from zhaocai.crypto.ca_cli import app
from zhaocai.crypto.trust import CertificateRevoked, TrustStore

ENV = {"ZHAOCAI_CA_PASSPHRASE": "cli test passphrase"}


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env=env if env is not None else ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_ca_lifecycle_on_the_command_line(tmp_path: Path, suite_name: str) -> None:
    ca_dir = tmp_path / "ca"
    _run("init", "--name", f"CLI CA {suite_name}", "--suite", suite_name, "--dir", str(ca_dir))
    output = _run(
        "issue", "--dir", str(ca_dir), "--subject", "CN=张三,O=某某建设有限公司,C=CN",
        "--credit-code", CREDIT_CODE, "--usage", "sign", "--out", str(tmp_path / "zhang"),
    )  # fmt: skip
    serial = re.search(r"serial (\d+)", output).group(1)  # type: ignore[union-attr]
    assert (tmp_path / "zhang.pem").exists() and (tmp_path / "zhang.key.pem").exists()
    _run("issue", "--dir", str(ca_dir), "--subject", "CN=李四", "--usage", "encrypt", "--out", str(tmp_path / "li"))

    trust_dir = tmp_path / "trust"
    trust_dir.mkdir()
    (trust_dir / "ca.pem").write_bytes((ca_dir / "ca.pem").read_bytes())
    now = datetime.now(UTC)
    store = TrustStore.load(trust_dir)
    assert store.verify((tmp_path / "zhang.pem").read_bytes(), at=now, usage="sign").credit_code == CREDIT_CODE
    assert store.verify((tmp_path / "li.pem").read_bytes(), at=now, usage="encrypt").common_name == "李四"

    _run("revoke", "--dir", str(ca_dir), "--serial", hex(int(serial)), "--reason", "keyCompromise")
    _run("crl", "--dir", str(ca_dir), "--out", str(trust_dir / "ca.crl"))
    with pytest.raises(CertificateRevoked):
        TrustStore.load(trust_dir).verify((tmp_path / "zhang.pem").read_bytes(), at=now, usage="sign")


def test_cli_errors_are_reported_not_raised(tmp_path: Path) -> None:
    ca_dir = tmp_path / "ca"
    _run("init", "--name", "CLI CA", "--suite", "gm", "--dir", str(ca_dir))
    runner = CliRunner()
    wrong = runner.invoke(app, ["crl", "--dir", str(ca_dir), "--out", str(tmp_path / "x.crl")], env={
        "ZHAOCAI_CA_PASSPHRASE": "wrong"})  # fmt: skip
    assert wrong.exit_code == 1 and "wrong key passphrase" in wrong.output
    bad_suite = runner.invoke(app, ["init", "--name", "X", "--suite", "rsa", "--dir", str(tmp_path / "x")], env=ENV)
    assert bad_suite.exit_code == 1 and "unknown suite" in bad_suite.output
    unknown = runner.invoke(app, ["revoke", "--dir", str(ca_dir), "--serial", "12345"], env=ENV)
    assert unknown.exit_code == 1 and "no certificate with serial 12345" in unknown.output


def test_passphrase_file(tmp_path: Path) -> None:
    secret = tmp_path / "passphrase"
    secret.write_text("from a file\n")
    from_file = ["--passphrase-file", str(secret)]
    _run("init", "--name", "File CA", "--suite", "std", "--dir", str(tmp_path / "ca"), *from_file, env={})
    _run("crl", "--dir", str(tmp_path / "ca"), "--out", str(tmp_path / "x.crl"), *from_file, env={})
    wrong = tmp_path / "wrong"
    wrong.write_text("not it")
    args = ["crl", "--dir", str(tmp_path / "ca"), "--out", str(tmp_path / "y"), "--passphrase-file", str(wrong)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
