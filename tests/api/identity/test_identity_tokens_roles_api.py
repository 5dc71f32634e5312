"""API tokens (forged, expired, revoked), users and roles over HTTP: acting outside one's role or on another
organisation's object is refused (403, naming the rule) and audited."""

from __future__ import annotations

from datetime import timedelta

from identity_api_world import SYSTEM, last_entry, outcomes, registration, staff

from zhaocai.identity.service import do_verify_organisation
from zhaocai.identity.totp import decode_secret, totp


def _verified(client, container, body: str, username: str) -> dict:
    registered = client.post("/api/v1/organisations", json=registration(body, username)).json()
    do_verify_organisation(uow=container.uow(), actor=SYSTEM, org_id=registered["org_id"])
    return registered


def _token(browser, username: str) -> dict:
    owner = browser()
    assert owner.login(username).status_code == 200
    response = owner.post("/api/v1/me/api-tokens", json={"name": "投标工具"})
    assert response.status_code == 201, response.text
    return response.json() | {"browser": owner}


def test_an_api_token_acts_as_its_user_without_csrf(client, container, browser):
    registered = _verified(client, container, "MA01AAAA", "acme")
    token = _token(browser, "acme")
    assert token["token"].startswith("zcat_")
    machine = browser()
    machine.http.headers["Authorization"] = f"Bearer {token['token']}"
    me = machine.get("/api/v1/me").json()
    assert (me["user_id"], me["auth_method"]) == (registered["user_id"], "api_token")
    assert machine.post("/api/v1/me/totp").status_code == 200  # no CSRF token needed: nothing ambient
    minted = machine.post("/api/v1/me/api-tokens", json={"name": "another"})
    assert minted.status_code == 403
    assert minted.json()["error"] == "token_cannot_mint"


def test_forged_api_token_is_refused_and_audited(client, container):
    for header in ("Bearer zcat_forged-token-value", "Basic YWNtZTpwYXNz"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json()["error"] == "token_invalid"
    assert outcomes(container, "auth.request") == ["refused:token_invalid"] * 2


def test_expired_api_token_is_refused(client, container, browser, clock, settings):
    _verified(client, container, "MA01AAAA", "acme")
    token = _token(browser, "acme")
    clock.advance(timedelta(days=settings.api_token_ttl_days))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"})
    assert response.status_code == 401
    assert response.json() == {"error": "token_expired", "message": "token expired"}
    entry = last_entry(container)
    assert (entry["action"], entry["outcome"]) == ("auth.request", "refused:token_expired")


def test_revoked_api_token_is_refused_and_only_its_owner_revokes_it(client, container, browser):
    _verified(client, container, "MA01AAAA", "acme")
    _verified(client, container, "MA01BBBB", "bob")
    token = _token(browser, "acme")
    bob = browser()
    bob.login("bob")
    stolen = bob.delete(f"/api/v1/api-tokens/{token['token_id']}")
    assert stolen.status_code == 403
    assert stolen.json()["message"] == "this API token belongs to another user"
    assert token["browser"].delete(f"/api/v1/api-tokens/{token['token_id']}").status_code == 204
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"})
    assert response.status_code == 401
    assert response.json()["error"] == "token_revoked"
    assert outcomes(container, "identity.revoke_api_token") == ["refused:other_user", "ok"]


def _new_user(org_id: str | None, username: str, roles: list[str]) -> dict:
    return {
        "org_id": org_id,
        "username": username,
        "display_name": username,
        "email": f"{username}@example.com",
        "roles": roles,
        "password": "Correct-Horse-8",
    }


def test_an_organisation_administrator_adds_its_own_users_only(client, container, browser):
    acme = _verified(client, container, "MA01AAAA", "acme")
    bob = _verified(client, container, "MA01BBBB", "bob")
    admin = browser()
    admin.login("acme")
    created = admin.post("/api/v1/users", json=_new_user(acme["org_id"], "acme.clerk", ["bidder"]))
    assert created.status_code == 201, created.text
    intruding = admin.post("/api/v1/users", json=_new_user(bob["org_id"], "bob.mole", ["bidder"]))
    assert intruding.status_code == 403
    assert intruding.json() == {
        "error": "other_organisation",
        "message": "the account you are creating belongs to another organisation",
    }
    grab = admin.delete(f"/api/v1/users/{bob['user_id']}/roles/bidder")
    assert grab.status_code == 403
    assert grab.json()["message"] == "this user belongs to another organisation"
    clerk = browser()
    assert clerk.login("acme.clerk", "Correct-Horse-8").status_code == 200
    outside = clerk.post("/api/v1/users", json=_new_user(acme["org_id"], "acme.other", ["bidder"]))
    assert outside.status_code == 403
    assert outside.json()["error"] == "org_admin"
    staffing = clerk.post("/api/v1/users", json=_new_user(None, "fake.staff", []))
    assert staffing.status_code == 403
    assert "requires the role system_admin" in staffing.json()["message"]
    assert outcomes(container, "identity.create_user") == [
        "ok",
        "refused:other_organisation",
        "refused:org_admin",
        "refused:role",
    ]
    assert outcomes(container, "identity.revoke_role") == ["refused:other_organisation"]


def test_staff_accounts_and_roles_follow_separation_of_duties(client, container, browser, clock):
    sam_secret = staff(container, "sam", "system_admin")
    sec_secret = staff(container, "sec", "security_admin")
    sam, sec = browser(), browser()
    assert sam.login("sam", totp_secret=sam_secret).status_code == 200
    clock.advance(seconds=30)  # each TOTP code works once; the next login uses the next step
    assert sec.login("sec", totp_secret=sec_secret).status_code == 200
    with_role = sam.post("/api/v1/users", json=_new_user(None, "vic", ["supervisor"]))
    assert with_role.status_code == 403
    assert with_role.json()["error"] == "separation_of_duties"
    vic = sam.post("/api/v1/users", json=_new_user(None, "vic", [])).json()["user_id"]
    by_sysadmin = sam.post(f"/api/v1/users/{vic}/roles", json={"role": "expert"})
    assert by_sysadmin.status_code == 403
    assert by_sysadmin.json()["message"] == "granting or revoking the role expert requires security_admin"
    no_totp = sec.post(f"/api/v1/users/{vic}/roles", json={"role": "supervisor"})
    assert no_totp.status_code == 409
    assert no_totp.json()["error"] == "second_factor_not_enrolled"
    # vic enrols a second factor, then may be made a supervisor
    vic_browser = browser()
    assert vic_browser.login("vic", "Correct-Horse-8").status_code == 200
    secret = vic_browser.post("/api/v1/me/totp").json()["secret"]
    code = totp(decode_secret(secret), clock.now())
    assert vic_browser.post("/api/v1/me/totp/confirm", json={"totp_code": code}).status_code == 204
    granted = sec.post(f"/api/v1/users/{vic}/roles", json={"role": "supervisor"})
    assert granted.status_code == 200, granted.text
    assert granted.json()["roles"] == ["supervisor"]
    triad = sec.post(f"/api/v1/users/{vic}/roles", json={"role": "audit_admin"})
    assert triad.status_code == 200  # supervisor + one administrator role is allowed
    third = sec.post(f"/api/v1/users/{vic}/roles", json={"role": "system_admin"})
    assert third.status_code == 409
    assert third.json()["error"] == "separation_of_duties"
    assert "GB/T 22239" in third.json()["citation"]
    unknown = sec.post(f"/api/v1/users/{vic}/roles", json={"role": "king"})
    assert unknown.status_code == 422
    assert outcomes(container, "identity.grant_role") == [
        "refused:role",
        "refused:second_factor_not_enrolled",
        "ok",
        "ok",
        "refused:separation_of_duties",
        "refused:invalid",
    ]


def test_the_openapi_document_describes_the_identity_api(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/organisations", "/api/v1/auth/login", "/api/v1/auth/certificate/login", "/api/v1/me"):
        assert path in paths
    assert "423" in paths["/api/v1/auth/login"]["post"]["responses"]
