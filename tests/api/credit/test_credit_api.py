"""The credit API: the platform operator records and lifts; the operator and supervisors read everything; a market
subject reads the records about itself only. Refusals name the rule and are audited."""

from __future__ import annotations

from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.core.actor import Actor
from zhaocai.identity.api_tokens import do_create_api_token
from zhaocai.identity.env import identity_env
from zhaocai.identity.repository import get_user
from zhaocai.identity.sessions import actor_for
from zhaocai.identity.users import do_create_user
from zhaocai.tendering.scenario import market_subject

SYSTEM = Actor(roles=frozenset({"system"}), auth_method="cli")


def _token(container, actor) -> dict[str, str]:
    token = do_create_api_token(uow=container.uow(), actor=actor, env=identity_env(container), name="t")
    return {"Authorization": f"Bearer {token.token}"}


def _staff(container, role) -> dict[str, str]:
    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=identity_env(container),
        org_id=None,
        username=role.replace("_", "-"),
        display_name=role,
        email=f"{role}@example.com",
        roles=frozenset({role}),
        password="Correct-Horse-7",
    )
    with container.engine.connect() as conn:
        user = get_user(conn, created.user_id)
    return _token(container, actor_for(user, ip="127.0.0.1", auth_method="password"))


def _refused_reads(container) -> list[str]:
    query = select(audit_entries.c.outcome).where(audit_entries.c.action == "auth.request")
    with container.engine.connect() as conn:
        return list(conn.execute(query).scalars())


DEBARMENT = {
    "kind": "debarment",
    "reason": "弄虚作假骗取中标 (条例68)",
    "basis": "条例68",
    "decision_ref": "某发改罚〔2026〕3号",
    "from_day": "2026-03-01",
    "until": "2029-02-28",
}


def test_records_are_written_by_the_operator_and_read_by_whom_they_concern(client, container):
    acme_actor = market_subject(container, kind="bidder", username="acme", legal_representative="王五")
    bolt_actor = market_subject(container, kind="bidder", username="bolt", legal_representative="赵六")
    acme, bolt = _token(container, acme_actor), _token(container, bolt_actor)
    operator, supervisor = _staff(container, "platform_operator"), _staff(container, "supervisor")

    as_bidder = client.post("/api/v1/credit/restrictions", json=DEBARMENT | {"org_id": acme_actor.org_id}, headers=bolt)
    assert (as_bidder.status_code, as_bidder.json()["error"]) == (403, "role")
    created = client.post(
        "/api/v1/credit/restrictions", json=DEBARMENT | {"org_id": acme_actor.org_id}, headers=operator
    )
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["basis"], record["until"], record["lifted"]) == ("条例68", "2029-02-28", None)

    own = client.get("/api/v1/credit/restrictions", headers=acme)
    assert [item["id"] for item in own.json()] == [record["id"]]
    assert client.get("/api/v1/credit/restrictions", headers=bolt).json() == []
    for url in (
        f"/api/v1/credit/restrictions?org_id={acme_actor.org_id}",
        f"/api/v1/credit/restrictions/{record['id']}",
    ):
        response = client.get(url, headers=bolt)
        assert (response.status_code, response.json()["error"]) == (403, "other_organisation"), url
    assert len(client.get("/api/v1/credit/restrictions", headers=supervisor).json()) == 1
    assert client.get("/api/v1/credit/restrictions").status_code == 401
    assert _refused_reads(container)[-3:] == ["refused:other_organisation"] * 2 + ["refused:not_authenticated"]

    lifted = client.post(
        f"/api/v1/credit/restrictions/{record['id']}/lift", json={"reason": "复议撤销"}, headers=operator
    )
    assert lifted.status_code == 200 and lifted.json()["lifted"]["reason"] == "复议撤销"
    again = client.post(f"/api/v1/credit/restrictions/{record['id']}/lift", json={"reason": "x"}, headers=operator)
    assert again.status_code == 409


def test_relationships_and_legal_representatives_over_http(client, container):
    parent = market_subject(container, kind="bidder", username="parent", legal_representative="王五")
    child = market_subject(container, kind="bidder", username="child", legal_representative="王五")
    operator = _staff(container, "platform_operator")
    link = client.post(
        "/api/v1/credit/control-relationships",
        json={
            "parent_org_id": parent.org_id,
            "child_org_id": child.org_id,
            "relation": "holding",
            "share_percent": "75",
            "source": "国家企业信用信息公示系统 2026-03-01",
        },
        headers=operator,
    )
    assert (link.status_code, link.json()["share_percent"]) == (201, "75.00")
    seen_by_child = client.get("/api/v1/credit/control-relationships", headers=_token(container, child)).json()
    assert [item["id"] for item in seen_by_child] == [link.json()["id"]]
    put = client.put(
        f"/api/v1/credit/legal-representatives/{parent.org_id}",
        json={"name": "王五", "id_type": "resident_id", "id_number": "11010519491231002x"},
        headers=operator,
    )
    assert put.status_code == 200, put.text
    assert put.json()["id_number_masked"] == "110*************2X"
    assert (
        "11010519491231002X"
        not in client.get(
            f"/api/v1/credit/legal-representatives/{parent.org_id}", headers=_token(container, parent)
        ).text
    )
    bad = client.put(
        f"/api/v1/credit/legal-representatives/{child.org_id}",
        json={"name": "王五", "id_type": "resident_id", "id_number": "110105194912310021"},
        headers=operator,
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "id_number")
    affiliate = client.post(
        "/api/v1/credit/platform-affiliates",
        json={"org_id": parent.org_id, "relation": "operator", "description": "本平台运营机构"},
        headers=operator,
    )
    assert affiliate.status_code == 201
    assert [item["org_id"] for item in client.get("/api/v1/credit/platform-affiliates", headers=operator).json()] == [
        parent.org_id
    ]
