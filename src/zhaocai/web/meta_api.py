"""Endpoints every platform serves: health, and the platform's public keys at a well-known URL."""

from __future__ import annotations

from typing import Any

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


@router.get("/.well-known/zhaocai-keys.json")
def public_keys(container: ContainerDep) -> dict[str, Any]:
    """Every signing key the platform has held (retired ones too, so old signatures and checkpoints still verify)."""
    settings = container.settings
    return {
        "platform_code": settings.platform_code,
        "platform_name": settings.platform_name,
        "keys": container.keyring.public_keys(),
    }
