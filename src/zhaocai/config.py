"""Settings from ZHAOCAI_* environment variables and an optional TOML file (ZHAOCAI_CONFIG_FILE)."""

from __future__ import annotations

import ipaddress
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

Role = Literal["trading", "hub", "supervision"]
SuiteName = Literal["gm", "std"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHAOCAI_", env_nested_delimiter="__", extra="forbid")

    # where things live
    data_dir: Path = Path("var")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir")
    database_pool_size: int = Field(40, ge=1, description="PostgreSQL connections each process keeps open")
    database_pool_overflow: int = Field(10, ge=0, description="PostgreSQL connections opened beyond the pool at a peak")
    blob_backend: Literal["local", "s3"] = "local"
    blob_dir: Path | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str = "zhaocai"
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None

    # who this platform is
    role: Role = "trading"
    platform_code: str = Field("ZC0000000001", pattern=r"^[0-9A-Z]{6,32}$")
    platform_name: str = "招采演示交易平台"
    public_url: str = "http://127.0.0.1:8000"
    crypto_suite: SuiteName = "gm"

    # keys: stored encrypted at rest, unlocked by a passphrase (env or file), never in the repo
    keys_dir: Path | None = None
    key_passphrase: SecretStr | None = None
    key_passphrase_file: Path | None = None
    trust_dir: Path | None = Field(None, description="CA roots and CRLs trusted for certificate login and bids")

    # web
    trusted_proxies: list[str] = Field(default_factory=list, description="peers whose X-Forwarded-For is believed")
    session_ttl_minutes: int = Field(30, ge=1)
    login_max_failures: int = Field(5, ge=1)
    lockout_minutes: int = Field(15, ge=1)
    api_token_ttl_days: int = Field(90, ge=1)

    # mail
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "noreply@zhaocai.invalid"
    smtp_starttls: bool = False

    # time
    clock_mode: Literal["real", "accelerated"] = "real"
    clock_factor: float = Field(1.0, gt=0)
    clock_start: datetime | None = Field(None, description="accelerated clock: the moment it starts from (default now)")

    # bonds: 银行同期存款利息 paid with bid bonds after the contract (条例57); default: the PBOC demand-deposit rate
    bond_deposit_interest_rate: Decimal = Field(Decimal("0.0035"), ge=0, le=1, description="annual rate, e.g. 0.0035")

    # audit log
    audit_batch_size: int = Field(1000, ge=1)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_file = os.environ.get("ZHAOCAI_CONFIG_FILE")
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'zhaocai.db').resolve()}"

    @property
    def effective_blob_dir(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"

    @property
    def effective_keys_dir(self) -> Path:
        return self.keys_dir or self.data_dir / "keys"

    @property
    def effective_trust_dir(self) -> Path:
        return self.trust_dir or self.data_dir / "trust"

    def passphrase(self) -> bytes | None:
        if self.key_passphrase is not None:
            return self.key_passphrase.get_secret_value().encode()
        if self.key_passphrase_file is not None:
            return self.key_passphrase_file.read_bytes().strip()
        return None
