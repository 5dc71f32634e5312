"""Who is acting, from where: every use case receives one and writes it into the audit entry."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Actor:
    user_id: str | None = None
    org_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    ip: str | None = None
    cert_serial: str | None = None
    auth_method: str | None = None  # password | certificate | api_token | session | cli | system
    payload_hash: str | None = None  # hash of the raw request body, set by the web layer

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def with_payload_hash(self, payload_hash: str) -> Actor:
        return replace(self, payload_hash=payload_hash)


ANONYMOUS = Actor(auth_method="anonymous")
SYSTEM = Actor(user_id=None, roles=frozenset({"system"}), auth_method="system")
