"""Certificate login with both suites (gm SM2, std ECDSA P-256): a registered certificate from a trusted CA logs
in; one from an untrusted CA, a revoked one, an unregistered one or a bad signature is refused with the reason,
and every attempt is audited."""

from __future__ import annotations

import base64

import pytest
from identity_api_world import last_entry, outcomes, registration, sign

SUITES = ("gm", "std")


def _challenge(http) -> tuple[str, bytes]:
    body = http.post("/api/v1/auth/certificate/challenge").json()
    return body["challenge_id"], base64.b64decode(body["message"])


def _proof(http, issued, suite: str, *, tamper: bool = False) -> dict:
    challenge_id, message = _challenge(http)
    return {
        "challenge_id": challenge_id,
        "certificate": issued.certificate_pem.decode(),
        "signature": sign(issued, suite, message + (b"x" if tamper else b"")),
    }


def _register_certificate(client, browser, issued, suite):
    client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme"))
    acme = browser()
    acme.login("acme")
    response = acme.post("/api/v1/me/certificates", json=_proof(acme.http, issued, suite))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("suite", SUITES)
def test_registered_certificate_logs_in(client, container, browser, pki, suite):
    world = pki[suite]
    registered = _register_certificate(client, browser, world.good, suite)
    assert registered["suite"] == suite
    assert registered["serial"] == format(world.good.serial, "X")
    device = browser()
    response = device.http.post("/api/v1/auth/certificate/login", json=_proof(device.http, world.good, suite))
    assert response.status_code == 200, response.text
    me = device.get("/api/v1/me").json()
    assert (me["auth_method"], me["cert_serial"], me["username"]) == ("certificate", registered["serial"], "acme")
    assert outcomes(container, "identity.login_certificate") == ["ok"]
    assert last_entry(container)["object_id"] == me["user_id"]


@pytest.mark.parametrize("suite", SUITES)
def test_certificate_from_an_untrusted_ca_is_refused(client, container, browser, pki, suite):
    world = pki[suite]
    response = client.post("/api/v1/auth/certificate/login", json=_proof(client, world.untrusted, suite))
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "untrusted_ca"
    assert "is not a CA this platform trusts" in body["message"]
    entry = last_entry(container)
    assert (entry["action"], entry["outcome"]) == ("identity.login_certificate", "refused:untrusted_ca")


@pytest.mark.parametrize("suite", SUITES)
def test_revoked_certificate_is_refused_at_login(client, container, pki, suite):
    world = pki[suite]
    response = client.post("/api/v1/auth/certificate/login", json=_proof(client, world.revoked, suite))
    assert response.status_code == 401
    assert response.json()["error"] == "certificate_revoked"
    assert "was revoked" in response.json()["message"]
    assert outcomes(container, "identity.login_certificate") == ["refused:certificate_revoked"]


@pytest.mark.parametrize("suite", SUITES)
def test_revoked_or_untrusted_certificates_cannot_be_registered(client, container, browser, pki, suite):
    world = pki[suite]
    client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme"))
    acme = browser()
    acme.login("acme")
    for issued, code in ((world.revoked, "certificate_revoked"), (world.untrusted, "untrusted_ca")):
        response = acme.post("/api/v1/me/certificates", json=_proof(acme.http, issued, suite))
        assert response.status_code == 401
        assert response.json()["error"] == code
    assert outcomes(container, "identity.register_certificate") == [
        "refused:certificate_revoked",
        "refused:untrusted_ca",
    ]


def test_unregistered_certificate_bad_signature_and_replayed_challenge_are_refused(client, container, browser, pki):
    world = pki["gm"]
    unregistered = client.post("/api/v1/auth/certificate/login", json=_proof(client, world.good, "gm"))
    assert unregistered.status_code == 401
    assert unregistered.json()["error"] == "certificate_not_registered"
    _register_certificate(client, browser, world.good, "gm")
    forged = client.post("/api/v1/auth/certificate/login", json=_proof(client, world.good, "gm", tamper=True))
    assert forged.status_code == 401
    assert forged.json()["error"] == "bad_signature"
    proof = _proof(client, world.good, "gm")
    assert browser().post("/api/v1/auth/certificate/login", json=proof).status_code == 200
    replayed = client.post("/api/v1/auth/certificate/login", json=proof)
    assert replayed.status_code == 401
    assert replayed.json()["error"] == "challenge_invalid"
    assert outcomes(container, "identity.login_certificate") == [
        "refused:certificate_not_registered",
        "refused:bad_signature",
        "ok",
        "refused:challenge_invalid",
    ]


def test_a_challenge_expires(client, container, pki, clock):
    world = pki["std"]
    proof = _proof(client, world.good, "std")
    clock.advance(minutes=6)
    response = client.post("/api/v1/auth/certificate/login", json=proof)
    assert response.status_code == 401
    assert response.json()["error"] == "challenge_expired"
    assert outcomes(container, "identity.login_certificate") == ["refused:challenge_expired"]


def test_a_signature_that_is_not_base64_is_a_validation_error(client, pki):
    proof = _proof(client, pki["std"].good, "std")
    proof["signature"] = "not base64!"
    response = client.post("/api/v1/auth/certificate/login", json=proof)
    assert response.status_code == 422
    assert response.json()["field"] == "signature"


def test_a_certificate_naming_another_organisation_cannot_be_registered(client, container, browser, pki):
    world = pki["std"]
    client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme"))
    acme = browser()
    acme.login("acme")
    response = acme.post("/api/v1/me/certificates", json=_proof(acme.http, world.other_company, "std"))
    assert response.status_code == 403
    assert response.json()["error"] == "other_organisation"
    assert "not to yours" in response.json()["message"]
    own = acme.post("/api/v1/me/certificates", json=_proof(acme.http, world.acme_company, "std"))
    assert own.status_code == 201, own.text
    assert outcomes(container, "identity.register_certificate") == ["refused:other_organisation", "ok"]
