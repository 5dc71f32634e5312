"""A client gets the signed checkpoint and an inclusion proof for an entry named in its receipt, and checks both
against the platform's published keys — with nothing but what the API serves."""

import base64

from zhaocai.audit.note import note_verifier
from zhaocai.audit.proofs import check_consistency, check_inclusion
from zhaocai.audit.wiring import log_origin, make_sequencer
from zhaocai.core.actor import Actor
from zhaocai.crypto import keys as crypto_keys
from zhaocai.usecase import use_case


@use_case("test.sign_up", object_type="thing")
def do_sign_up_thing(*, uow, actor, thing_id: str) -> str:
    return uow.audit.entry_id or thing_id


def _entry_ids(container, count):
    ids = []
    for n in range(count):
        uow = container.uow()
        do_sign_up_thing(uow=uow, actor=Actor(user_id=f"U{n}", auth_method="password"), thing_id=f"T{n}")
        ids.append(uow.audit.entry_id)
    return ids


def _published_verifiers(client, container):
    keys = client.get("/.well-known/zhaocai-keys.json").json()["keys"]
    origin = log_origin(container.settings)
    return [
        note_verifier(origin, crypto_keys.load_verifying_key(base64.b64decode(key["public_key"])))
        for key in keys
        if key["purpose"].startswith("audit-checkpoint")
    ]


def test_entry_is_provably_in_the_signed_log(client, container):
    first, *_, last = _entry_ids(container, 5)
    sequencer = make_sequencer(container)
    assert client.get(f"/api/v1/audit/entries/{last}/proof").json()["error"] == "not_yet_in_log"
    sequencer.drain()
    latest = client.get("/api/v1/audit/checkpoint").json()
    size_before = latest["checkpoint"].splitlines()[1]
    assert int(size_before) == latest["tree_size"] == 5

    _entry_ids(container, 3)
    sequencer.drain()
    proof = client.get(f"/api/v1/audit/entries/{first}/proof").json()
    verifiers = _published_verifiers(client, container)
    checkpoint = check_inclusion(proof, verifiers)
    assert checkpoint.size == proof["tree_size"] >= 8

    consistency = client.get("/api/v1/audit/consistency", params={"old": size_before}).json()
    old, new = check_consistency(consistency, verifiers)
    assert (old.size, new.size) == (int(size_before), checkpoint.size)


def test_unknown_entry_and_bad_ids_are_clean_4xx(client):
    assert client.get("/api/v1/audit/entries/01ARZ3NDEKTSV4RRFFQ69G5FAV/proof").status_code == 404
    bad = client.get("/api/v1/audit/entries/not-an-id/proof")
    assert bad.status_code == 422 and bad.json()["field"] == "entry_id"
    assert client.get("/api/v1/audit/consistency", params={"old": 0}).status_code == 422
