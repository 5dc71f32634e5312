"""Shared fixtures. Every test that takes `engine` (or anything built on it) runs on SQLite and on PostgreSQL.

PostgreSQL comes from ZHAOCAI_TEST_PG_URL (`make test` starts a throwaway cluster and sets it). Without it the
PostgreSQL half is skipped locally — unless ZHAOCAI_TEST_REQUIRE_PG=1 (as in `make test`), where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from zhaocai.adapters.db.engine import make_engine
from zhaocai.adapters.db.migrate import upgrade
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.clock import FixedClock

PG_URL = os.environ.get("ZHAOCAI_TEST_PG_URL")
REQUIRE_PG = os.environ.get("ZHAOCAI_TEST_REQUIRE_PG") == "1"
_counter = iter(range(1_000_000))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file we copy
    return path


@pytest.fixture(scope="session")
def pg_template() -> str | None:
    if not PG_URL:
        return None
    admin = make_engine(PG_URL.rsplit("/", 1)[0] + "/postgres").execution_options(isolation_level="AUTOCOMMIT")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"zc_template_{worker}_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(str(make_url(PG_URL).set(database=name)))
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "zhaocai.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template_name = request.getfixturevalue("pg_template")
    if template_name is None:
        if REQUIRE_PG:
            pytest.fail("ZHAOCAI_TEST_REQUIRE_PG=1 but ZHAOCAI_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL not configured (set ZHAOCAI_TEST_PG_URL or run `make test`)")
    name = f"zc_test_{os.getpid()}_{next(_counter)}"
    admin = make_engine(PG_URL.rsplit("/", 1)[0] + "/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield str(make_url(PG_URL).set(database=name))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


@pytest.fixture
def uow_factory(engine: Engine, clock: FixedClock):  # type: ignore[no-untyped-def]
    return lambda: UnitOfWork(engine, clock)
