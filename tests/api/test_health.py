def test_health_names_the_platform(client, settings):
    body = client.get("/api/v1/health").json()
    assert body == {"status": "ok", "role": "trading", "platform_code": settings.platform_code, "suite": "gm"}


def test_unknown_route_is_a_clean_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "http_error"
