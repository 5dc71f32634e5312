"""The trading platform's routers. Nothing domain-specific lives here; each router belongs to its domain."""

from __future__ import annotations

from fastapi import APIRouter

from zhaocai.archive.api import router as archive_router
from zhaocai.audit.api import router as audit_router
from zhaocai.award.api import router as award_router
from zhaocai.bidding.api import router as bidding_router
from zhaocai.bonds.api import router as bonds_router
from zhaocai.credit.api import router as credit_router
from zhaocai.evaluation.api import router as evaluation_router
from zhaocai.experts.api import router as experts_router
from zhaocai.identity.api import router as identity_router
from zhaocai.opening.api import router as opening_router
from zhaocai.tendering.api import router as tendering_router
from zhaocai.web.meta_api import router as meta_router


def routers() -> list[APIRouter]:
    return [
        meta_router,
        audit_router,
        identity_router,
        bidding_router,
        tendering_router,
        bonds_router,
        credit_router,
        archive_router,
        opening_router,
        experts_router,
        evaluation_router,
        award_router,
    ]
