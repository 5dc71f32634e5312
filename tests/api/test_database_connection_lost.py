"""A request that meets a database connection lost since its last use is answered 503 with Retry-After, not 500, and
the next request is served on a fresh connection."""

from __future__ import annotations

import dataclasses
import warnings

import pytest
from sqlalchemy import text

from zhaocai.adapters.db.engine import make_engine
from zhaocai.platforms import build_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LOGIN = {"username": "nobody", "password": "wrong password"}


def _terminate_other_backends(database_url: str) -> int:
    admin = make_engine(database_url)
    with admin.connect() as conn:
        ended = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    return int(ended)


def test_a_lost_connection_is_a_503_to_retry_and_the_retry_is_served(container, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a pooled connection the server drops is PostgreSQL's (SQLite opens a file)")
    # a pool that pings only after a minute idle: the dropped connection is met by the request itself
    engine = make_engine(database_url, pool_size=1, pool_overflow=0, ping_after_idle=60)
    app = build_app(dataclasses.replace(container, engine=engine))
    with TestClient(app, base_url="http://testserver") as client:
        assert client.post("/api/v1/auth/login", json=LOGIN).status_code == 401  # the pool holds one connection
        assert _terminate_other_backends(database_url) >= 1

        lost = client.post("/api/v1/auth/login", json=LOGIN)
        again = client.post("/api/v1/auth/login", json=LOGIN)

    assert lost.status_code == 503
    assert lost.headers["retry-after"] == "1"
    assert lost.json()["error"] == "database_unavailable"
    assert again.status_code == 401
    assert again.json()["error"] == "bad_credentials"
    engine.dispose()
