"""The leaf encoding is part of the log format (docs/audit.md): these bytes must not change by accident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from zhaocai.audit.entries import LEAF_FIELDS, leaf_bytes
from zhaocai.audit.merkle import tree_hasher
from zhaocai.core.canonical import canonical_json

ROW = {
    "id": 7,
    "leaf_index": 3,
    "leaf_hash": b"ignored",
    "entry_id": "01KAZ0000000000000000000AA",
    "occurred_at": datetime(2026, 3, 2, 1, 0, 0, 123456, tzinfo=UTC),
    "user_id": "01KAZ0000000000000000000BB",
    "org_id": None,
    "cert_serial": "5A3F",
    "client_ip": "203.0.113.7",
    "auth_method": "certificate",
    "action": "bid.submit",
    "object_type": "bid",
    "object_id": "B1",
    "outcome": "ok",
    "reason": "投标截止前提交",
    "payload_hash": "ab" * 32,
}

EXPECTED = (
    '{"action":"bid.submit","auth_method":"certificate","cert_serial":"5A3F","client_ip":"203.0.113.7",'
    '"entry_id":"01KAZ0000000000000000000AA","object_id":"B1","object_type":"bid",'
    '"occurred_at":"2026-03-02T01:00:00.123456+00:00","org_id":null,"outcome":"ok",'
    '"payload_hash":"' + "ab" * 32 + '","reason":"投标截止前提交","user_id":"01KAZ0000000000000000000BB"}'
).encode()


def test_leaf_bytes_are_canonical_json_of_the_leaf_fields_only():
    assert leaf_bytes(ROW) == EXPECTED
    assert leaf_bytes(ROW) == canonical_json({name: ROW[name] for name in LEAF_FIELDS})
    assert b"leaf_index" not in EXPECTED and b"ignored" not in EXPECTED  # the position is what the tree proves


def test_the_same_instant_in_another_zone_is_another_leaf():
    """Rows come back from the database in UTC; a leaf hashes exactly what was read."""
    shanghai = ROW | {"occurred_at": ROW["occurred_at"].astimezone(timezone(timedelta(hours=8)))}
    assert leaf_bytes(shanghai) != leaf_bytes(ROW)


def test_leaf_hashes_per_suite():
    sha256, sm3 = tree_hasher("sha256"), tree_hasher("sm3")
    assert sha256.hash_leaf(EXPECTED) == sha256.digest(b"\x00" + EXPECTED)
    assert sm3.hash_leaf(EXPECTED) == sm3.digest(b"\x00" + EXPECTED)
