def test_health_names_the_platform(client, settings):
    body = client.get("/api/v1/health").json()
    assert body == {"status": "ok", "role": "trading", "platform_code": settings.platform_code, "suite": "gm"}


def test_unknown_route_is_a_clean_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "http_error"


def test_malformed_json_names_the_body(client):
    response = client.post(
        "/api/v1/auth/login", content=b'{"username": "a", ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body"


def test_nul_in_a_field_is_refused_naming_the_field(client):
    response = client.post("/api/v1/auth/login", json={"username": "a\x00b", "password": "x"})
    assert response.status_code == 422
    assert response.json()["field"] == "username"
