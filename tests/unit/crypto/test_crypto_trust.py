"""The trust store: several CAs at once, and every reason to refuse a certificate, in both suites."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from crypto_world import CREDIT_CODE, REVOKED_AT, T0, Pki

from zhaocai.crypto.certs import build_gm, build_std
from zhaocai.crypto.certs.names import parse_name
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.certs.pem import pem_blocks, pem_encode
from zhaocai.crypto.certs.profile import CA_KEY_USAGE, CLIENT_AUTH, SIGN_KEY_USAGE, CertificateProfile
from zhaocai.crypto.ports import SigningKey
from zhaocai.crypto.suites import get_suite
from zhaocai.crypto.trust import (
    BadCertificateSignature,
    BadSignature,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRejected,
    CertificateRevoked,
    InvalidCA,
    MalformedCertificate,
    RevocationUnknown,
    TrustStore,
    TrustStoreError,
    UntrustedCA,
    WrongKeyUsage,
    WrongSuite,
)


def test_leaves_from_both_recognised_cas_are_accepted(pki: Pki) -> None:
    store = pki.store()
    first = store.verify(pki.signer.certificate_pem, at=T0, usage="sign")
    second = store.verify(pki.other_signer.certificate_pem, at=T0, usage="sign")
    assert (first.suite, second.suite) == (pki.suite, pki.suite)
    assert first.chain == (pki.ca.certificate.subject_text,)
    assert second.chain == (pki.other_ca.certificate.subject_text,)
    assert first.revocation_checked and second.revocation_checked


def test_verified_certificate_carries_the_holders_facts(pki: Pki) -> None:
    verified = pki.store().verify(pki.signer.certificate_pem, at=T0, usage="sign")
    assert verified.common_name == "张三" and verified.organization == "某某建设有限公司"
    assert verified.credit_code == CREDIT_CODE
    assert verified.serial == pki.signer.serial and verified.issuer == pki.ca.certificate.subject_text
    assert verified.public_key.algorithm == get_suite(pki.suite).signature_algorithm
    assert verified.subject == pki.signer.subject and verified.usage == "sign"


def test_der_and_parsed_inputs_are_accepted(pki: Pki) -> None:
    parsed = ParsedCertificate.from_bytes(pki.signer.certificate_pem)
    store = pki.store()
    assert store.verify(parsed.der, at=T0, usage="sign").fingerprint == parsed.fingerprint
    assert store.verify(parsed, at=T0, usage="sign").fingerprint == parsed.fingerprint


def _refusal(store: TrustStore, certificate: bytes, **kwargs: object) -> CertificateRejected:
    with pytest.raises(CertificateRejected) as caught:
        store.verify(certificate, **{"at": T0, "usage": "sign", **kwargs})  # type: ignore[arg-type]
    return caught.value


def test_rogue_ca_is_refused(pki: Pki) -> None:
    error = _refusal(pki.store(), pki.rogue_signer.certificate_pem)
    assert isinstance(error, UntrustedCA) and error.code == "untrusted_ca" and error.status == 401
    assert "Rogue CA" in error.message and "not a CA this platform trusts" in error.message


def test_rogue_ca_with_a_trusted_name_is_refused(pki: Pki) -> None:
    assert pki.twin_ca.certificate.subject == pki.ca.certificate.subject
    error = _refusal(pki.store(), pki.twin_signer.certificate_pem)
    assert error.code in ("untrusted_ca", "bad_certificate_signature")


def test_a_store_without_the_issuer_refuses(pki: Pki) -> None:
    store = TrustStore(certificates=[pki.other_ca.certificate_pem])
    assert isinstance(_refusal(store, pki.signer.certificate_pem), UntrustedCA)


def test_altered_certificate_is_refused(pki: Pki) -> None:
    der = bytearray(ParsedCertificate.from_bytes(pki.signer.certificate_pem).der)
    der[-1] ^= 0x01  # inside the signature value
    error = _refusal(pki.store(), bytes(der))
    assert isinstance(error, BadCertificateSignature) and error.code == "bad_certificate_signature"


def test_garbage_is_a_malformed_certificate(pki: Pki) -> None:
    assert isinstance(_refusal(pki.store(), b"not a certificate"), MalformedCertificate)


def test_key_compromise_is_refused_even_before_the_revocation_date(pki: Pki) -> None:
    for at in (T0, REVOKED_AT + timedelta(days=1)):
        error = _refusal(pki.store(), pki.compromised.certificate_pem, at=at)
        assert isinstance(error, CertificateRevoked) and error.code == "certificate_revoked"
        assert "keyCompromise" in error.message and str(pki.compromised.serial) in error.message


def test_other_revocations_count_from_their_date(pki: Pki) -> None:
    store = pki.store()
    store.verify(pki.superseded.certificate_pem, at=REVOKED_AT - timedelta(seconds=1), usage="sign")
    error = _refusal(store, pki.superseded.certificate_pem, at=REVOKED_AT + timedelta(seconds=1))
    assert isinstance(error, CertificateRevoked) and "superseded" in error.message


def test_expired_is_refused_but_valid_earlier(pki: Pki) -> None:
    store = pki.store()
    store.verify(pki.short_lived.certificate_pem, at=T0, usage="sign")
    error = _refusal(store, pki.short_lived.certificate_pem, at=T0 + timedelta(days=2))
    assert isinstance(error, CertificateExpired) and error.code == "certificate_expired"
    assert "expired on" in error.message


def test_not_yet_valid_is_refused(pki: Pki) -> None:
    error = _refusal(pki.store(), pki.signer.certificate_pem, at=T0 - timedelta(days=2))
    assert isinstance(error, CertificateNotYetValid) and error.code == "certificate_not_yet_valid"


def test_wrong_usage_is_refused_both_ways(pki: Pki) -> None:
    store = pki.store()
    store.verify(pki.encrypter.certificate_pem, at=T0, usage="encrypt")
    error = _refusal(store, pki.encrypter.certificate_pem, usage="sign")
    assert isinstance(error, WrongKeyUsage) and error.code == "wrong_key_usage" and "signing" in error.message
    error = _refusal(store, pki.signer.certificate_pem, usage="encrypt")
    assert isinstance(error, WrongKeyUsage) and "encryption" in error.message


def test_a_ca_certificate_is_not_a_holders(pki: Pki) -> None:
    assert isinstance(_refusal(pki.store(), pki.ca.certificate_pem), WrongKeyUsage)


def test_suite_mismatch_is_refused(pki: Pki) -> None:
    other = "std" if pki.suite == "gm" else "gm"
    error = _refusal(pki.store(), pki.signer.certificate_pem, suite=other)
    assert isinstance(error, WrongSuite) and error.code == "wrong_suite"
    pki.store().verify(pki.signer.certificate_pem, at=T0, usage="sign", suite=pki.suite)


def test_stale_crl_refuses_until_refreshed_or_within_grace(pki: Pki) -> None:
    late = REVOKED_AT + timedelta(days=8)  # nextUpdate was REVOKED_AT + 7 days
    error = _refusal(pki.store(), pki.signer.certificate_pem, at=late)
    assert isinstance(error, RevocationUnknown) and "stale" in error.message
    pki.store(crl_grace=timedelta(days=2)).verify(pki.signer.certificate_pem, at=late, usage="sign")


def test_missing_crl_is_tolerated_unless_required(pki: Pki) -> None:
    without_crls = TrustStore(certificates=pki.roots)
    verified = without_crls.verify(pki.compromised.certificate_pem, at=T0, usage="sign")
    assert verified.revocation_checked is False  # nothing to check against: the caller can see that
    strict = TrustStore(certificates=pki.roots, require_crl=True)
    assert isinstance(_refusal(strict, pki.signer.certificate_pem), RevocationUnknown)


def test_forged_crl_is_refused_when_loading(pki: Pki) -> None:
    forged = pki.twin_ca.crl()  # same issuer name as `ca`, another key
    with pytest.raises(TrustStoreError, match="not signed by any CA"):
        TrustStore(certificates=pki.roots, crls=[forged])
    [(_, der)] = pem_blocks(pki.crls[0])
    altered = bytearray(der)
    altered[-1] ^= 0x01
    with pytest.raises(TrustStoreError):
        TrustStore(certificates=pki.roots, crls=[bytes(altered)])


def test_newest_crl_wins(pki: Pki) -> None:
    older = pki.crls[0]
    store = TrustStore(certificates=pki.roots, crls=[older, pki.crls[1]])
    assert isinstance(_refusal(store, pki.compromised.certificate_pem), CertificateRevoked)


def test_verify_signature_checks_certificate_and_signature(pki: Pki) -> None:
    [(_, pkcs8)] = pem_blocks(pki.signer.private_key_pem or b"")
    key = get_suite(pki.suite).load_signing_key(pkcs8)
    store = pki.store()
    verified = store.verify_signature(pki.signer.certificate_pem, b"challenge", key.sign(b"challenge"), at=T0)
    assert verified.serial == pki.signer.serial
    with pytest.raises(BadSignature) as caught:
        store.verify_signature(pki.signer.certificate_pem, b"challenge!", key.sign(b"challenge"), at=T0)
    assert caught.value.code == "bad_signature" and caught.value.field == "signature"
    [(_, compromised_pkcs8)] = pem_blocks(pki.compromised.private_key_pem or b"")
    compromised_key = get_suite(pki.suite).load_signing_key(compromised_pkcs8)
    with pytest.raises(CertificateRevoked):
        store.verify_signature(pki.compromised.certificate_pem, b"c", compromised_key.sign(b"c"), at=T0)


def test_load_from_a_directory(pki: Pki, tmp_path: Path) -> None:
    (tmp_path / "a-ca.pem").write_bytes(pki.ca.certificate_pem)
    (tmp_path / "b-ca.crt").write_bytes(ParsedCertificate.from_bytes(pki.other_ca.certificate_pem).der)
    (tmp_path / "both.crl").write_bytes(pki.crls[0] + pki.crls[1])
    (tmp_path / "README.txt").write_text("ignored")
    store = TrustStore.load(tmp_path)
    assert {anchor["subject"] for anchor in store.anchors()} == {
        pki.ca.certificate.subject_text,
        pki.other_ca.certificate.subject_text,
    }
    store.verify(pki.other_signer.certificate_pem, at=T0, usage="sign")
    assert isinstance(_refusal(store, pki.compromised.certificate_pem), CertificateRevoked)
    assert TrustStore.load(tmp_path / "absent").anchors() == []


def test_directory_with_a_holders_certificate_or_a_key_is_refused(pki: Pki, tmp_path: Path) -> None:
    (tmp_path / "leaf.pem").write_bytes(pki.signer.certificate_pem)
    with pytest.raises(TrustStoreError, match="not a CA certificate"):
        TrustStore.load(tmp_path)
    (tmp_path / "leaf.pem").write_bytes(pki.signer.private_key_pem or b"")
    with pytest.raises(TrustStoreError, match="PRIVATE KEY"):
        TrustStore.load(tmp_path)


SERVER_AUTH = "1.3.6.1.5.5.7.3.1"

# chains through an intermediate CA: built with the certificate builders directly (the demo CA issues leaves only);
# the openssl CLI cannot check gm intermediate links (sm2-notes trap 1), so these fixtures are checked here alone


def _certificate(
    suite: str,
    subject: str,
    key: SigningKey,
    issuer: tuple[str, SigningKey],
    *,
    is_ca: bool,
    path_length: int | None = None,
    key_usage: frozenset[str] | None = None,
    eku: tuple[str, ...] = (),
) -> bytes:
    issuer_name, issuer_key = issuer
    profile = CertificateProfile(
        subject=parse_name(subject),
        issuer=parse_name(issuer_name),
        serial=secrets.randbelow(2**62) + 1,
        not_before=T0 - timedelta(days=1),
        not_after=T0 + timedelta(days=30),
        subject_spki_der=key.public_key().spki_der(),
        issuer_spki_der=issuer_key.public_key().spki_der(),
        is_ca=is_ca,
        key_usage=key_usage if key_usage is not None else (CA_KEY_USAGE if is_ca else SIGN_KEY_USAGE),
        path_length=path_length,
        extended_key_usage=eku,
    )
    builder = build_gm if suite == "gm" else build_std
    return pem_encode("CERTIFICATE", builder.build_certificate(profile, issuer_key))  # type: ignore[arg-type]


@pytest.fixture(params=["gm", "std"])
def hierarchy(request: pytest.FixtureRequest) -> dict[str, object]:
    suite = get_suite(request.param)
    root_key, mid_key, leaf_key = (suite.generate_signing_key() for _ in range(3))
    root = ("CN=Root CA,O=互认中心", root_key)
    mid = ("CN=Issuing CA,O=互认中心", mid_key)
    return {
        "suite": request.param,
        "keys": (root, mid, leaf_key),
        "root": _certificate(request.param, root[0], root_key, root, is_ca=True, path_length=1),
        "mid": _certificate(request.param, mid[0], mid_key, root, is_ca=True, path_length=0),
        "leaf": _certificate(request.param, "CN=投标人", leaf_key, mid, is_ca=False),
    }


def test_chain_through_an_intermediate(hierarchy: dict) -> None:
    anchored = TrustStore(certificates=[hierarchy["root"]])
    with pytest.raises(UntrustedCA):  # the intermediate is missing
        anchored.verify(hierarchy["leaf"], at=T0, usage="sign")
    verified = anchored.verify(hierarchy["leaf"], at=T0, usage="sign", intermediates=[hierarchy["mid"]])
    assert verified.chain == ("CN=Issuing CA,O=互认中心", "CN=Root CA,O=互认中心")
    loaded = TrustStore(certificates=[hierarchy["root"], hierarchy["mid"]])
    assert loaded.verify(hierarchy["leaf"], at=T0, usage="sign").suite == hierarchy["suite"]
    only_intermediate = TrustStore(certificates=[hierarchy["mid"]])  # not self-signed: never an anchor
    with pytest.raises(UntrustedCA):
        only_intermediate.verify(hierarchy["leaf"], at=T0, usage="sign")


def test_intermediate_signed_by_another_key_is_refused(hierarchy: dict) -> None:
    (root, mid, _leaf_key) = hierarchy["keys"]
    impostor_root = (root[0], get_suite(hierarchy["suite"]).generate_signing_key())
    forged_mid = _certificate(hierarchy["suite"], mid[0], mid[1], impostor_root, is_ca=True, path_length=0)
    store = TrustStore(certificates=[hierarchy["root"]])
    with pytest.raises((BadCertificateSignature, UntrustedCA)):
        store.verify(hierarchy["leaf"], at=T0, usage="sign", intermediates=[forged_mid])


def test_path_length_and_ca_flags_are_enforced(hierarchy: dict) -> None:
    suite = hierarchy["suite"]
    (root, mid, _leaf_key) = hierarchy["keys"]
    tight_root_key = get_suite(suite).generate_signing_key()
    tight_root = ("CN=Tight Root", tight_root_key)
    tight_root_cert = _certificate(suite, tight_root[0], tight_root_key, tight_root, is_ca=True, path_length=0)
    mid_under_tight = _certificate(suite, mid[0], mid[1], tight_root, is_ca=True, path_length=0)
    with pytest.raises(InvalidCA, match="allows 0 intermediate"):
        TrustStore(certificates=[tight_root_cert]).verify(
            hierarchy["leaf"], at=T0, usage="sign", intermediates=[mid_under_tight]
        )
    not_a_ca = _certificate(suite, mid[0], mid[1], root, is_ca=False)
    with pytest.raises(InvalidCA, match="not a CA"):
        TrustStore(certificates=[hierarchy["root"]]).verify(
            hierarchy["leaf"], at=T0, usage="sign", intermediates=[not_a_ca]
        )
    no_cert_sign = _certificate(suite, mid[0], mid[1], root, is_ca=True, key_usage=frozenset({"crl_sign"}))
    with pytest.raises(InvalidCA, match="keyCertSign"):
        TrustStore(certificates=[hierarchy["root"]]).verify(
            hierarchy["leaf"], at=T0, usage="sign", intermediates=[no_cert_sign]
        )


def test_server_only_certificate_is_not_a_holders(hierarchy: dict) -> None:
    (root, _mid, leaf_key) = hierarchy["keys"]
    server = _certificate(hierarchy["suite"], "CN=www.example.cn", leaf_key, root, is_ca=False, eku=(SERVER_AUTH,))
    with pytest.raises(WrongKeyUsage, match="servers"):
        TrustStore(certificates=[hierarchy["root"]]).verify(server, at=T0, usage="sign")
    client = _certificate(hierarchy["suite"], "CN=张三", leaf_key, root, is_ca=False, eku=(SERVER_AUTH, CLIENT_AUTH))
    TrustStore(certificates=[hierarchy["root"]]).verify(client, at=T0, usage="sign")
