"""A pooled PostgreSQL connection is pinged only after it has been idle: one that died meanwhile (a database restart,
a dropped link) is replaced before a request uses it, while a busy pool pays no round trip per checkout."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import exc, text

from zhaocai.adapters.db.engine import make_engine

IDLE = 0.2


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(database_url: str, pid: int) -> None:
    admin = make_engine(database_url)
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()
    time.sleep(0.05)  # the backend is gone once the signal is handled


@pytest.fixture
def pg_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("connection pooling with pings is PostgreSQL's (SQLite connects to a file)")
    return database_url


def test_a_connection_that_died_while_idle_is_replaced_before_use(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1, pool_overflow=0, ping_after_idle=IDLE)
    first = _backend_pid(engine)
    _terminate(pg_url, first)
    time.sleep(IDLE * 1.5)

    second = _backend_pid(engine)  # no error: the ping found the dead connection and the pool made a new one

    assert second != first
    engine.dispose()


def test_a_connection_back_within_the_idle_window_is_not_pinged(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1, pool_overflow=0, ping_after_idle=60)
    first = _backend_pid(engine)
    _terminate(pg_url, first)

    with pytest.raises(exc.OperationalError):  # no ping: the first statement meets the dead connection
        _backend_pid(engine)
    assert _backend_pid(engine) != first  # SQLAlchemy discarded it; the next checkout connects afresh
    engine.dispose()
