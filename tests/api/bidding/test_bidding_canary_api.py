"""The canary test of DESIGN principle 4, on both suites and both databases: a canary string planted in a bid's
plaintext is submitted through the API; before opening, it must appear — raw, hex or base64 — in no text or binary
column of any table (found by SQL over the schema the database reports), no file of the blob store or the data
directory, no log record or console output, and no temporary file. A positive control plants the plaintext in each
of those places and proves the same search finds it there."""

from __future__ import annotations

import base64
import logging
import os
import tempfile
from pathlib import Path

import pytest
from bidding_world import CANARY, World
from sqlalchemy import Engine, inspect, text

_BINARY = ("bytea", "blob", "largebinary", "binary")
_SKIPPED = ("int", "bool", "date", "time", "numeric", "decimal", "real", "double", "float", "serial")


def forms(secret: bytes) -> dict[str, bytes]:
    """The secret as it could be written: raw, hex (either case), base64 at each alignment (edges trimmed)."""
    found = {"raw": secret, "hex": secret.hex().encode(), "HEX": secret.hex().upper().encode()}
    for shift in range(3):
        encoded = base64.b64encode(b"\x00" * shift + secret)
        found[f"base64+{shift}"] = encoded[4:-4]
    return found


def search_database(engine: Engine, secret: bytes) -> list[str]:
    """Every (table.column, form) holding the secret, asked of the database: one query per column of every table
    the database reports, one test per form."""
    hits = []
    postgres = engine.dialect.name == "postgresql"
    needles = forms(secret)
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                kind = str(column["type"]).lower()
                if any(word in kind for word in _SKIPPED):
                    continue
                binary = any(word in kind for word in _BINARY)
                name = f'"{column["name"]}"'
                tests, values = [], {}
                for index, needle in enumerate(needles.values()):
                    if binary:
                        found = f"position(:n{index} in {name}) > 0" if postgres else f"instr({name}, :n{index}) > 0"
                        values[f"n{index}"] = needle
                    else:
                        column_text = f"CAST({name} AS text)" if postgres else name
                        found = f"strpos({column_text}, :n{index}) > 0" if postgres else f"instr({name}, :n{index}) > 0"
                        values[f"n{index}"] = needle.decode()
                    tests.append(f"max(CASE WHEN {found} THEN 1 ELSE 0 END)")
                query = text(f'SELECT {", ".join(tests)} FROM "{table}"')  # noqa: S608
                row = conn.execute(query, values).one()
                hits += [f"{table}.{column['name']}:{form}" for form, hit in zip(needles, row, strict=True) if hit]
    return hits


def search_files(root: Path, secret: bytes) -> list[str]:
    hits = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            hits += [f"{path}:{form}" for form, needle in forms(secret).items() if needle in data]
    return hits


def search_text(captured: str, secret: bytes) -> list[str]:
    data = captured.encode()
    return [form for form, needle in forms(secret).items() if needle in data]


@pytest.mark.parametrize("suite", ["gm", "std"])
def test_a_planted_canary_is_nowhere_before_opening(
    world: World, suite: str, database_url: str, tmp_path: Path, caplog, capfd, monkeypatch
) -> None:
    caplog.set_level(logging.DEBUG)
    server_temp = tmp_path / "server-temp"
    server_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(server_temp))
    world.suite = suite
    secret = f"{CANARY}-{suite}".encode()
    tender = world.tender(two_envelope=True, backup_key_remedy=True)
    lot = tender.lot_ids[0]
    alice, bob = world.bidder("alice"), world.bidder("bob")
    plaintext = {"technical": b"technical: " + secret * 50, "price": b"price: " + secret}
    for party in (alice, bob):
        response = party.submit(lot, party.seal(tender, sections=plaintext, backup=True))
        assert response.status_code == 201, response.text
    assert alice.submit(lot, alice.seal(tender, version=2, sections=plaintext, backup=True)).status_code == 201
    alice.get(f"/api/v1/lots/{lot}/my-bid")

    engine = world.container.engine
    data_dir = world.container.settings.data_dir
    database_file = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite") else None

    def everywhere() -> dict[str, list[str]]:
        out, err = capfd.readouterr()
        return {
            "database": search_database(engine, secret),
            "database file": search_files(database_file.parent, secret) if database_file else [],
            "data directory (blobs, keys)": search_files(data_dir, secret),
            "logs": search_text(caplog.text, secret),
            "console": search_text(out + err, secret),
            "temporary files": search_files(server_temp, secret),
        }

    found = everywhere()
    assert found == {place: [] for place in found}

    # positive control: the same searches find the plaintext wherever it is planted
    from zhaocai.audit.entries import record_entry
    from zhaocai.core.actor import SYSTEM

    with engine.begin() as conn:
        record_entry(
            conn,
            occurred_at=world.clock.now(),
            actor=SYSTEM,
            action="canary.control",
            outcome="ok",
            reason=secret.decode(),
        )
        record_entry(
            conn,
            occurred_at=world.clock.now(),
            actor=SYSTEM,
            action="canary.control",
            outcome="ok",
            object_id=base64.b64encode(b"pad" + secret[:40]).decode(),
        )
        conn.execute(text("UPDATE bid_withdrawals SET signature = :s"), {"s": secret})  # no rows: nothing planted
        conn.execute(
            text("INSERT INTO audit_nodes (node_key, hash) VALUES (:k, :h)"), {"k": 2**40, "h": b"\x01" + secret}
        )
    world.container.blobs.put_bytes(plaintext["technical"])
    logging.getLogger("zhaocai.canary").warning("plaintext %s", secret.decode())
    print(secret.hex())
    (server_temp / "spill.tmp").write_bytes(secret)
    found = everywhere()
    assert "audit_entries.reason:raw" in found["database"]
    assert any(hit.startswith("audit_entries.object_id:base64") for hit in found["database"])
    assert "audit_nodes.hash:raw" in found["database"]
    assert found["data directory (blobs, keys)"] and found["temporary files"]
    assert found["logs"] == ["raw"] and found["console"] == ["hex"]
