"""Endpoints every platform serves: health and identity of the platform."""

from __future__ import annotations

from fastapi import APIRouter

from zhaocai.web.deps import ContainerDep

router = APIRouter(tags=["platform"])


@router.get("/api/v1/health")
def health(container: ContainerDep) -> dict[str, str]:
    settings = container.settings
    return {
        "status": "ok",
        "role": settings.role,
        "platform_code": settings.platform_code,
        "suite": settings.crypto_suite,
    }
