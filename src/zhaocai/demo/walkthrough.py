"""The scripted tender of `make demo`: everything through the platform's public API, as the parties' own clients
would do it — the tenderer registers a project, creates a tender, publishes its notice and issues its documents;
three bidders download the documents, pack, seal (SM2/SM4, test-decrypted locally) and submit their bids and check
the signed receipts; the accelerated clock passes the deadline; the tenderer may then count the bids, not before.
From the deadline on (after_deadline.py): opening, draw, evaluation, publicity, award, contract and archive.
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import httpx
from rich.console import Console

from zhaocai.bidder import BidderClient, BidRequirements, BidSpec, Credentials, pack, seal_bid
from zhaocai.bootstrap import Container
from zhaocai.core.clock import SHANGHAI
from zhaocai.demo.after_deadline import AfterDeadline
from zhaocai.demo.seed import DEMO_PASSWORD, ORGANISATIONS
from zhaocai.identity.repository import find_user_by_username
from zhaocai.tendering.model import Stage
from zhaocai.tendering.queries import load_aggregate
from zhaocai.tendering.scenario import LOT_BOND, LOT_ESTIMATE, demo_notice, project_code, schedule

BIDDERS = [org for org in ORGANISATIONS if org.username.startswith("bidder")]
WAITING = ("documents_issued", "bidding_open")
PRICES = {"bidder-a": "9680000.00", "bidder-b": "9725500.00", "bidder-c": "9598000.00"}
PM_CERTIFICATES = {"bidder-a": "沪131150800021", "bidder-b": "粤144030900318", "bidder-c": "川151070700456"}


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    return value


class Walkthrough:
    def __init__(self, container: Container, base_url: str, console: Console) -> None:
        self.container = container
        self.base_url = base_url
        self.console = console
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.tokens: dict[str, dict[str, str]] = {}
        self.work = container.settings.data_dir / "walkthrough"
        self.work.mkdir(parents=True, exist_ok=True)

    def step(self, text: str) -> None:
        now = self.container.clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        self.console.print(f"[dim]{now}[/dim]  {text}")

    def _check(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise RuntimeError(
                f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    def token(self, username: str) -> dict[str, str]:
        """Log in with the password, then make an API token for the rest (what a client tool does); once per user."""
        if username not in self.tokens:
            self.tokens[username] = self._new_token(username)
        return self.tokens[username]

    def _new_token(self, username: str) -> dict[str, str]:
        session = httpx.Client(base_url=self.base_url, timeout=60)
        login = self._check(session.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}))
        created = self._check(
            session.post(
                "/api/v1/me/api-tokens",
                json={"name": "demo walkthrough"},
                headers={"X-CSRF-Token": login["csrf_token"]},
            )
        )
        return {"Authorization": f"Bearer {created['token']}"}

    def org_id(self, username: str) -> str:
        with self.container.engine.connect() as conn:
            user = find_user_by_username(conn, username)
        assert user is not None and user.org_id is not None
        return str(user.org_id)

    def run(self) -> dict[str, Any]:
        """Run the tender from the project to the verified archive; what the tenderer saw on the way."""
        tenderer = self.token("tenderer")
        tender_id, lot_id, deadline = self.open_tender(tenderer)
        after = AfterDeadline(self)
        after.set_plans(tenderer, tender_id, lot_id)
        refused = self.http.get(f"/api/v1/lots/{lot_id}/bids/count", headers=tenderer)
        self.step(
            f"tenderer asks how many bids before the deadline → {refused.status_code} {refused.json()['message']}"
        )
        for org in BIDDERS:
            self.bid(org.username, tender_id, lot_id)
        self.wait_for_deadline(tender_id, deadline)
        count = self._check(self.http.get(f"/api/v1/lots/{lot_id}/bids/count", headers=tenderer))["count"]
        self.step(f"after the deadline the tenderer may count the bids: {count}")
        state = self._check(self.http.get(f"/api/v1/tenders/{tender_id}"))["state"]
        concluded = after.run(tenderer, tender_id, lot_id, [org.username for org in BIDDERS])
        return {"tender_id": tender_id, "state": state, "bids": count} | concluded

    def open_tender(self, tenderer: dict[str, str]) -> tuple[str, str, datetime]:
        now = self.container.clock.now()
        project = self._check(
            self.http.post(
                "/api/v1/projects",
                headers=tenderer,
                json={
                    "code": project_code(now),
                    "name": "演示市第一中学新校区建设项目",
                    "approval": {
                        "kind": "approved",
                        "authority": "演示市发展和改革委员会",
                        "document_number": "演发改投资〔2026〕8号",
                        "approved_on": now.date().isoformat(),
                    },
                    "funding": {"total_investment": "50000000.00", "budget_funds": "10000000.00", "state_funded": True},
                },
            )
        )
        self.step(f"tenderer registers project {project['code']} {project['name']}")
        created = self._check(
            self.http.post(
                "/api/v1/tenders",
                headers=tenderer,
                json={
                    "project_id": project["id"],
                    "name": "新校区教学楼施工",
                    "kind": "works",
                    "estimate": f"{LOT_ESTIMATE:.2f}",
                    "suite": "gm",
                    "lots": [{"name": "第1标段", "estimate": f"{LOT_ESTIMATE:.2f}", "bond_amount": f"{LOT_BOND:.2f}"}],
                },
            )
        )
        tender_id, lot_id = created["tender_id"], created["lot_ids"][0]
        self.step(f"tenderer creates tender {created['number']} (must tender: {created['mandatory']}), one lot")
        with self.container.engine.connect() as conn:
            draft = load_aggregate(conn, tender_id)
        now = self.container.clock.now()
        sale_ends_at, deadline = schedule(draft, now, Stage.TENDER, timedelta(days=21))
        notice = demo_notice(draft, now, sale_ends_at, deadline, platform_url=self.base_url)
        self._check(
            self.http.post(
                f"/api/v1/tenders/{tender_id}/notice", headers=tenderer, json=_json_ready(dataclasses.asdict(notice))
            )
        )
        self.step("tenderer publishes the tender notice (10号令5 content checked; outbox message for the hub)")
        document = f"{draft.number} 招标文件\n评标办法: 综合评估法\n投标截止: {deadline.isoformat()}\n".encode()
        self._check(
            self.http.post(
                f"/api/v1/tenders/{tender_id}/documents",
                headers=tenderer,
                files={"files": ("招标文件.txt", document, "text/plain")},
                data={"sale_ends_at": sale_ends_at.isoformat(), "deadline": deadline.isoformat()},
            )
        )
        self.step(f"tenderer issues the documents; bid deadline {deadline.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        return tender_id, lot_id, deadline

    def bid(self, username: str, tender_id: str, lot_id: str) -> None:
        headers = self.token(username)
        documents = self._check(self.http.get(f"/api/v1/tenders/{tender_id}/documents", headers=headers))
        for document in documents:
            self._check_download(
                self.http.get(f"/api/v1/tenders/{tender_id}/documents/{document['id']}", headers=headers)
            )
        client = BidderClient(self.base_url, headers["Authorization"].removeprefix("Bearer "))
        requirements: BidRequirements = client.requirements(lot_id)
        folder = self.work / f"{username}-{lot_id}"
        (folder / "技术标").mkdir(parents=True, exist_ok=True)
        org = next(org for org in BIDDERS if org.username == username)
        plan = f"{org.name} 施工组织设计：总体部署、进度计划、质量保证措施。\n"
        (folder / "技术标" / "施工组织设计.txt").write_text(plan * 50)
        main_works = f"{Decimal(PRICES[username]) - Decimal('40000.00'):.2f}"  # the bill adds up to the price
        spec = BidSpec.model_validate(
            {
                "bidder": {"kind": "organisation", "credit_code": org.credit_code, "name": org.name},
                "price": {"total": PRICES[username]},
                "bill": [
                    {"item": "010101001 平整场地", "unit": "m2", "quantity": "20000", "unit_price": "2.00"},
                    {"item": "010501001 主体结构工程", "unit": "项", "quantity": "1", "unit_price": main_works},
                ],
                "duration_days": 540,
                "quality": "合格",
                "project_manager": {"name": org.legal_representative, "certificate_number": PM_CERTIFICATES[username]},
                "files": ["技术标/施工组织设计.txt"],
            }
        )
        archives = pack(spec, base_dir=folder, out_dir=folder / "sections", requirements=requirements)
        certs = self.container.settings.data_dir / "certs"
        credentials = Credentials.load(
            signing_key=certs / f"{username}-sign.key.pem",
            signer_certificate=certs / f"{username}-sign.pem",
            encryption_certificate=certs / f"{username}-encrypt.pem",
            encryption_key=certs / f"{username}-encrypt.key.pem",
        )
        envelope = folder / "bid.zcenv"
        seal_bid(archives, envelope, requirements=requirements, credentials=credentials, bid_version=1)
        signed = client.submit(lot_id, envelope)
        receipt = signed.body
        size = envelope.stat().st_size
        self.step(
            f"{username} downloads the documents, seals its bid ({requirements.suite}, {size} bytes, test-decrypted) "
            f"and submits it: receipt for version {receipt['bid_version']} signed by the platform, "
            f"audit entry {receipt['audit_entry_id']}"
        )
        (folder / "receipt.json").write_text(json.dumps(signed.to_json(), ensure_ascii=False, indent=2))

    def _check_download(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise RuntimeError(f"download failed: {response.status_code} {response.text}")

    def wait_for_deadline(self, tender_id: str, deadline: datetime) -> None:
        real_seconds = (
            max(0.0, (deadline - self.container.clock.now()).total_seconds()) / self.container.settings.clock_factor
        )
        self.step(f"waiting for the deadline (about {real_seconds:.0f} s of real time on the accelerated clock)")
        give_up = time.monotonic() + real_seconds + 120
        while (state := self._check(self.http.get(f"/api/v1/tenders/{tender_id}"))["state"]) in WAITING:
            if time.monotonic() > give_up:
                raise RuntimeError(
                    f"the deadline passed long ago but the tender is still {state}: is the scheduler running?"
                )
            time.sleep(0.5)
        self.step(f"the scheduler passes the deadline: the tender is now {state}; 条例34/37 checks ran at the deadline")
