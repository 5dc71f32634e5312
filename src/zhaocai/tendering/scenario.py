"""A tender opened for bids through the real use cases: for other domains' tests (bids, bonds) and the demo.

`open_tender` registers a project and a works tender with `lots` lots (each bond at the 2% limit of its estimate,
条例26), publishes a valid notice (10号令5) and issues the documents, all at `container.clock.now()` (a FixedClock in
tests). The bid deadline is `now + deadline_in`, moved later if the rules ask for more (法24's 20 days from issue,
rolled past a weekend or holiday); the sale period is the shortest the rules allow (条例16).

With `prequalification=True` the tender stops in `prequalification`: the prequalification documents are out and
applications are due at the returned `bid_deadline`. Advance the clock past it, then `complete_prequalification`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from zhaocai.core.actor import SYSTEM, Actor
from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.identity.env import identity_env
from zhaocai.identity.model import OrganisationDraft, OrgKind
from zhaocai.identity.organisations import do_register_organisation, do_verify_organisation
from zhaocai.identity.repository import get_user
from zhaocai.identity.sessions import actor_for
from zhaocai.rules import packaged_rules
from zhaocai.rules.periods import local
from zhaocai.rules.table import local_day
from zhaocai.tendering.documents import DocumentFile, do_issue_documents, store_document
from zhaocai.tendering.model import (
    ApprovalKind,
    ApprovalRecord,
    Contact,
    Funding,
    Notice,
    Stage,
    TenderProject,
    book_for,
    earliest_schedule,
)
from zhaocai.tendering.notices import do_publish_notice
from zhaocai.tendering.prequalification import do_publish_prequal_result
from zhaocai.tendering.projects import do_register_project
from zhaocai.tendering.queries import load_aggregate, tender_lot_ids
from zhaocai.tendering.tenders import LotSpec, do_create_tender

LOT_ESTIMATE = Decimal("10000000.00")
LOT_BOND = Decimal("200000.00")  # 2% of the estimate: the limit (条例26)


@dataclass(frozen=True)
class OpenedTender:
    tender_id: str
    lot_ids: tuple[str, ...]
    bid_deadline: datetime  # with prequalification: when applications are due
    documents_issued_at: datetime


def open_tender(
    container,
    *,
    tenderer_actor: Actor,
    lots: int = 1,
    suite: str = "gm",
    two_envelope: bool = False,
    backup_key_remedy: bool = False,
    prequalification: bool = False,
    method: str = "open",
    invitees: tuple[str, ...] = (),
    deadline_in: timedelta = timedelta(days=21),
) -> OpenedTender:
    now = container.clock.now()
    project_id = do_register_project(
        uow=container.uow(),
        actor=tenderer_actor,
        code=project_code(now),
        name="演示新校区建设项目",
        approval=ApprovalRecord(ApprovalKind.APPROVED, "某市发展和改革委员会", "某发改投资〔2026〕1号", local_day(now)),
        funding=Funding(
            total_investment=Decimal("50000000.00"), budget_funds=Decimal("10000000.00"), state_funded=True
        ),
    )
    created = do_create_tender(
        uow=container.uow(),
        actor=tenderer_actor,
        project_id=project_id,
        name="新校区教学楼施工",
        kind="works",
        method=method,
        organisation="self_run",
        estimate=LOT_ESTIMATE * lots,
        lots=[LotSpec(f"第{seq}标段", LOT_ESTIMATE, LOT_BOND) for seq in range(1, lots + 1)],
        suite=suite,
        two_envelope=two_envelope,
        prequalification=prequalification,
        backup_key_remedy=backup_key_remedy,
        invitees=invitees,
    )
    draft = _tender(container, created.tender_id)
    stage = Stage.PREQUALIFICATION if prequalification else Stage.TENDER
    sale_ends_at, deadline = schedule(draft, now, stage, deadline_in)
    do_publish_notice(
        uow=container.uow(),
        actor=tenderer_actor,
        tender_id=created.tender_id,
        notice=demo_notice(draft, now, sale_ends_at, deadline, platform_url=container.settings.public_url),
    )
    issued = do_issue_documents(
        uow=container.uow(),
        actor=tenderer_actor,
        tender_id=created.tender_id,
        files=[_document(container, draft, stage)],
        sale_ends_at=sale_ends_at,
        deadline=deadline,
    )
    return OpenedTender(created.tender_id, created.lot_ids, deadline, issued.last_event_at or now)


def complete_prequalification(
    container,
    *,
    tenderer_actor: Actor,
    tender_id: str,
    qualified_org_ids: tuple[str, ...],
    deadline_in: timedelta = timedelta(days=21),
) -> OpenedTender:
    """Publish the prequalification result (after applications were due) and issue the tender documents."""
    now = container.clock.now()
    do_publish_prequal_result(
        uow=container.uow(), actor=tenderer_actor, tender_id=tender_id, qualified_org_ids=tuple(qualified_org_ids)
    )
    tender = _tender(container, tender_id)
    sale_ends_at, deadline = schedule(tender, now, Stage.TENDER, deadline_in)
    issued = do_issue_documents(
        uow=container.uow(),
        actor=tenderer_actor,
        tender_id=tender_id,
        files=[_document(container, tender, Stage.TENDER)],
        sale_ends_at=sale_ends_at,
        deadline=deadline,
    )
    with container.engine.connect() as conn:
        lot_ids = tuple(tender_lot_ids(conn, tender_id))
    return OpenedTender(tender_id, lot_ids, deadline, issued.last_event_at or now)


def market_subject(
    container,
    *,
    kind: str,
    username: str,
    name: str | None = None,
    legal_representative: str = "王五",
    password: str = "Correct-Horse-7",  # noqa: S107 - a demo and test account
) -> Actor:
    """A verified market subject of `kind` (tenderer | agent | bidder) registered through the identity use cases;
    returns the actor of its administrator user (who holds the kind's role)."""

    body = f"{secrets.randbelow(10**8):08d}"
    registered = do_register_organisation(
        uow=container.uow(),
        actor=Actor(ip="127.0.0.1", auth_method="anonymous"),
        env=identity_env(container),
        draft=OrganisationDraft(
            name=name or f"{username} 有限公司",
            credit_code=make_credit_code(f"91110108{body}{organization_check_digit(body)}"),
            legal_representative=legal_representative,
            contact_name="李四",
            contact_phone="13800138000",
            contact_email=f"{username}@example.com",
            region_code="110108",
            kinds=frozenset({OrgKind(kind)}),
        ),
        username=username,
        display_name=username,
        email=f"{username}@example.com",
        phone=None,
        password=password,
    )
    do_verify_organisation(uow=container.uow(), actor=SYSTEM, org_id=registered.org_id)
    with container.engine.connect() as conn:
        user = get_user(conn, registered.user_id)
    assert user is not None
    return actor_for(user, ip="127.0.0.1", auth_method="password")


def demo_notice(
    tender: TenderProject, now: datetime, sale_ends_at: datetime, deadline: datetime, *, platform_url: str
) -> Notice:
    """A notice stating everything 10号令5 asks for."""
    contact = Contact(organisation="某市第一中学", address="某市人民路1号", person="张三", phone="0311-12345678")
    return Notice(
        kind=tender.notice_kind,
        tender_number=tender.number,
        tender_name=tender.name,
        content="教学楼及附属工程施工",
        scope="施工图范围内的全部工程",
        scale="建筑面积约2万平方米",
        funding_source="财政资金",
        qualifications="建筑工程施工总承包二级及以上资质",
        consortium_allowed=True,
        documents_from=now,
        documents_until=sale_ends_at,
        documents_how="在交易平台免费下载",
        submission_deadline=deadline,
        submission_how="使用投标工具加密后在交易平台提交",
        tenderer=contact,
        agent=contact if tender.agent_org_id else None,
        platform_url=platform_url,
        platform_usage="注册并经核验后，使用数字证书登录下载文件、提交投标文件",
    )


def schedule(tender: TenderProject, now: datetime, stage: Stage, deadline_in: timedelta) -> tuple[datetime, datetime]:
    book = book_for(tender, packaged_rules(), at=now)
    sale_ends_at, earliest = earliest_schedule(now, stage, book)
    return sale_ends_at, max(local(now + deadline_in), earliest)


def _tender(container, tender_id: str) -> TenderProject:
    with container.engine.connect() as conn:
        return load_aggregate(conn, tender_id)


def _document(container, tender: TenderProject, stage: Stage) -> DocumentFile:
    name = "资格预审文件.txt" if stage is Stage.PREQUALIFICATION else "招标文件.txt"
    text = f"{tender.number} {tender.name}: {name}\n评标办法: 综合评估法\n".encode()
    return store_document(container.blobs, filename=name, media_type="text/plain", source=[text])


def project_code(now: datetime) -> str:
    """A fresh, well-formed 投资项目代码 of this month (the check character is not verified, see core.codes)."""
    day = local(now)
    return f"{day:%y%m}-110108-89-01-{secrets.randbelow(100000):05d}{secrets.randbelow(10)}"
