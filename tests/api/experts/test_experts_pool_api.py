"""The expert pool over HTTP, and how its records reach a draw: recusals with reasons, remote draws, supervision as
a third party, the offline verifier and the archive item."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from experts_world import HASH, Draws
from typer.testing import CliRunner

from zhaocai.experts.archiving import archive_items
from zhaocai.experts.cli import app as draw_app
from zhaocai.experts.selection import commitment_of


def _user(draws: Draws, username: str, role: str = "expert") -> str:
    from zhaocai.core.actor import SYSTEM
    from zhaocai.identity.env import identity_env
    from zhaocai.identity.users import do_create_user

    return do_create_user(
        uow=draws.world.container.uow(),
        actor=SYSTEM,
        env=identity_env(draws.world.container),
        org_id=None,
        username=username,
        display_name=username,
        email=f"{username}@example.com",
        roles=frozenset({role}),
        password="Correct-Horse-7",
    ).user_id


def _expert_body(user_id: str, **changes: object) -> dict[str, object]:
    return {
        "user_id": user_id,
        "name": "王工",
        "specialties": ["A01"],
        "region_code": "110108",
        "employer_name": "某研究院",
        "title": "高级工程师",
        "senior_title": True,
        "years_experience": 8,
    } | changes


def test_the_operator_registers_experts_with_the_law_s_qualifications(draws: Draws) -> None:
    client, operator = draws.client, draws.operator
    created = client.post("/api/v1/experts", json=_expert_body(_user(draws, "wang")), headers=operator)
    assert created.status_code == 201, created.text
    assert created.json()["specialties"] == ["A01"]

    junior = client.post(
        "/api/v1/experts", json=_expert_body(_user(draws, "liu"), years_experience=7), headers=operator
    )
    assert junior.status_code == 422
    assert junior.json()["field"] == "years_experience" and junior.json()["citation"] == "法37"
    untitled = client.post(
        "/api/v1/experts", json=_expert_body(_user(draws, "zhao"), senior_title=False), headers=operator
    )
    assert untitled.status_code == 422 and untitled.json()["field"] == "senior_title"
    not_expert = client.post("/api/v1/experts", json=_expert_body(_user(draws, "sun", "supervisor")), headers=operator)
    assert not_expert.status_code == 422 and not_expert.json()["field"] == "user_id"
    by_tenderer = client.post(
        "/api/v1/experts", json=_expert_body(_user(draws, "zhou")), headers=draws.world.tenderer_headers()
    )
    assert by_tenderer.status_code == 403
    assert draws.outcomes("experts.register_expert") == [
        "ok",
        "refused:invalid",
        "refused:invalid",
        "refused:invalid",
        "refused:role",
    ]
    assert client.get("/api/v1/experts", headers=draws.world.tenderer_headers()).status_code == 403


def test_blacklisted_punished_unavailable_and_related_experts_are_recused_with_reasons(draws: Draws) -> None:
    lot = draws.opened_lot()
    blacklisted, punished, away, related, staff = draws.pool(5)
    draws.pool(5)
    client, operator = draws.client, draws.operator
    assert client.post(
        f"/api/v1/experts/{blacklisted.id}/blacklist", json={"reason": "违规"}, headers=operator
    ).is_success
    assert client.patch(f"/api/v1/experts/{punished.id}", json={"punished": True}, headers=operator).is_success
    assert client.patch(f"/api/v1/experts/{staff.id}", json={"supervising_staff": True}, headers=operator).is_success
    now = draws.world.clock.now()
    period = {"from_at": now.isoformat(), "until": (now + timedelta(days=3)).isoformat(), "reason": "出差"}
    assert (
        client.post(f"/api/v1/experts/{away.id}/unavailability", json=period, headers=away.headers).status_code == 201
    )
    conflict = {"org_id": lot.bidders[1].org_id, "relation": "配偶在该单位任职"}
    declared = client.post(f"/api/v1/experts/{related.id}/conflicts", json=conflict, headers=related.headers)
    assert declared.status_code == 201
    drawn = draws.run(lot)
    transcript = client.get(f"/api/v1/draws/{drawn['id']}/transcript", headers=operator).json()
    reasons = {item["expert_id"]: item["reason"] for item in transcript["recusals"]}
    assert reasons == {
        blacklisted.id: "blacklisted",
        punished.id: "punished",
        away.id: "unavailable",
        related.id: "declared_relation",
        staff.id: "supervising_staff",
    }
    assert len(transcript["pool"]) == 5


def test_a_draw_before_the_opening_and_a_remote_draw_at_home_are_refused(draws: Draws) -> None:
    draws.pool(5, region="110108")
    tender = draws.world.tender()
    early = draws.client.post(
        f"/api/v1/lots/{tender.lot_ids[0]}/draws",
        json={"size": 5, "experts": 5, "evaluation_at": draws.world.clock.now().isoformat()},
        headers=draws.world.tenderer_headers(),
    )
    assert early.status_code == 409 and early.json()["error"] == "not_opening"
    lot = draws.opened_lot()
    home = draws.request(lot, remote=True, regions=["110000"])
    assert home.status_code == 422 and home.json()["field"] == "regions"
    far = draws.request(lot, remote=True, regions=["310000"])
    assert far.status_code == 409 and far.json()["error"] == "pool_too_small"
    expected = ["refused:not_opening", "refused:invalid", "refused:pool_too_small"]
    assert draws.outcomes("experts.request_draw") == expected

    # 远程异地评标: with experts in Shanghai, the pool is theirs alone
    shanghai = {e.id for e in draws.pool(6, region="310104")}
    drawn = draws.run(lot, remote=True, regions=["310000"])
    transcript = draws.client.get(f"/api/v1/draws/{drawn['id']}/transcript", headers=draws.operator).json()
    assert {entry["id"] for entry in transcript["pool"]} == shanghai


def test_supervision_as_a_third_party_must_commit_before_anyone_reveals(draws: Draws) -> None:
    draws.pool(6)
    lot = draws.opened_lot()
    draw_id = draws.request(lot, with_supervision=True).json()["id"]
    supervisor = draws.world.staff("supervisor1", "supervisor")
    mine, theirs = secrets.token_hex(32), secrets.token_hex(32)
    assert draws.commit(draw_id, mine).status_code == 200
    assert draws.reveal(draw_id, mine).json()["error"] == "commitments_pending"
    commitment = commitment_of(HASH[draws.world.suite], theirs)
    as_tenderer = draws.client.post(
        f"/api/v1/draws/{draw_id}/commitments",
        json={"party": "supervision", "commitment": commitment},
        headers=draws.world.tenderer_headers(),
    )
    assert as_tenderer.status_code == 403
    body = {"party": "supervision", "commitment": commitment}
    assert draws.client.post(f"/api/v1/draws/{draw_id}/commitments", json=body, headers=supervisor).is_success
    assert draws.reveal(draw_id, mine).json()["state"] == "revealing"
    body = {"party": "supervision", "contribution": theirs}
    revealed = draws.client.post(f"/api/v1/draws/{draw_id}/reveals", json=body, headers=supervisor)
    assert revealed.json()["state"] == "drawn"


def test_the_verifier_replays_the_published_transcript_and_names_a_forgery(draws: Draws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    draws.pool(7)
    lot = draws.opened_lot()
    draw_id = draws.run(lot)["id"]
    assert draws.client.post(f"/api/v1/draws/{draw_id}/fix", headers=draws.operator).is_success
    with draws.world.container.engine.connect() as conn:
        [item] = archive_items(conn, lot.tender.tender_id)
    assert item.path.endswith("draw-transcript.json") and item.data
    honest = tmp_path / "transcript.json"
    honest.write_bytes(item.data)
    runner = CliRunner()
    result = runner.invoke(draw_app, ["verify", str(honest)])
    assert result.exit_code == 0, result.output

    forged = json.loads(item.data)
    forged["committee"]["experts"][0], forged["committee"]["reserves"][0] = (
        forged["committee"]["reserves"][0],
        forged["committee"]["experts"][0],
    )
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(forged), encoding="utf-8")
    result = runner.invoke(draw_app, ["verify", str(bad)])
    assert result.exit_code == 1
    assert "committee.experts" in result.output and "digest" in result.output
