"""Composition root: the only place that picks adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from zhaocai.adapters.blob.factory import blob_store_from_settings
from zhaocai.adapters.blob.port import BlobStore
from zhaocai.adapters.db.engine import make_engine
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.config import Settings
from zhaocai.core.clock import AcceleratedClock, Clock, RealClock
from zhaocai.notifications.factory import email_sender_from_settings
from zhaocai.notifications.ports import EmailSender
from zhaocai.web.client_ip import Network, parse_networks


def make_clock(settings: Settings) -> Clock:
    if settings.clock_mode == "accelerated":
        return AcceleratedClock(settings.clock_factor)
    return RealClock()


@dataclass
class Container:
    settings: Settings
    clock: Clock
    engine: Engine
    blobs: BlobStore
    email_sender: EmailSender
    trusted_proxies: list[Network] = field(default_factory=list)
    extras: dict[str, object] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock, email_sender=self.email_sender)


def build(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    settings = settings or Settings()
    return Container(
        settings=settings,
        clock=clock or make_clock(settings),
        engine=make_engine(settings.effective_database_url),
        blobs=blob_store_from_settings(settings),
        email_sender=email_sender_from_settings(settings),
        trusted_proxies=parse_networks(settings.trusted_proxies),
    )
