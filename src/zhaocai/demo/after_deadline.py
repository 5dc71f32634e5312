"""The scripted tender of `make demo` from the bid deadline to the archive, through the platform's public API as each
party's own client would do it: the bidders unwrap their content keys locally and hand them over (不见面开标); the
tenderer and the platform draw the committee by commit and reveal; the experts score, draft and sign the report;
the tenderer publishes the candidates, awards, signs the notices, and signs the contract with the winner; the
tender's archive package is built, downloaded and verified offline against the platform's published keys and the
CA roots, with no database.
"""

from __future__ import annotations

import base64
import secrets
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zhaocai.archive.anchors import load_anchors
from zhaocai.archive.cli import render
from zhaocai.archive.verify import verify_package
from zhaocai.bidder import BidderClient
from zhaocai.bidder.unwrap import unwrap_and_hand_over
from zhaocai.core.clock import SHANGHAI
from zhaocai.crypto import keys as crypto_keys
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.demo.seed import EXPERTS
from zhaocai.evaluation.checklist import items_for
from zhaocai.experts.selection import commitment_of
from zhaocai.experts.transcript import verify as verify_transcript
from zhaocai.rules import packaged_rules
from zhaocai.rules.periods import period_end

if TYPE_CHECKING:
    from zhaocai.demo.walkthrough import Walkthrough

# 综合评估法: technical 40, commercial 20, price 40 (benchmark: the lowest valid price).
EVALUATION_PLAN = {
    "method": "comprehensive",
    "committee_size": 5,
    "criteria": [
        {"id": "tech", "name": "施工组织设计", "envelope": "technical", "min": "0", "max": "40", "rule": "0-40 分"},
        {"id": "biz", "name": "商务条款", "envelope": "price", "min": "0", "max": "20", "rule": "0-20 分"},
    ],
    "price_points": "40",
    "price_benchmark": "lowest_valid",
}
OPENING_WINDOW_MINUTES = 3 * 24 * 60  # the longest the platform allows: an accelerated clock runs it out in seconds;
# the session closes as soon as every bid is decided
TECHNICAL_SCORES = {"bidder-a": ("34", "17"), "bidder-b": ("31", "15"), "bidder-c": ("36", "18")}


class AfterDeadline:
    def __init__(self, walk: Walkthrough) -> None:
        self.walk = walk
        self.http = walk.http
        self.check = walk._check
        self.step = walk.step
        self.certs = walk.container.settings.data_dir / "certs"

    # before the deadline: what the tender documents fix

    def set_plans(self, tenderer: dict[str, str], tender_id: str, lot_id: str) -> None:
        self.check(
            self.http.put(
                f"/api/v1/tenders/{tender_id}/opening-plan",
                headers=tenderer,
                json={"window_minutes": OPENING_WINDOW_MINUTES},
            )
        )
        self.check(self.http.put(f"/api/v1/lots/{lot_id}/evaluation-plan", headers=tenderer, json=EVALUATION_PLAN))
        self.step("tenderer fixes the decryption window and the evaluation plan (综合评估法) with the documents")

    # from the deadline on

    def run(self, tenderer: dict[str, str], tender_id: str, lot_id: str, bidders: list[str]) -> dict[str, Any]:
        self.open_bids(lot_id, bidders)
        experts = self.draw(tenderer, lot_id)
        report = self.evaluate(tenderer, lot_id, experts)
        self.award(tenderer, lot_id, report)
        self.contract(tenderer, lot_id, report["candidates"][0])
        self.publish_draw(lot_id, bidders[0])
        return self.archive(tenderer, tender_id)

    def _wait(self, what: str, ready: Any, timeout: float = 120.0) -> Any:
        give_up = time.monotonic() + timeout
        while not (found := ready()):
            if time.monotonic() > give_up:
                raise RuntimeError(f"gave up waiting for {what}")
            time.sleep(0.3)
        return found

    def open_bids(self, lot_id: str, bidders: list[str]) -> None:
        def status() -> dict[str, Any]:
            return self.check(self.http.get(f"/api/v1/lots/{lot_id}/opening"))  # type: ignore[no-any-return]

        opening = self._wait("the opening session", lambda: (s := status())["state"] != "pending" and s)
        ends = datetime.fromisoformat(opening["window_ends_at"]).astimezone(SHANGHAI)
        self.step(f"the opening session is {opening['state']}: decryption window until {ends:%Y-%m-%d %H:%M}")
        for username in bidders:
            headers = self.walk.token(username)
            client = BidderClient(self.walk.base_url, headers["Authorization"].removeprefix("Bearer "))
            envelope = self.walk.work / f"{username}-{lot_id}" / "bid.zcenv"
            private_key = (self.certs / f"{username}-encrypt.key.pem").read_bytes()
            handed = unwrap_and_hand_over(client, lot_id, private_key, envelope=envelope)
            self.step(
                f"{username} unwraps its content key locally and hands only the key over: {handed['outcome']}, "
                f"{handed['files']} files unpacked and checked against the signed header"
            )
        self._wait("the session to close", lambda: status()["state"] == "closed")
        record = self.check(self.http.get(f"/api/v1/lots/{lot_id}/opening/record"))
        self.step("opening record (开标记录) signed by the platform and published:")
        self.names = {bidder["bid_id"]: bidder["bidder"]["name"] for bidder in record["record"]["bids"]}
        for bidder in record["record"]["bids"]:
            price, words = bidder.get("price") or "-", bidder.get("price_in_words") or ""
            self.step(f"    {bidder['bidder']['name']}  {price} 元 ({words})  {bidder['outcome']}")

    def draw(self, tenderer: dict[str, str], lot_id: str) -> dict[str, dict[str, Any]]:
        evaluation_at = self.walk.container.clock.now() + timedelta(days=7)
        draw = self.check(
            self.http.post(
                f"/api/v1/lots/{lot_id}/draws",
                headers=tenderer,
                json={
                    "size": 5,
                    "experts": 5,
                    "evaluation_at": evaluation_at.isoformat(),
                    "reserves": 2,
                    "reveal_minutes": 1440,
                },
            )
        )
        self.step(
            f"tenderer asks for a committee of 5: the eligible pool ({draw['pool_size']} experts) is fixed, "
            f"{draw['hash_algorithm']} {draw['pool_hash'][:16]}..."
        )
        contribution = secrets.token_hex(32)
        commitment = commitment_of(draw["hash_algorithm"], contribution)
        for step, body in (("commitments", {"commitment": commitment}), ("reveals", {"contribution": contribution})):
            self.check(self.http.post(f"/api/v1/draws/{draw['id']}/{step}", headers=tenderer, json=body))
        self.check(self.http.post(f"/api/v1/draws/{draw['id']}/fix", headers=tenderer))
        self.step("tenderer commits, then reveals its random contribution; the platform's is revealed with it: fixed")
        experts = {}
        for expert in EXPERTS:
            headers = self.walk.token(expert.username)
            for seat in self.check(self.http.get("/api/v1/experts/me/assignments", headers=headers)):
                if seat["draw_id"] == draw["id"] and seat["role"] == "member":
                    experts[expert.username] = {"headers": headers, "member_id": seat["member_id"]}
        self.step(f"{len(experts)} experts find their seat; the list stays secret until the result (法37)")
        self.draw_id = draw["id"]
        return experts

    def evaluate(self, tenderer: dict[str, str], lot_id: str, experts: dict[str, dict[str, Any]]) -> dict[str, Any]:
        chair = next(iter(experts.values()))
        self.check(
            self.http.post(
                f"/api/v1/lots/{lot_id}/evaluation", headers=tenderer, json={"chair_member_id": chair["member_id"]}
            )
        )
        bids = self.check(self.http.get(f"/api/v1/lots/{lot_id}/evaluation/bids", headers=chair["headers"]))
        flags = ", ".join(sorted({flag["kind"] for flag in bids["flags"]})) or "none"
        self.step(f"evaluation starts; signals shown to the committee as flags, not verdicts: {flags}")
        by_org = {bid["bidder_org_id"]: bid["bid_id"] for bid in bids["bids"]}
        checklist = {item.code: {"passed": True} for item in items_for(bids["stage"])}
        for member in experts.values():
            for username, (technical, commercial) in TECHNICAL_SCORES.items():
                sheet = {
                    "bid_id": by_org[self.walk.org_id(username)],
                    "checklist": checklist,
                    "scores": {"tech": technical, "biz": commercial},
                }
                sheets = f"/api/v1/lots/{lot_id}/evaluation/sheets"
                self.check(self.http.post(sheets, headers=member["headers"], json=sheet))
        self.step("each of the 5 members answers the 条例51 checklist and scores every bid on its own sheet")
        self.check(self.http.post(f"/api/v1/lots/{lot_id}/evaluation/report", headers=chair["headers"], json={}))
        report = self.check(self.http.get(f"/api/v1/lots/{lot_id}/evaluation/report", headers=chair["headers"]))
        document = base64.b64decode(report["document"])
        for username, member in experts.items():
            key = self._signing_key(username)
            self.check(
                self.http.post(
                    f"/api/v1/evaluation-reports/{report['id']}/signatures",
                    headers=member["headers"],
                    json={
                        "certificate_pem": (self.certs / f"{username}-sign.pem").read_text(),
                        "signature": base64.b64encode(key.sign(document)).decode(),
                    },
                )
            )
        self.check(self.http.post(f"/api/v1/evaluation-reports/{report['id']}/close", headers=chair["headers"]))
        report = self.check(self.http.get(f"/api/v1/lots/{lot_id}/evaluation/report", headers=tenderer))
        self.step("every member signs the report with the SM2 key of its certificate; the chair closes it:")
        for candidate in report["candidates"]:
            rank, price, score = candidate["rank"], candidate["bid_price"], candidate.get("score")
            self.step(f"    第{rank}名  {self.names[candidate['bid_id']]}  {price} 元  {score} 分")
        return report  # type: ignore[no-any-return]

    def award(self, tenderer: dict[str, str], lot_id: str, report: dict[str, Any]) -> str:
        # 条例54: at least 3 days from the day after publication, rolled over a weekend or holiday (民法典203); 9:00 of
        # the day after the earliest end, in case the request reaches the platform a sandbox day later
        now = self.walk.container.clock.now()
        rule = packaged_rules().get("candidate_publicity_min_days", now.astimezone(SHANGHAI).date())
        earliest = period_end(now + timedelta(days=1), rule)
        ends_at = datetime.combine(earliest.astimezone(SHANGHAI).date(), dt_time(9), tzinfo=SHANGHAI)
        self.check(
            self.http.post(
                f"/api/v1/lots/{lot_id}/publicity",
                headers=tenderer,
                json={
                    "ends_at": ends_at.isoformat(),
                    "evaluation_summary": "评标委员会按综合评估法评审, 三家投标均通过初步评审。",
                    "objection_channel": "在公示期内通过本平台提出异议",
                    "candidates": [
                        {"bid_id": c["bid_id"], "qualifications": "建筑工程施工总承包壹级; 安全生产许可证有效"}
                        for c in report["candidates"]
                    ],
                },
            )
        )
        self.step(f"tenderer publishes the candidates (10号令6) until {ends_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        self._wait("the end of the publicity", lambda: self.walk.container.clock.now() > ends_at)
        winner = report["candidates"][0]["bid_id"]
        award = self.check(self.http.post(f"/api/v1/lots/{lot_id}/award", headers=tenderer, json={"bid_id": winner}))
        self.step(f"no objection: the first-ranked candidate is awarded at {award['price']} 元 (条例55)")
        notices = self.check(self.http.post(f"/api/v1/lots/{lot_id}/award/notices", headers=tenderer))
        key = self._signing_key("tenderer")
        for notice in notices:
            pdf = self.http.get(f"/api/v1/award-notices/{notice['id']}/pdf", headers=tenderer).content
            (self.walk.work / f"{notice['kind']}-{notice['org_id']}.pdf").write_bytes(pdf)
            self.check(
                self.http.put(
                    f"/api/v1/award-notices/{notice['id']}/signature",
                    headers=tenderer,
                    json={
                        "certificate": (self.certs / "tenderer-sign.pem").read_text(),
                        "signature": base64.b64encode(key.sign(pdf)).decode(),
                    },
                )
            )
        self.step(
            f"{len(notices)} notices (中标通知书 / 结果通知书) rendered as PDF, signed by the tenderer's SM2 "
            f"certificate and delivered; copies in {self.walk.work}"
        )
        self.check(
            self.http.post(
                f"/api/v1/lots/{lot_id}/award/report",
                headers=tenderer,
                json={"report": "招标投标情况书面报告: 公开招标, 三家投标, 综合评估法, 第一中标候选人中标。"},
            )
        )
        self.step("tenderer reports the result to the supervising department (法47, tracked: 15 days)")
        return winner

    def contract(self, tenderer: dict[str, str], lot_id: str, first: dict[str, Any]) -> None:
        award = self.check(self.http.get(f"/api/v1/lots/{lot_id}/award", headers=tenderer))
        price = award["price"]
        bond = f"{Decimal(price) * Decimal('0.05'):.2f}"
        terms = {
            "price": price,
            "performance_bond": bond,
            "duration_days": first["duration_days"],
            "quality": first["quality"],
            "project_manager": first["project_manager"],
            "clauses": "按招标文件合同条款及中标人投标文件执行。",
        }
        contract = self.check(self.http.post(f"/api/v1/lots/{lot_id}/contract", headers=tenderer, json=terms))
        document = self.http.get(f"/api/v1/contracts/{contract['id']}/document", headers=tenderer).content
        winner = next(name for name in TECHNICAL_SCORES if self.walk.org_id(name) == award["winner_org_id"])
        for party in ("tenderer", winner):
            self.check(
                self.http.post(
                    f"/api/v1/contracts/{contract['id']}/signatures",
                    headers=tenderer if party == "tenderer" else self.walk.token(party),
                    json={
                        "certificate": (self.certs / f"{party}-sign.pem").read_text(),
                        "signature": base64.b64encode(self._signing_key(party).sign(document)).decode(),
                    },
                )
            )
        self.step(
            f"tenderer and {winner} sign the contract at {price} 元 (performance bond {bond}, ≤10% 条例58); every "
            "bid bond refund opens with deposit interest (条例57)"
        )

    def publish_draw(self, lot_id: str, bidder: str) -> None:
        headers = self.walk.token(bidder)
        transcript = self.check(self.http.get(f"/api/v1/draws/{self.draw_id}/transcript", headers=headers))
        problems = verify_transcript(transcript)
        self.step(f"the draw's transcript is public now; replayed by `zhaocai draw verify`: {problems or 'it matches'}")

    def archive(self, tenderer: dict[str, str], tender_id: str) -> dict[str, Any]:
        package = self.check(self.http.post(f"/api/v1/tenders/{tender_id}/archives", headers=tenderer))
        path = self.walk.work / f"archive-{tender_id}.zip"
        path.write_bytes(self.http.get(f"/api/v1/archives/{package['id']}/package", headers=tenderer).content)
        keys = self.walk.work / "zhaocai-keys.json"
        keys.write_bytes(self.http.get("/.well-known/zhaocai-keys.json").content)
        trust = self.walk.container.settings.effective_trust_dir
        report = verify_package(path, load_anchors([keys, trust]))
        self.step(
            f"archive package built: {package['item_count']} items, {package['audit_entry_count']} audit entries "
            f"with inclusion proofs; verified offline against the published keys and the CA roots:"
        )
        render(report)
        return {"archive": str(path), "archive_ok": report.ok, "keys": str(keys), "trust": str(trust)}

    def _signing_key(self, username: str) -> Any:
        blocks = pem_blocks((self.certs / f"{username}-sign.key.pem").read_bytes())
        return crypto_keys.load_private_key(blocks[0][1])
