"""Password login, lockout, second factor, sessions, CSRF, logout and password reset over HTTP."""

from __future__ import annotations

from identity_api_world import PASSWORD, last_entry, outcomes, registration, staff
from sqlalchemy import select

from zhaocai.adapters.db.tables.notifications import notifications
from zhaocai.identity.totp import decode_secret, totp


def _register(client, body="MA01AAAA", username="acme"):
    return client.post("/api/v1/organisations", json=registration(body, username)).json()


def test_login_sets_a_hardened_session_cookie_and_me_answers(client, browser):
    registered = _register(client)
    acme = browser()
    response = acme.login("ACME")
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("zc_session=")
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower()
    me = acme.get("/api/v1/me").json()
    assert (me["user_id"], me["org_id"], me["roles"], me["auth_method"]) == (
        registered["user_id"],
        registered["org_id"],
        ["bidder"],
        "password",
    )


def test_wrong_passwords_lock_the_account_until_the_lockout_ends(client, container, browser, clock, settings):
    _register(client)
    acme = browser()
    for attempt in range(1, settings.login_max_failures):
        response = acme.login("acme", "Wrong-Horse-7")
        assert response.status_code == 401, attempt
        assert response.json() == {
            "error": "bad_credentials",
            "message": "wrong username or password",
            "field": "password",
        }
    locking = acme.login("acme", "Wrong-Horse-7")
    assert locking.status_code == 423
    assert "locked until" in locking.json()["message"]
    right = acme.login("acme", PASSWORD)
    assert right.status_code == 423
    assert right.json()["error"] == "account_locked"
    clock.advance(minutes=settings.lockout_minutes - 1)
    assert acme.login("acme", PASSWORD).status_code == 423
    clock.advance(minutes=1)
    assert acme.login("acme", PASSWORD).status_code == 200
    expected = ["refused:bad_credentials"] * (settings.login_max_failures - 1)
    expected += ["refused:account_locked"] * 3 + ["ok"]
    assert outcomes(container, "identity.login_password") == expected


def test_administrators_need_their_second_factor(client, container, browser, clock):
    secret = staff(container, "sam", "system_admin")
    sam = browser()
    missing = sam.login("sam")
    assert missing.status_code == 401
    assert missing.json()["error"] == "second_factor_required"
    assert missing.json()["message"].startswith("second factor required")
    right = totp(decode_secret(secret), clock.now())
    wrong = sam.http.post(
        "/api/v1/auth/login",
        json={"username": "sam", "password": PASSWORD, "totp_code": "000000" if right != "000000" else "111111"},
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "bad_second_factor", "message": "wrong second factor code", "field": "totp_code"}
    assert sam.login("sam", totp_secret=secret).status_code == 200
    assert sam.get("/api/v1/me").json()["auth_method"] == "password+totp"
    assert outcomes(container, "identity.login_password") == [
        "refused:second_factor_required",
        "refused:bad_second_factor",
        "ok",
    ]


def test_an_idle_session_expires(client, container, browser, clock, settings):
    _register(client)
    acme = browser()
    acme.login("acme")
    clock.advance(minutes=settings.session_ttl_minutes - 5)
    assert acme.get("/api/v1/me").status_code == 200  # activity keeps it alive
    clock.advance(minutes=settings.session_ttl_minutes - 5)
    assert acme.get("/api/v1/me").status_code == 200
    clock.advance(minutes=settings.session_ttl_minutes)
    response = acme.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": "session_expired", "message": "session expired: log in again"}
    assert acme.login("acme").status_code == 200  # the stale cookie does not stand in the way of logging in again
    assert outcomes(container, "auth.request") == ["refused:session_expired"]


def test_a_forged_session_cookie_is_refused(client, container, browser):
    stranger = browser()
    stranger.http.cookies.set("zc_session", "forged-session-token")
    response = stranger.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "session_invalid"
    assert outcomes(container, "auth.request") == ["refused:session_invalid"]


def test_cookie_requests_that_change_state_need_the_csrf_token(client, container, browser):
    _register(client)
    acme = browser()
    acme.login("acme")
    del acme.http.headers["X-CSRF-Token"]
    missing = acme.post("/api/v1/me/totp")
    assert missing.status_code == 403
    assert missing.json()["message"].startswith("missing or wrong CSRF token")
    wrong = acme.post("/api/v1/me/totp", headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    cross = acme.post("/api/v1/me/totp", headers={"X-CSRF-Token": acme.csrf, "Origin": "https://evil.example"})
    assert cross.status_code == 403
    assert "cross-origin" in cross.json()["message"]
    assert acme.post("/api/v1/me/totp", headers={"X-CSRF-Token": acme.csrf}).status_code == 200
    assert acme.get("/api/v1/me").status_code == 200  # reads need no token
    assert outcomes(container, "auth.request") == ["refused:csrf"] * 3
    assert last_entry(container)["action"] == "identity.begin_totp_enrolment"


def test_logout_ends_the_session(client, container, browser):
    _register(client)
    acme = browser()
    acme.login("acme")
    cookie = acme.http.cookies.get("zc_session")
    assert acme.post("/api/v1/auth/logout").status_code == 204
    replay = browser()
    replay.http.cookies.set("zc_session", cookie)
    response = replay.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "session_ended"
    assert outcomes(container, "identity.logout") == ["ok"]


def test_anonymous_callers_are_asked_to_authenticate(client, container):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"].startswith("authentication required")
    assert outcomes(container, "auth.request") == ["refused:not_authenticated"]


def test_password_reset_answers_alike_and_the_link_works_once(client, container, browser):
    _register(client)
    unknown = client.post("/api/v1/auth/password-reset", json={"login": "nobody@example.com"})
    known = client.post("/api/v1/auth/password-reset", json={"login": "acme@example.com"})
    assert (unknown.status_code, known.status_code) == (202, 202)
    assert unknown.json() == known.json()
    with container.engine.connect() as conn:
        [body] = conn.execute(select(notifications.c.body)).scalars().all()
    token = body.split("token=")[1].split()[0]
    confirm = {"token": token, "new_password": "New-Horse-88"}
    assert client.post("/api/v1/auth/password-reset/confirm", json=confirm).status_code == 204
    reused = client.post("/api/v1/auth/password-reset/confirm", json=confirm)
    assert reused.status_code == 401
    assert reused.json()["error"] == "reset_token_invalid"
    assert browser().login("acme", "New-Horse-88").status_code == 200
    assert outcomes(container, "identity.confirm_password_reset") == ["ok", "refused:reset_token_invalid"]
