"""One real chain per database, shared by the award tests that only need "a lot at its closed evaluation report"
(gm suite, bonds not paid): the chain (award_chain.py) runs once per test session and database on a database and a
data directory of its own; each test then starts from a copy of both (SQLite: the file; PostgreSQL: CREATE DATABASE
... TEMPLATE) and the clock where the chain left it. A test that needs another lot builds its own.

Use: a conftest offers the fixtures `pki`, `shared_lots` and `shared_lot` defined here; its `container` fixture
calls `restore_if_shared` before building the container; a fixture that wants the shared lot requests `shared_lot`
and adopts it (`AwardWorld.adopt`)."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from award_chain import ReportedLot, close_report, open_lot
from bidding_world import Pki, World, make_pki
from evaluation_world import EvaluationWorld
from opening_world import Opening
from sqlalchemy import text
from sqlalchemy.engine import make_url

from zhaocai.adapters.db.engine import make_engine
from zhaocai.bootstrap import build
from zhaocai.config import Settings
from zhaocai.core.actor import Actor
from zhaocai.core.clock import FixedClock

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSPHRASE = "test-passphrase"


@dataclass(frozen=True)
class Snapshot:
    database: str  # the SQLite file, or the PostgreSQL database to use as a template
    data_dir: Path
    now: datetime
    tenderer: Actor
    chain: ReportedLot  # bound to the world that built it: adopt it into the test's world
    count: int  # the evaluation world's name counter, so that a test's new users do not clash


def _admin():  # type: ignore[no-untyped-def]
    url = os.environ["ZHAOCAI_TEST_PG_URL"]
    return make_engine(url.rsplit("/", 1)[0] + "/postgres").execution_options(isolation_level="AUTOCOMMIT")


def _take(request: pytest.FixtureRequest, kind: str, base: Path, now: datetime, pki) -> Snapshot:  # type: ignore[no-untyped-def]
    if kind == "sqlite":
        database = str(base / "shared.db")
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
        url = f"sqlite:///{database}"
    else:
        database = f"zc_award_shared_{os.getpid()}"
        admin = _admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{request.getfixturevalue("pg_template")}"'))
        admin.dispose()
        url = str(make_url(os.environ["ZHAOCAI_TEST_PG_URL"]).set(database=database))
    clock = FixedClock(now)
    settings = Settings(database_url=url, data_dir=base / "var", key_passphrase=PASSPHRASE)
    container = build(settings, clock=clock)
    from zhaocai.platforms import build_app

    with TestClient(build_app(container), base_url="http://testserver") as client:
        world = World(container, client, clock, pki)
        ev = EvaluationWorld(Opening(world, base))
        chain = open_lot(ev)
        close_report(chain)
    container.engine.dispose()
    return Snapshot(database, base / "var", clock.now(), world.tenderer, chain, ev.count)


PKI: list[Pki] = []  # one test PKI for the session: the snapshots' certificates come from it
SNAPSHOTS: dict[str, Snapshot] = {}  # by database kind, for the whole session (whichever conftest offers the fixture)


@pytest.fixture(scope="session", name="pki")
def award_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    if not PKI:
        PKI.append(make_pki(tmp_path_factory.mktemp("award-pki")))
    return PKI[0]


@pytest.fixture(scope="session")
def shared_lots() -> Iterator[dict[str, Snapshot]]:
    """The session's snapshots by database kind; the PostgreSQL one is dropped at the end."""
    yield SNAPSHOTS
    snapshot = SNAPSHOTS.pop("postgresql", None)
    if snapshot is not None:
        admin = _admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{snapshot.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def shared_lot(request, database_url, shared_lots, pki, clock, tmp_path_factory) -> Snapshot:  # type: ignore[no-untyped-def]
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    if kind not in shared_lots:
        base = tmp_path_factory.mktemp(f"award-shared-{kind}")
        shared_lots[kind] = _take(request, kind, base, clock.now(), pki)
    return shared_lots[kind]


def restore_if_shared(request: pytest.FixtureRequest, database_url: str, data_dir: Path, clock: FixedClock) -> None:
    """For a test that requests `shared_lot`: make its database and data directory copies of the snapshot's and set
    the clock to the snapshot's moment. Call before the container is built."""
    if "shared_lot" not in request.fixturenames:
        return
    snapshot: Snapshot = request.getfixturevalue("shared_lot")
    if database_url.startswith("sqlite"):
        shutil.copyfile(snapshot.database, make_url(database_url).database or "")
    else:
        name = make_url(database_url).database
        admin = _admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{snapshot.database}"'))
        admin.dispose()
    shutil.copytree(snapshot.data_dir, data_dir, dirs_exist_ok=True)
    clock.set(snapshot.now)
