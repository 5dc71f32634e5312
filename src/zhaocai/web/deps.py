"""FastAPI dependencies shared by every router: the container, a unit of work, the client address.

They do no I/O, so they are coroutines: FastAPI runs a plain function dependency in a worker thread, a hop to
another thread and back for every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.bootstrap import Container
from zhaocai.web.client_ip import client_ip


async def get_container(request: Request) -> Container:
    return request.app.state.container


async def get_uow(container: Annotated[Container, Depends(get_container)]) -> UnitOfWork:
    return container.uow()


async def get_client_ip(request: Request, container: Annotated[Container, Depends(get_container)]) -> str | None:
    peer = request.client.host if request.client else None
    return client_ip(peer, request.headers.get("x-forwarded-for"), container.trusted_proxies)


ContainerDep = Annotated[Container, Depends(get_container)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ClientIpDep = Annotated[str | None, Depends(get_client_ip)]
