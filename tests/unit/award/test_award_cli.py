"""`zhaocai award sign` makes the detached signature a party uploads; it verifies with the key's public half."""

from __future__ import annotations

import base64

import pytest
from typer.testing import CliRunner

from zhaocai.award.cli import app
from zhaocai.crypto import keys
from zhaocai.crypto.certs.pem import pem_encode


@pytest.mark.parametrize("algorithm", ["sm2-sm3", "ecdsa-p256-sha256"])
def test_sign_prints_a_signature_over_the_file(tmp_path, algorithm):
    key = keys.generate_signing_key(algorithm)
    (tmp_path / "key.pem").write_bytes(pem_encode("PRIVATE KEY", key.private_pkcs8_der()))
    (tmp_path / "notice.pdf").write_bytes(b"%PDF-1.7 notice")
    result = CliRunner().invoke(app, ["sign", str(tmp_path / "notice.pdf"), "--key", str(tmp_path / "key.pem")])
    assert result.exit_code == 0, result.output
    key.public_key().verify(base64.b64decode(result.output.strip()), b"%PDF-1.7 notice")
    (tmp_path / "cert.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n")
    refused = CliRunner().invoke(app, ["sign", str(tmp_path / "notice.pdf"), "--key", str(tmp_path / "cert.pem")])
    assert refused.exit_code != 0


def test_the_stage_table_prints():
    result = CliRunner().invoke(app, ["stage-table"])
    assert "publicised  × decide" in result.output
