"""Reading and writing identity rows (SQLAlchemy Core) and mapping them to the pure model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from zhaocai.adapters.db.tables.identity import certificates, organisations, sessions, user_roles, users
from zhaocai.identity.model import Organisation, OrgKind, OrgStatus, Role, User, UserStatus

_KIND_COLUMNS = {OrgKind.TENDERER: "is_tenderer", OrgKind.AGENT: "is_agent", OrgKind.BIDDER: "is_bidder"}

# --- organisations ---------------------------------------------------------------------------------------------


def _org_from_row(row: Any) -> Organisation:
    m = row._mapping
    return Organisation(
        id=m["id"],
        name=m["name"],
        credit_code=m["credit_code"],
        legal_representative=m["legal_representative"],
        contact_name=m["contact_name"],
        contact_phone=m["contact_phone"],
        contact_email=m["contact_email"],
        region_code=m["region_code"],
        kinds=frozenset(kind for kind, column in _KIND_COLUMNS.items() if m[column]),
        status=OrgStatus(m["status"]),
        registered_at=m["registered_at"],
        status_reason=m["status_reason"],
        decided_at=m["decided_at"],
        decided_by=m["decided_by"],
    )


def _org_values(org: Organisation) -> dict[str, Any]:
    values = asdict(org)
    kinds = values.pop("kinds")
    values["status"] = org.status.value
    for kind, column in _KIND_COLUMNS.items():
        values[column] = kind in kinds
    return values


def insert_organisation(conn: Connection, org: Organisation) -> None:
    conn.execute(insert(organisations).values(**_org_values(org)))


def save_organisation_status(conn: Connection, org: Organisation) -> None:
    conn.execute(
        update(organisations)
        .where(organisations.c.id == org.id)
        .values(
            status=org.status.value,
            status_reason=org.status_reason,
            decided_at=org.decided_at,
            decided_by=org.decided_by,
        )
    )


def get_organisation(conn: Connection, org_id: str) -> Organisation | None:
    row = conn.execute(select(organisations).where(organisations.c.id == org_id)).first()
    return _org_from_row(row) if row else None


def find_organisation_by_credit_code(conn: Connection, credit_code: str) -> Organisation | None:
    row = conn.execute(select(organisations).where(organisations.c.credit_code == credit_code)).first()
    return _org_from_row(row) if row else None


# --- users -------------------------------------------------------------------------------------------------------


def _roles_of(conn: Connection, user_ids: Iterable[str]) -> dict[str, frozenset[Role]]:
    ids = list(user_ids)
    found: dict[str, set[Role]] = {user_id: set() for user_id in ids}
    if ids:
        rows = conn.execute(select(user_roles.c.user_id, user_roles.c.role).where(user_roles.c.user_id.in_(ids)))
        for user_id, role in rows:
            found[user_id].add(Role(role))
    return {user_id: frozenset(roles) for user_id, roles in found.items()}


def _user_from_row(row: Any, roles: frozenset[Role]) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        org_id=m["org_id"],
        username=m["username"],
        display_name=m["display_name"],
        email=m["email"],
        phone=m["phone"],
        roles=roles,
        status=UserStatus(m["status"]),
        created_at=m["created_at"],
        org_admin=m["org_admin"],
        password_hash=m["password_hash"],
        failed_logins=m["failed_logins"],
        locked_until=m["locked_until"],
        totp_secret=m["totp_secret"],
        totp_enabled=m["totp_enabled"],
        totp_last_step=m["totp_last_step"],
        password_changed_at=m["password_changed_at"],
    )


def _users(conn: Connection, query: Any) -> list[User]:
    rows = conn.execute(query).all()
    roles = _roles_of(conn, (row.id for row in rows))
    return [_user_from_row(row, roles[row.id]) for row in rows]


def get_user(conn: Connection, user_id: str) -> User | None:
    found = _users(conn, select(users).where(users.c.id == user_id))
    return found[0] if found else None


def find_user_by_username(conn: Connection, username: str) -> User | None:
    found = _users(conn, select(users).where(users.c.username == username.strip().lower()))
    return found[0] if found else None


def find_users_by_email(conn: Connection, email: str) -> list[User]:
    return _users(conn, select(users).where(func.lower(users.c.email) == email.strip().lower()))


def list_users(conn: Connection) -> list[User]:
    return _users(conn, select(users).order_by(users.c.username))


def insert_user(conn: Connection, user: User, *, granted_by: str | None) -> None:
    values = asdict(user)
    values.pop("roles")
    values["status"] = user.status.value
    conn.execute(insert(users).values(**values))
    for role in sorted(user.roles):
        add_role(conn, user.id, role, at=user.created_at, by=granted_by)


_MUTABLE_USER_FIELDS = (
    "status",
    "org_admin",
    "password_hash",
    "password_changed_at",
    "failed_logins",
    "locked_until",
    "totp_secret",
    "totp_enabled",
    "totp_last_step",
)


def save_user(conn: Connection, user: User) -> None:
    """Write the user's mutable fields (not roles: those change through add_role / remove_role)."""
    values = {name: getattr(user, name) for name in _MUTABLE_USER_FIELDS}
    values["status"] = user.status.value
    conn.execute(update(users).where(users.c.id == user.id).values(**values))


def add_role(conn: Connection, user_id: str, role: Role, *, at: datetime, by: str | None) -> None:
    conn.execute(insert(user_roles).values(user_id=user_id, role=role.value, granted_at=at, granted_by=by))


def remove_role(conn: Connection, user_id: str, role: Role) -> None:
    conn.execute(delete(user_roles).where(user_roles.c.user_id == user_id, user_roles.c.role == role.value))


# --- sessions, tokens, resets, challenges ------------------------------------------------------------------------


def insert_row(conn: Connection, table: Any, **values: Any) -> None:
    conn.execute(insert(table).values(**values))


def find_by_token_hash(conn: Connection, table: Any, token_hash: str) -> Any | None:
    return conn.execute(select(table).where(table.c.token_hash == token_hash)).mappings().first()


def get_row(conn: Connection, table: Any, row_id: str) -> Any | None:
    return conn.execute(select(table).where(table.c.id == row_id)).mappings().first()


def update_row(conn: Connection, table: Any, row_id: str, **values: Any) -> None:
    conn.execute(update(table).where(table.c.id == row_id).values(**values))


def end_user_sessions(conn: Connection, user_id: str, at: datetime) -> None:
    conn.execute(
        update(sessions).where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None)).values(ended_at=at)
    )


def find_certificate_by_fingerprint(conn: Connection, fingerprint: str) -> Any | None:
    return conn.execute(select(certificates).where(certificates.c.fingerprint_sha256 == fingerprint)).mappings().first()
