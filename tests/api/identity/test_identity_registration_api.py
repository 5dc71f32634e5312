"""Registering and verifying market subjects over HTTP; every refusal names its reason and is audited."""

from __future__ import annotations

from identity_api_world import credit_code, last_entry, outcomes, registration, staff


def test_registration_then_verification_by_the_platform_operator(client, container, browser):
    response = client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme", ("bidder", "tenderer")))
    assert response.status_code == 201, response.text
    org_id = response.json()["org_id"]
    assert response.json()["status"] == "pending"

    operator_secret = staff(container, "olga", "platform_operator")
    olga = browser()
    assert olga.login("olga", totp_secret=operator_secret).status_code == 200
    seen = olga.get(f"/api/v1/organisations/{org_id}")
    assert seen.status_code == 200
    assert seen.json()["kinds"] == ["bidder", "tenderer"]
    verified = olga.post(f"/api/v1/organisations/{org_id}/verify", json={"note": "营业执照已核验"})
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "verified"
    again = olga.post(f"/api/v1/organisations/{org_id}/verify")
    assert again.status_code == 409
    assert outcomes(container, "identity.verify_organisation") == ["ok", "refused:conflict"]


def _bad(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


MALFORMED = [
    (_bad(credit_code("MA01AAAA")), "check character"),
    ("91110108MA01AAAA", "18 characters"),
    ("9111O108MA01AAAA0X", "not allowed"),
    ("Z1110108MA01AAAA0X", "not allowed"),
    ("99110108MA01AAAA0X", "organisation type"),
]


def test_malformed_credit_codes_are_refused_naming_the_rule_and_audited(client, container):
    for code, words in MALFORMED:
        response = client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme", credit_code=code))
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["field"] == "credit_code"
        assert words in body["message"], code
        assert "GB 32100" in body["citation"] or "GB 11714" in body["citation"]
        entry = last_entry(container)
        assert (entry["action"], entry["outcome"]) == ("identity.register_organisation", "refused:invalid")
        assert words in entry["reason"]
    assert outcomes(container, "identity.register_organisation") == ["refused:invalid"] * len(MALFORMED)


def test_duplicate_credit_code_is_a_conflict(client, container):
    assert client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme")).status_code == 201
    response = client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme2"))
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_credit_code"
    assert outcomes(container, "identity.register_organisation") == ["ok", "refused:duplicate_credit_code"]


def test_weak_administrator_password_is_refused_and_audited(client, container):
    data = registration("MA01AAAA", "acme")
    data["administrator"]["password"] = "password12"
    response = client.post("/api/v1/organisations", json=data)
    assert response.status_code == 422
    assert response.json()["field"] == "password"
    assert "password12" not in last_entry(container)["reason"]
    assert outcomes(container, "identity.register_organisation") == ["refused:invalid"]


def test_a_bidder_may_not_verify_subjects(client, container, browser):
    client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme"))
    other = client.post("/api/v1/organisations", json=registration("MA01BBBB", "bob")).json()["org_id"]
    acme = browser()
    assert acme.login("acme").status_code == 200
    response = acme.post(f"/api/v1/organisations/{other}/verify")
    assert response.status_code == 403
    assert (
        response.json()["message"] == "to verify a market subject requires the role platform_operator; you hold bidder"
    )
    entry = last_entry(container)
    assert (entry["action"], entry["outcome"], entry["object_id"]) == (
        "identity.verify_organisation",
        "refused:role",
        other,
    )


def test_reading_another_organisations_registration_is_forbidden_and_audited(client, container, browser):
    client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme"))
    other = client.post("/api/v1/organisations", json=registration("MA01BBBB", "bob")).json()["org_id"]
    acme = browser()
    acme.login("acme")
    response = acme.get(f"/api/v1/organisations/{other}")
    assert response.status_code == 403
    assert "another organisation" in response.json()["message"]
    entry = last_entry(container)
    assert (entry["action"], entry["outcome"]) == ("auth.request", "refused:other_organisation")
    assert entry["object_id"] == f"GET /api/v1/organisations/{other}"


def test_an_unverified_subject_may_not_act(client, container, browser):
    org_id = client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme")).json()["org_id"]
    acme = browser()
    assert acme.login("acme").status_code == 200  # it may log in and see its status
    assert acme.get("/api/v1/me").json()["organisation_status"] == "pending"
    for response in (
        acme.post("/api/v1/me/api-tokens", json={"name": "bidder tool"}),
        acme.post(
            "/api/v1/users",
            json={
                "org_id": org_id,
                "username": "acme2",
                "display_name": "二号",
                "email": "a2@example.com",
                "roles": ["bidder"],
                "password": "Correct-Horse-8",
            },
        ),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == "organisation_not_verified"
        assert response.json()["message"].startswith("organisation not verified")
    assert outcomes(container, "identity.create_api_token") == ["refused:organisation_not_verified"]
    assert outcomes(container, "identity.create_user") == ["refused:organisation_not_verified"]


def test_registration_input_shapes_are_checked(client):
    data = registration("MA01AAAA", "acme", kinds=["supplier"])
    response = client.post("/api/v1/organisations", json=data)
    assert response.status_code == 422
    assert response.json()["field"].startswith("kinds")


def test_nul_characters_are_refused_before_they_reach_the_database(client):
    response = client.post("/api/v1/organisations", json=registration("MA01AAAA", "acme", name="acme\x00"))
    assert response.status_code == 422
    assert "NUL" in response.json()["message"]
    login = client.post("/api/v1/auth/login", json={"username": "a\x00b", "password": "x"})
    assert login.status_code == 422
