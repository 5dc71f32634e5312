"""Composition root: the only place that picks adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine

from zhaocai.adapters.blob.factory import blob_store_from_settings
from zhaocai.adapters.blob.port import BlobStore
from zhaocai.adapters.db.engine import make_engine
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.config import Settings
from zhaocai.core.clock import AcceleratedClock, Clock, RealClock
from zhaocai.core.errors import DomainError
from zhaocai.crypto.keyring import Keyring
from zhaocai.notifications.factory import email_sender_from_settings
from zhaocai.notifications.ports import EmailSender
from zhaocai.web.client_ip import Network, parse_networks


class KeysLocked(DomainError):
    status = 503
    code = "keys_locked"


def make_clock(settings: Settings) -> Clock:
    if settings.clock_mode == "accelerated":
        return AcceleratedClock(settings.clock_factor, settings.clock_start)
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

    @cached_property
    def keyring(self) -> Keyring:
        """The platform's signing keys, unlocked on first use (the passphrase never lives in the repository)."""
        passphrase = self.settings.passphrase()
        if passphrase is None:
            raise KeysLocked(
                "the platform's keys are locked: set ZHAOCAI_KEY_PASSPHRASE or ZHAOCAI_KEY_PASSPHRASE_FILE",
                field="key_passphrase",
            )
        return Keyring.open(self.settings.effective_keys_dir, passphrase, clock=self.clock)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock, email_sender=self.email_sender, read_only=read_only)


def build(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    settings = settings or Settings()
    return Container(
        settings=settings,
        clock=clock or make_clock(settings),
        engine=make_engine(
            settings.effective_database_url,
            pool_size=settings.database_pool_size,
            pool_overflow=settings.database_pool_overflow,
        ),
        blobs=blob_store_from_settings(settings),
        email_sender=email_sender_from_settings(settings),
        trusted_proxies=parse_networks(settings.trusted_proxies),
    )
