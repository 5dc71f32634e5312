"""The openssl command line as an independent checker of what the crypto package writes and reads.

OpenSSL 3.0 needs `distid:1234567812345678` for SM2 (its default id is empty) and cannot check SM2 CRLs or
intermediate links (reference/sm2-notes.md, trap 1): those are checked by our own code in tests/unit/crypto.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhaocai.crypto.ca import CertificateAuthority, IssuedCertificate
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.certs.pem import pem_blocks, pem_encode
from zhaocai.crypto.ports import SigningKey
from zhaocai.crypto.suites import SUITE_NAMES, get_suite
from zhaocai.crypto.trust import CertificateRejected, TrustStore

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command line")
DISTID = "distid:1234567812345678"
SM2_ROUNDS = 12  # fresh keys each round: covers short and leading-zero coordinates now and then


def openssl(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *map(str, args)], input=stdin, capture_output=True, check=False, timeout=30)


def _key_pem(key: SigningKey) -> bytes:
    return pem_encode("PRIVATE KEY", key.private_pkcs8_der())


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@dataclass
class Pki:
    suite: str
    base: Path
    ca: CertificateAuthority
    rogue: CertificateAuthority
    signer: IssuedCertificate
    encrypter: IssuedCertificate
    revoked: IssuedCertificate
    rogue_signer: IssuedCertificate
    crl: bytes

    def file(self, name: str, data: bytes) -> Path:
        return _write(self.base / name, data)


@pytest.fixture(scope="module", params=SUITE_NAMES)
def pki(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pki:
    base = tmp_path_factory.mktemp(f"openssl-{request.param}")
    ca = CertificateAuthority.init(base / "ca", name="互认测试CA", suite=request.param, passphrase=b"pw")
    rogue = CertificateAuthority.init(base / "rogue", name="Rogue", suite=request.param, passphrase=b"pw")
    world = Pki(
        suite=request.param,
        base=base,
        ca=ca,
        rogue=rogue,
        signer=ca.issue(subject="CN=张三,O=某某建设有限公司,C=CN", usage="sign"),
        encrypter=ca.issue(subject="CN=张三,O=某某建设有限公司,C=CN", usage="encrypt"),
        revoked=ca.issue(subject="CN=王五,C=CN", usage="sign"),
        rogue_signer=rogue.issue(subject="CN=张三,O=某某建设有限公司,C=CN", usage="sign"),
        crl=b"",
    )
    ca.revoke(world.revoked.serial, reason="keyCompromise")
    world.crl = ca.crl()
    return world


def _openssl_verify(pki: Pki, certificate: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
    ca_file = pki.file("ca.pem", pki.ca.certificate_pem)
    leaf = pki.file(f"leaf-{secrets.token_hex(4)}.pem", certificate)
    distid = ["-vfyopt", DISTID] if pki.suite == "gm" else []
    return openssl("verify", "-CAfile", ca_file, *distid, *extra, leaf)


def _ours_accepts(pki: Pki, certificate: bytes, usage: str = "sign") -> bool:
    store = TrustStore(certificates=[pki.ca.certificate_pem])
    try:
        store.verify(certificate, at=datetime.now(UTC), usage=usage)  # type: ignore[arg-type]
    except CertificateRejected:
        return False
    return True


@pytest.mark.parametrize("holder", ["signer", "encrypter"])
def test_openssl_accepts_our_certificates(pki: Pki, holder: str) -> None:
    issued: IssuedCertificate = getattr(pki, holder)
    result = _openssl_verify(pki, issued.certificate_pem)
    assert result.returncode == 0 and result.stdout.strip().endswith(b": OK"), result.stderr
    assert _ours_accepts(pki, issued.certificate_pem, "sign" if holder == "signer" else "encrypt")


def test_openssl_and_we_refuse_a_rogue_ca(pki: Pki) -> None:
    assert _openssl_verify(pki, pki.rogue_signer.certificate_pem).returncode != 0
    assert not _ours_accepts(pki, pki.rogue_signer.certificate_pem)


def test_openssl_and_we_refuse_an_altered_certificate(pki: Pki) -> None:
    der = bytearray(ParsedCertificate.from_bytes(pki.signer.certificate_pem).der)
    der[-1] ^= 0x01
    altered = pem_encode("CERTIFICATE", bytes(der))
    assert _openssl_verify(pki, altered).returncode != 0
    assert not _ours_accepts(pki, altered)


@pytest.mark.parametrize("pki", ["gm"], indirect=True)
def test_gm_leaf_link_needs_the_default_id_in_openssl(pki: Pki) -> None:
    """Control for the cross-check: without the distinguishing id OpenSSL 3.0 fails our (correct) gm leaf."""
    ca_file = pki.file("ca.pem", pki.ca.certificate_pem)
    leaf = pki.file("leaf-noid.pem", pki.signer.certificate_pem)
    assert openssl("verify", "-CAfile", ca_file, leaf).returncode != 0


@pytest.mark.parametrize("pki", ["std"], indirect=True)
def test_std_crl_agrees_with_openssl(pki: Pki) -> None:
    """std only: OpenSSL 3.0 checks SM2 CRLs with an empty id; gm CRLs are checked by our code (sm2-notes)."""
    crl_file = pki.file("ca.crl.pem", pki.crl)
    good = _openssl_verify(pki, pki.signer.certificate_pem, "-crl_check", "-CRLfile", str(crl_file))
    assert good.returncode == 0, good.stderr
    revoked = _openssl_verify(pki, pki.revoked.certificate_pem, "-crl_check", "-CRLfile", str(crl_file))
    assert revoked.returncode != 0 and b"revoked" in revoked.stdout + revoked.stderr


def test_openssl_reads_our_crl(pki: Pki) -> None:
    crl_file = pki.file("read.crl.pem", pki.crl)
    text = openssl("crl", "-in", crl_file, "-noout", "-text")
    assert text.returncode == 0, text.stderr
    assert f"{pki.revoked.serial:X}".encode() in text.stdout.replace(b":", b"")
    assert b"Key Compromise" in text.stdout
    expected = b"SM2-with-SM3" if pki.suite == "gm" else b"ecdsa-with-SHA256"
    assert expected in text.stdout


def test_openssl_reads_our_private_keys(pki: Pki) -> None:
    key_file = pki.file("holder.key.pem", pki.signer.private_key_pem or b"")
    result = openssl("pkey", "-in", key_file, "-pubout")
    assert result.returncode == 0, result.stderr
    [(_, spki)] = pem_blocks(result.stdout)
    assert spki == ParsedCertificate.from_bytes(pki.signer.certificate_pem).spki_der


@pytest.mark.parametrize("suite_name", SUITE_NAMES)
def test_signatures_cross_verify_with_openssl(tmp_path: Path, suite_name: str) -> None:
    suite = get_suite(suite_name)
    digest = "-sm3" if suite_name == "gm" else "-sha256"
    options = ["-sigopt", DISTID] if suite_name == "gm" else []
    message = _write(tmp_path / "message", "投标文件 第1卷".encode())
    for _ in range(4):
        key = suite.generate_signing_key()
        key_file = _write(tmp_path / "key.pem", _key_pem(key))
        public_file = _write(tmp_path / "public.pem", pem_encode("PUBLIC KEY", key.public_key().spki_der()))
        ours = _write(tmp_path / "ours.sig", key.sign(message.read_bytes()))
        verified = openssl("dgst", digest, "-verify", public_file, "-signature", ours, *options, message)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        signed = openssl("dgst", digest, "-sign", key_file, *options, "-out", tmp_path / "theirs.sig", message)
        assert signed.returncode == 0, signed.stderr
        key.public_key().verify((tmp_path / "theirs.sig").read_bytes(), message.read_bytes())
    tampered = _write(tmp_path / "tampered", message.read_bytes() + b"!")
    assert openssl("dgst", digest, "-verify", public_file, "-signature", ours, *options, tampered).returncode != 0


def test_sm2_wrap_decrypts_with_openssl(tmp_path: Path) -> None:
    suite = get_suite("gm")
    for _ in range(SM2_ROUNDS):
        key = suite.generate_signing_key()
        key_file = _write(tmp_path / "key.pem", _key_pem(key))
        content_key = secrets.token_bytes(32)
        wrapped = _write(tmp_path / "wrapped.der", suite.key_wrap.wrap(key.public_key().spki_der(), content_key))
        result = openssl("pkeyutl", "-decrypt", "-inkey", key_file, "-in", wrapped)
        assert result.returncode == 0, result.stderr
        assert result.stdout == content_key


def test_openssl_sm2_encryption_unwraps_with_us(tmp_path: Path) -> None:
    suite = get_suite("gm")
    for _ in range(SM2_ROUNDS):
        key = suite.generate_signing_key()
        public_file = _write(tmp_path / "public.pem", pem_encode("PUBLIC KEY", key.public_key().spki_der()))
        content_key = _write(tmp_path / "content.key", secrets.token_bytes(32))
        result = openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", public_file, "-in", content_key)
        assert result.returncode == 0, result.stderr
        assert suite.key_wrap.unwrap(key.private_pkcs8_der(), result.stdout) == content_key.read_bytes()
