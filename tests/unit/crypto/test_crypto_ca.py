"""The demo CA: roots, holders' certificates for signing and encryption, revocation, CRLs — in both suites."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from crypto_world import CA_PASSPHRASE, CREDIT_CODE, REVOKED_AT, T0, Pki
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zhaocai.core.clock import FixedClock
from zhaocai.crypto import keys
from zhaocai.crypto.ca import CertificateAuthority, CertificateAuthorityError
from zhaocai.crypto.certs.names import credit_code_of
from zhaocai.crypto.certs.parsed import ParsedCertificate, ParsedCrl
from zhaocai.crypto.sealed_key import WrongPassphrase
from zhaocai.crypto.suites import get_suite


def _parsed(pem: bytes) -> ParsedCertificate:
    return ParsedCertificate.from_bytes(pem)


def test_root_is_a_self_signed_ca(pki: Pki) -> None:
    root = pki.ca.certificate
    assert root.is_self_issued and root.is_signed_by(root)
    assert root.is_ca and root.path_length == 0
    assert root.key_usage == {"key_cert_sign", "crl_sign"}
    assert root.key_algorithm == {"gm": "sm2-sm3", "std": "ecdsa-p256-sha256"}[pki.suite]
    assert (pki.ca.directory / "ca.pem").read_bytes() == pki.ca.certificate_pem


def test_signing_certificate_profile(pki: Pki) -> None:
    leaf = _parsed(pki.signer.certificate_pem)
    assert leaf.is_signed_by(pki.ca.certificate) and not leaf.is_signed_by(pki.other_ca.certificate)
    assert not leaf.is_ca
    assert leaf.key_usage == {"digital_signature", "non_repudiation"}
    eku = leaf.x509.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION}
    assert leaf.authority_key_id == pki.ca.certificate.subject_key_id
    assert leaf.not_after - leaf.not_before == timedelta(days=365)
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "张三"


def test_encryption_certificate_profile(pki: Pki) -> None:
    leaf = _parsed(pki.encrypter.certificate_pem)
    expected = {"key_agreement", "key_encipherment"} | ({"data_encipherment"} if pki.suite == "gm" else set())
    assert leaf.key_usage == expected
    with pytest.raises(x509.ExtensionNotFound):
        leaf.x509.extensions.get_extension_for_class(x509.ExtendedKeyUsage)


def test_credit_code_goes_into_serial_number(pki: Pki) -> None:
    leaf = _parsed(pki.signer.certificate_pem)
    assert leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == CREDIT_CODE
    assert credit_code_of(leaf.subject) == CREDIT_CODE
    assert pki.signer.subject.startswith(f"serialNumber={CREDIT_CODE},CN=张三")


def test_issued_private_key_matches_the_certificate(pki: Pki) -> None:
    from zhaocai.crypto.certs.pem import pem_blocks

    [(label, pkcs8)] = pem_blocks(pki.signer.private_key_pem or b"")
    assert label == "PRIVATE KEY"
    key = get_suite(pki.suite).load_signing_key(pkcs8)
    assert key.public_key().spki_der() == _parsed(pki.signer.certificate_pem).spki_der


def test_crl_lists_revocations_with_reasons(pki: Pki) -> None:
    crl = ParsedCrl.from_bytes(pki.crls[0])
    assert crl.is_signed_by(pki.ca.certificate) and not crl.is_signed_by(pki.twin_ca.certificate)
    assert crl.this_update == REVOKED_AT and crl.next_update == REVOKED_AT + timedelta(days=7)
    compromised = crl.revocation(pki.compromised.serial)
    assert compromised is not None and compromised.reason == "keyCompromise" and compromised.revoked_at == REVOKED_AT
    superseded = crl.revocation(pki.superseded.serial)
    assert superseded is not None and superseded.reason == "superseded"
    assert crl.revocation(pki.signer.serial) is None
    empty = ParsedCrl.from_bytes(pki.crls[1])
    assert empty.is_signed_by(pki.other_ca.certificate) and list(empty.x509) == []


@pytest.fixture
def fresh_ca(tmp_path: Path, suite_name: str) -> CertificateAuthority:
    return CertificateAuthority.init(
        tmp_path / "ca", name="Fresh CA", suite=suite_name, passphrase=CA_PASSPHRASE, clock=FixedClock(T0)
    )


def test_open_needs_the_passphrase(fresh_ca: CertificateAuthority) -> None:
    reopened = CertificateAuthority.open(fresh_ca.directory, CA_PASSPHRASE)
    assert reopened.certificate_pem == fresh_ca.certificate_pem and reopened.suite == fresh_ca.suite
    with pytest.raises(WrongPassphrase):
        CertificateAuthority.open(fresh_ca.directory, b"wrong")


def test_ca_state_is_owner_only_and_holds_no_plain_key(fresh_ca: CertificateAuthority) -> None:
    state_file = fresh_ca.directory / "ca.json"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh_ca.directory.stat().st_mode) == 0o700
    pkcs8 = fresh_ca._key.private_pkcs8_der()
    text = state_file.read_bytes()
    assert pkcs8 not in text and pkcs8.hex().encode() not in text
    assert json.loads(text)["key"]["kdf"] == "scrypt"


def test_init_refuses_an_existing_ca(fresh_ca: CertificateAuthority, suite_name: str) -> None:
    with pytest.raises(CertificateAuthorityError, match="already holds a CA"):
        CertificateAuthority.init(fresh_ca.directory, name="Again", suite=suite_name, passphrase=CA_PASSPHRASE)


def test_issue_refuses_bad_requests(fresh_ca: CertificateAuthority) -> None:
    with pytest.raises(CertificateAuthorityError, match="统一社会信用代码"):
        fresh_ca.issue(subject="CN=a", usage="sign", credit_code=CREDIT_CODE[:-1] + "A")
    with pytest.raises(CertificateAuthorityError, match="no CN"):
        fresh_ca.issue(subject="O=Only An Org", usage="sign")
    with pytest.raises(CertificateAuthorityError, match="usage"):
        fresh_ca.issue(subject="CN=a", usage="both")  # type: ignore[arg-type]
    with pytest.raises(CertificateAuthorityError, match="outlive the CA"):
        fresh_ca.issue(subject="CN=a", usage="sign", days=4000)
    with pytest.raises(CertificateAuthorityError, match="serialNumber"):
        fresh_ca.issue(subject=f"CN=a,serialNumber={CREDIT_CODE}", usage="sign", credit_code=CREDIT_CODE)


def test_issue_for_a_holders_own_key(fresh_ca: CertificateAuthority, suite_name: str) -> None:
    holder = get_suite(suite_name).generate_signing_key()
    issued = fresh_ca.issue(subject="CN=自带密钥", usage="encrypt", public_key_der=holder.public_key().spki_der())
    assert issued.private_key_pem is None
    assert _parsed(issued.certificate_pem).spki_der == holder.public_key().spki_der()
    wrong = get_suite("std" if suite_name == "gm" else "gm").generate_signing_key()
    with pytest.raises(CertificateAuthorityError, match="certifies"):
        fresh_ca.issue(subject="CN=x", usage="sign", public_key_der=wrong.public_key().spki_der())


def test_revoke_refuses_unknown_and_repeated(fresh_ca: CertificateAuthority) -> None:
    issued = fresh_ca.issue(subject="CN=a", usage="sign")
    with pytest.raises(CertificateAuthorityError, match="no certificate with serial"):
        fresh_ca.revoke(issued.serial + 1)
    with pytest.raises(CertificateAuthorityError, match="reason"):
        fresh_ca.revoke(issued.serial, reason="boredom")
    fresh_ca.revoke(issued.serial)
    with pytest.raises(CertificateAuthorityError, match="already revoked"):
        fresh_ca.revoke(issued.serial)
    assert [entry["revoked"] for entry in fresh_ca.issued()] == [True]


def test_crl_numbers_increase(fresh_ca: CertificateAuthority) -> None:
    numbers = [ParsedCrl.from_bytes(fresh_ca.crl()).number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_two_handles_on_one_ca_see_each_others_changes(fresh_ca: CertificateAuthority) -> None:
    other = CertificateAuthority.open(fresh_ca.directory, CA_PASSPHRASE)
    issued = other.issue(subject="CN=via other handle", usage="sign")
    fresh_ca.revoke(issued.serial)  # knows the serial although this handle did not issue it
    assert ParsedCrl.from_bytes(other.crl()).revocation(issued.serial) is not None


def test_write_puts_the_key_in_an_owner_only_file(pki: Pki, tmp_path: Path) -> None:
    cert_path, key_path = pki.signer.write(tmp_path / "bidder")
    assert cert_path.name == "bidder.pem" and key_path.name == "bidder.key.pem"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert keys.spki_algorithm(_parsed(cert_path.read_bytes()).spki_der) in keys.ALGORITHMS
