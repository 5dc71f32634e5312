"""The award tests' world: a lot brought to its closed, signed evaluation report through the real chain (see
tests/api/award/award_chain.py: tender, sealed bids, bonds paid when asked, online opening, a drawn committee, sheets,
the report every member signs), the tenderer and the bidders as organisations with signing certificates of the
chain's test CAs naming their 统一社会信用代码, and helpers to run the award use cases and read what they left.

Needs the bidding, opening, evaluation and award API test folders on sys.path (see conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from award_chain import PRICES, ReportedLot, close_report, open_lot
from evaluation_world import EvaluationWorld
from sqlalchemy import select

from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.award.env import AwardEnv, award_env
from zhaocai.core.actor import Actor
from zhaocai.core.clock import FixedClock
from zhaocai.crypto import keys
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.trust import TrustStore
from zhaocai.evaluation.queries import EvaluationReport
from zhaocai.exchange.outbox import pending_messages
from zhaocai.identity.env import ENV_KEY, env_from_settings
from zhaocai.identity.passwords import CHEAP
from zhaocai.identity.repository import get_organisation
from zhaocai.notifications.service import list_inbox


@dataclass(frozen=True)
class Signer:
    certificate_pem: bytes
    private_pkcs8: bytes

    def sign(self, data: bytes) -> bytes:
        return keys.load_private_key(self.private_pkcs8).sign(data)


@dataclass(frozen=True)
class Org:
    actor: Actor
    name: str
    credit_code: str

    @property
    def org_id(self) -> str:
        return self.actor.org_id  # type: ignore[return-value]


class AwardWorld:
    def __init__(self, ev: EvaluationWorld) -> None:
        self.ev = ev
        self.chain: ReportedLot | None = None
        self.bidders: list[Org] = []  # by rank once the report is closed (before: in the order they bid)
        self.bid_ids: list[str] = []  # likewise
        self.revoked: list[Org] = []  # bidders who handed over no key (their bids revoked at the window's end)
        self._signers: dict[tuple[str, str], Signer] = {}

    # --- set-up ------------------------------------------------------------------------------------------------

    @property
    def container(self) -> Any:
        return self.ev.world.container

    @property
    def suite(self) -> str:
        return self.ev.world.suite

    def uow(self):  # type: ignore[no-untyped-def]
        return self.container.uow()

    @property
    def clock(self) -> FixedClock:
        return self.container.clock

    @property
    def env(self) -> AwardEnv:
        return award_env(self.container)

    def _org(self, actor: Actor) -> Org:
        with self.container.engine.connect() as conn:
            org = get_organisation(conn, actor.org_id or "")
        assert org is not None
        return Org(actor, org.name, org.credit_code)

    @property
    def tenderer(self) -> Org:
        return self._org(self.ev.world.tenderer)

    @property
    def tender(self) -> Any:
        assert self.chain is not None
        return self.chain.lot.tender

    @property
    def lot(self) -> str:
        assert self.chain is not None
        return self.chain.lot_id

    @property
    def report(self) -> EvaluationReport | None:
        return self.chain.report if self.chain else None

    def build(
        self,
        *,
        suite: str = "gm",
        pay: bool = False,
        state_controlled: bool = False,
        revoked: int = 0,
        method: str = "comprehensive",
        report: bool = True,
    ) -> AwardWorld:
        """The lot at its closed evaluation report (`report=False`: opened, not yet evaluated). `pay`: every bidder
        paid its bond; `revoked`: that many more bidders hand over no key; `state_controlled`: the project is one in
        which state funds hold control."""
        self.ev.world.suite = suite
        self.chain = open_lot(
            self.ev,
            prices=PRICES,
            method=method,
            state_controlled=state_controlled,
            pay_bonds=pay,
            silent=revoked,
        )
        self.bidders = [self._org(p.actor) for p in self.chain.priced]
        self.bid_ids = [self.chain.lot.bid_ids[p.username] for p in self.chain.priced]
        self.revoked = [self._org(p.actor) for p in self.chain.silent]
        if report:
            self.close_report()
        self.load_fresh_crls()
        return self

    def load_fresh_crls(self) -> None:
        """What an operator does before the test CAs' 90-day CRLs go stale (the award tests run months past the
        deadline): trust the same CAs with CRLs valid for a year."""
        pki = self.ev.world.pki
        trust = TrustStore(
            certificates=[ca.certificate_pem for cas in pki.cas.values() for ca in cas],
            crls=[ca.crl(days=400) for cas in pki.cas.values() for ca in cas],
        )
        self.container.extras[ENV_KEY] = env_from_settings(self.container.settings, trust=trust, hashing=CHEAP)

    def adopt(self, chain: ReportedLot, tenderer: Actor, count: int) -> AwardWorld:
        """Take over a lot built by the same chain on a copy of this world's database (see shared_lot.py)."""
        self.ev.world._tenderer = tenderer
        self.ev.count, self.ev.pool = count, dict(chain.ev.pool)
        self.chain = replace(chain, ev=self.ev)
        self.revoked = [self._org(p.actor) for p in chain.silent]
        assert chain.report is not None
        by_org = {p.org_id: p for p in chain.priced}
        self.bidders = [self._org(by_org[c.bidder_org_id].actor) for c in chain.report.candidates]
        self.bid_ids = [c.bid_id for c in chain.report.candidates]
        self.load_fresh_crls()
        return self

    def close_report(self) -> EvaluationReport:
        assert self.chain is not None
        report = close_report(self.chain)
        by_org = {b.org_id: b for b in self.bidders}
        self.bidders = [by_org[c.bidder_org_id] for c in report.candidates]
        self.bid_ids = [c.bid_id for c in report.candidates]
        return report

    # --- certificates ----------------------------------------------------------------------------------------------

    def signer(self, org: Org, *, suite: str | None = None) -> Signer:
        """The organisation's signing certificate of the suite from the chain's first test CA (made once per world)."""
        suite = suite or self.suite
        if (org.org_id, suite) not in self._signers:
            issued = self.ev.world.pki.cas[suite][0].issue(
                subject=f"CN=经办人,O={org.name},C=CN", usage="sign", credit_code=org.credit_code
            )
            assert issued.private_key_pem is not None
            self._signers[org.org_id, suite] = Signer(issued.certificate_pem, pem_blocks(issued.private_key_pem)[0][1])
        return self._signers[org.org_id, suite]

    # --- reading ---------------------------------------------------------------------------------------------------

    def inbox(self, actor: Actor) -> list[tuple[str, str]]:
        with self.container.engine.connect() as conn:
            return [(item.subject, item.body) for item in list_inbox(conn, actor.user_id, limit=200)]

    def outbox(self, message_type: str) -> list[dict]:
        with self.container.engine.connect() as conn:
            return pending_messages(conn, message_type=message_type)

    def audit(self, action: str) -> list[tuple[str, str | None]]:
        query = (
            select(audit_entries.c.outcome, audit_entries.c.reason)
            .where(audit_entries.c.action == action)
            .order_by(audit_entries.c.id)
        )
        with self.container.engine.connect() as conn:
            return [(row.outcome, row.reason) for row in conn.execute(query)]

    def read(self, fn, *args: Any) -> Any:  # type: ignore[no-untyped-def]
        with self.container.engine.connect() as conn:
            return fn(conn, *args)


class Steps:
    """The award use cases, with valid input unless told otherwise."""

    def __init__(self, world: AwardWorld) -> None:
        self.w = world

    def publish(self, *, days: int = 5, **changes: Any) -> Any:
        from zhaocai.award.model import CandidateInput
        from zhaocai.award.publicity import do_publish_publicity

        w = self.w
        assert w.report is not None
        arguments: dict[str, Any] = {
            "ends_at": w.clock.now() + timedelta(days=days),
            "evaluation_summary": "评标委员会由5人组成，采用综合评估法，3家投标人均通过初步评审。",
            "objection_channel": "在公示期内通过交易平台“异议”功能提出，或书面递交招标人。",
            "candidates": [
                CandidateInput(bid_id=c.bid_id, qualifications="建筑工程施工总承包二级") for c in w.report.candidates
            ],
        } | changes
        return do_publish_publicity(uow=w.uow(), actor=w.tenderer.actor, lot_id=w.lot, **arguments)

    def after_publicity(self) -> None:
        self.w.clock.advance(days=6)

    def decide(self, bid_rank: int = 1, passed_over: Any = None) -> str:
        from zhaocai.award.decision import do_decide_award

        w = self.w
        return do_decide_award(
            uow=w.uow(), actor=w.tenderer.actor, lot_id=w.lot, bid_id=w.bid_ids[bid_rank - 1], passed_over=passed_over
        )

    def issue_notices(self) -> list[str]:
        from zhaocai.award.notices import do_issue_notices

        w = self.w
        return do_issue_notices(uow=w.uow(), actor=w.tenderer.actor, lot_id=w.lot, env=w.env)

    def pdf(self, notice_id: str) -> bytes:
        from zhaocai.award.repository import get_notice

        w = self.w
        notice = w.read(get_notice, notice_id)
        with w.container.blobs.open(notice.pdf_key) as handle:
            return handle.read()

    def blob(self, key: str) -> bytes:
        with self.w.container.blobs.open(key) as handle:
            return handle.read()

    def sign_notice(self, notice_id: str, signer: Signer | None = None, data: bytes | None = None) -> None:
        from zhaocai.award.notices import do_sign_notice

        w = self.w
        signer = signer or w.signer(w.tenderer)
        do_sign_notice(
            uow=w.uow(),
            actor=w.tenderer.actor,
            notice_id=notice_id,
            certificate=signer.certificate_pem,
            signature=signer.sign(data if data is not None else self.pdf(notice_id)),
            env=w.env,
        )

    def notify(self) -> list[str]:
        ids = self.issue_notices()
        signer = self.w.signer(self.w.tenderer)
        for notice_id in ids:
            self.sign_notice(notice_id, signer)
        return ids

    def draft(self, **changes: Any) -> str:
        from zhaocai.award.contract import do_draft_contract
        from zhaocai.award.model import ContractTerms

        w = self.w
        assert w.report is not None
        winner = next(c for c in w.report.candidates if c.bid_id in self.winner_bid())
        terms = ContractTerms(
            price=winner.bid_price,
            performance_bond=(winner.bid_price / 10).quantize(Decimal("0.01")),
            duration_days=winner.duration_days,
            quality=winner.quality,
            project_manager=winner.project_manager,
            clauses="通用条款按《建设工程施工合同（示范文本）》；专用条款见招标文件第四章。",
        )
        return do_draft_contract(uow=w.uow(), actor=w.tenderer.actor, lot_id=w.lot, terms=replace(terms, **changes))

    def winner_bid(self) -> tuple[str, ...]:
        from zhaocai.award.queries import award_outcome

        outcome = self.w.read(award_outcome, self.w.lot)
        return (outcome.winner_bid_id,) if outcome else ()

    def contract_document(self, contract_id: str) -> bytes:
        from zhaocai.award.repository import get_contract

        return self.w.read(get_contract, contract_id).document

    def sign_contract(self, contract_id: str, org: Org, signer: Signer | None = None) -> str:
        from zhaocai.award.contract import do_sign_contract

        w = self.w
        signer = signer or w.signer(org)
        return do_sign_contract(
            uow=w.uow(),
            actor=org.actor,
            contract_id=contract_id,
            certificate=signer.certificate_pem,
            signature=signer.sign(self.contract_document(contract_id)),
            env=w.env,
        )
