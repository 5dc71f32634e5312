"""The tendering API end to end over HTTP (both databases): a tender from project registration to the deadline,
the secrecy of downloaders, public reads, and bad input refused with a 4xx naming the reason, and audited.
Clock: Monday 2026-03-02 09:00 Asia/Shanghai."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from tender_api_world import audit_rows, staff, subject

from zhaocai.core.clock import SHANGHAI
from zhaocai.tendering.scheduler import do_process_due_tenders

NOW = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
SALE_ENDS = datetime(2026, 3, 10, tzinfo=SHANGHAI)
DEADLINE = datetime(2026, 3, 24, 9, tzinfo=SHANGHAI)
DOCUMENT = "招标文件正文 — 评标办法：综合评估法".encode()


@pytest.fixture
def people(container):
    return {
        "tenderer": subject(container, "tenderer", "school"),
        "other": subject(container, "tenderer", "hospital"),
        "bidder": subject(container, "bidder", "builder1"),
        "bidder2": subject(container, "bidder", "builder2"),
        "supervisor": staff(container, "inspector", "supervisor"),
        "admin": staff(container, "root", "system_admin"),
    }


def project_body(code: str = "2602-110108-89-01-123456") -> dict:
    return {
        "code": code,
        "name": "某中学新校区建设项目",
        "approval": {
            "kind": "approved",
            "authority": "某市发展和改革委员会",
            "document_number": "某发改〔2026〕3号",
            "approved_on": "2026-02-01",
        },
        "funding": {"total_investment": "50000000.00", "budget_funds": "10000000.00", "state_funded": True},
    }


def tender_body(project_id: str, **changes) -> dict:
    return {
        "project_id": project_id,
        "name": "教学楼施工",
        "kind": "works",
        "estimate": "20000000.00",
        "lots": [
            {"name": "第1标段", "estimate": "10000000.00", "bond_amount": "200000.00"},
            {"name": "第2标段", "estimate": "10000000.00", "bond_amount": "150000"},
        ],
    } | changes


def notice_body(number: str) -> dict:
    contact = {"organisation": "某市第一中学", "address": "某市人民路1号", "person": "张三", "phone": "0311-12345678"}
    return {
        "kind": "tender_notice",
        "tender_number": number,
        "tender_name": "教学楼施工",
        "content": "教学楼施工",
        "scope": "全部工程",
        "scale": "2万平方米",
        "funding_source": "财政资金",
        "qualifications": "施工总承包二级",
        "consortium_allowed": False,
        "documents_from": NOW.isoformat(),
        "documents_until": SALE_ENDS.isoformat(),
        "documents_how": "平台下载",
        "submission_deadline": DEADLINE.isoformat(),
        "submission_how": "平台加密提交",
        "tenderer": contact,
        "platform_url": "https://zc.example.cn",
        "platform_usage": "数字证书登录",
    }


def open_via_api(client, people) -> dict:
    tenderer = people["tenderer"].headers
    project = client.post("/api/v1/projects", json=project_body(), headers=tenderer)
    assert project.status_code == 201, project.text
    created = client.post("/api/v1/tenders", json=tender_body(project.json()["id"]), headers=tenderer)
    assert created.status_code == 201, created.text
    tender = created.json()
    assert tender["mandatory"] and tender["verdict"]["must_tender"]
    published = client.post(
        f"/api/v1/tenders/{tender['tender_id']}/notice", json=notice_body(tender["number"]), headers=tenderer
    )
    assert published.status_code == 200, published.text
    issued = client.post(
        f"/api/v1/tenders/{tender['tender_id']}/documents",
        headers=tenderer,
        files=[("files", ("招标文件.txt", DOCUMENT, "text/plain"))],
        data={"sale_ends_at": SALE_ENDS.isoformat(), "deadline": DEADLINE.isoformat()},
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["state"] == "documents_issued"
    return tender


def test_a_tender_from_project_to_deadline(client, container, clock, people):
    tender = open_via_api(client, people)
    tender_id = tender["tender_id"]
    public = client.get(f"/api/v1/tenders/{tender_id}").json()  # anonymous
    assert public["reference_price"] is None and public["verdict"] is None and public["invitees"] is None
    assert [lot["bond_amount"] for lot in public["lots"]] == ["200000.00", "150000.00"]
    assert public["schedule"]["bid_deadline"].startswith("2026-03-24T01:00:00")
    assert client.get(f"/api/v1/tenders/{tender_id}/notice").json()["tender_number"] == tender["number"]
    assert tender_id in [row["id"] for row in client.get("/api/v1/tenders").json()]
    lot = client.get(f"/api/v1/lots/{tender['lot_ids'][0]}").json()
    assert lot["number"] == tender["number"] + "-001"
    [document] = client.get(f"/api/v1/tenders/{tender_id}/documents").json()
    assert document["sha256"] == hashlib.sha256(DOCUMENT).hexdigest()

    downloaded = client.get(f"/api/v1/tenders/{tender_id}/documents/{document['id']}", headers=people["bidder"].headers)
    assert downloaded.status_code == 200 and downloaded.content == DOCUMENT
    assert downloaded.headers["x-content-sha256"] == document["sha256"]
    assert client.get(f"/api/v1/tenders/{tender_id}/documents/{document['id']}").status_code == 401

    asked = client.post(
        f"/api/v1/tenders/{tender_id}/questions", json={"question": "工期可否调整？"}, headers=people["bidder"].headers
    )
    assert asked.status_code == 201
    [waiting] = client.get(f"/api/v1/tenders/{tender_id}/questions/open", headers=people["tenderer"].headers).json()
    assert set(waiting) == {"id", "question", "asked_at"}
    answered = client.post(
        f"/api/v1/tenders/{tender_id}/questions/{waiting['id']}/answer",
        json={"answer": "不可调整。"},
        headers=people["tenderer"].headers,
    )
    assert answered.status_code == 200, answered.text
    [public_answer] = client.get(f"/api/v1/tenders/{tender_id}/questions").json()
    assert public_answer["answer"] == "不可调整。" and "builder1" not in str(public_answer)
    assert len(client.get(f"/api/v1/tenders/{tender_id}/clarifications").json()) == 1

    clock.set(DEADLINE)
    do_process_due_tenders(uow_factory=container.uow, clock=clock, handlers=[])
    assert client.get(f"/api/v1/tenders/{tender_id}").json()["state"] == "deadline_passed"
    seen = client.get(f"/api/v1/tenders/{tender_id}/downloaders", headers=people["tenderer"].headers)
    assert seen.status_code == 200
    assert seen.json()["count"] == 1 and seen.json()["downloaders"][0]["org_id"] == people["bidder"].org_id


def test_downloaders_before_the_deadline_are_403_naming_the_rule(client, container, clock, people):
    tender_id = open_via_api(client, people)["tender_id"]
    clock.set(DEADLINE - timedelta(milliseconds=1))
    for who in ("tenderer", "supervisor", "admin", "bidder"):
        response = client.get(f"/api/v1/tenders/{tender_id}/downloaders", headers=people[who].headers)
        assert response.status_code == 403, who
        body = response.json()
        assert body["error"] == "secret_until_deadline" and body["citation"] == "20号令21; 法22"
    refusals = [row for row in audit_rows(container, "tendering.read_downloaders")]
    assert [row["outcome"] for row in refusals] == ["refused:secret_until_deadline"] * 4
    assert {row["user_id"] for row in refusals} == {
        people[w].actor.user_id for w in ("tenderer", "supervisor", "admin", "bidder")
    }


def test_bad_input_is_refused_naming_the_reason_and_audited(client, container, clock, people):
    tender = open_via_api(client, people)
    tender_id = tender["tender_id"]
    tenderer = people["tenderer"].headers

    other = client.post(
        "/api/v1/projects", json=project_body("2602-110108-89-01-999999"), headers=people["other"].headers
    ).json()
    other_tender = client.post("/api/v1/tenders", json=tender_body(other["id"]), headers=people["other"].headers).json()
    wrong_lot = client.get(f"/api/v1/tenders/{tender_id}/lots/{other_tender['lot_ids'][0]}", headers=tenderer)
    assert wrong_lot.status_code == 404 and wrong_lot.json()["error"] == "wrong_tender"
    assert "not a lot of tender" in wrong_lot.json()["message"]

    someone_elses = client.post(
        f"/api/v1/tenders/{tender_id}/cancel", json={"reason": "x"}, headers=people["other"].headers
    )
    assert someone_elses.status_code == 403 and someone_elses.json()["error"] == "other_organisation"

    [own_project] = client.get("/api/v1/projects", headers=tenderer).json()
    too_big_bond = client.post(
        "/api/v1/tenders",
        headers=tenderer,
        json=tender_body(
            own_project["id"], lots=[{"name": "L", "estimate": "10000000.00", "bond_amount": "200000.01"}]
        ),
    )
    assert too_big_bond.status_code == 422
    assert (too_big_bond.json()["field"], too_big_bond.json()["citation"]) == ("lots[0].bond_amount", "条例26")
    assert client.post("/api/v1/tenders", headers=tenderer, json=tender_body(other["id"])).status_code == 403

    float_money = client.post(
        "/api/v1/projects", headers=tenderer, json=project_body() | {"funding": {"total_investment": 50000000.5}}
    )
    assert float_money.status_code == 422 and "floats" in float_money.json()["message"]

    naive = client.post(
        f"/api/v1/tenders/{tender_id}/clarifications",
        headers=tenderer,
        data={"title": "t", "body": "b", "affects_bids": "true", "new_deadline": "2026-04-30T09:00:00"},
    )
    assert naive.status_code == 422

    clock.set(DEADLINE)
    late_change = client.post(
        f"/api/v1/tenders/{tender_id}/clarifications",
        headers=tenderer,
        data={
            "title": "修改评标办法",
            "body": "改为经评审的最低投标价法",
            "affects_bids": "true",
            "new_deadline": "2026-04-30T09:00:00+08:00",
        },
    )
    assert late_change.status_code == 409, late_change.text
    assert late_change.json()["error"] in ("deadline_passed", "illegal_transition")

    outcomes = {(row["action"], row["outcome"]) for row in audit_rows(container)}
    assert ("auth.request", "refused:wrong_tender") in outcomes
    assert ("tendering.cancel_tender", "refused:other_organisation") in outcomes
    assert ("tendering.create_tender", "refused:invalid") in outcomes
    assert any(
        action == "tendering.publish_clarification" and outcome.startswith("refused:") for action, outcome in outcomes
    )


def test_openapi_documents_the_tendering_api(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/projects",
        "/api/v1/tenders",
        "/api/v1/tenders/{tender_id}/downloaders",
        "/api/v1/lots/{lot_id}",
        "/api/v1/tenders/{tender_id}/objections",
        "/api/v1/procedure",
    ):
        assert path in paths
    assert "403" in paths["/api/v1/tenders/{tender_id}/downloaders"]["get"]["responses"]
