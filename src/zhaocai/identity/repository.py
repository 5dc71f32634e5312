"""Reading and writing identity rows (SQLAlchemy Core) and mapping them to the pure model."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, delete, func, insert, select, update

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


# Built once: these run on every authenticated request and twice in every bid.
_ORGANISATION_BY_ID = select(organisations).where(organisations.c.id == bindparam("org_id"))


def get_organisation(conn: Connection, org_id: str) -> Organisation | None:
    row = conn.execute(_ORGANISATION_BY_ID, {"org_id": org_id}).first()
    return _org_from_row(row) if row else None


def find_organisation_by_credit_code(conn: Connection, credit_code: str) -> Organisation | None:
    row = conn.execute(select(organisations).where(organisations.c.credit_code == credit_code)).first()
    return _org_from_row(row) if row else None


# --- users -------------------------------------------------------------------------------------------------------


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


def _with_roles(query: Select) -> Select:
    """`query` over users, one row per (user, role) — one statement for users and their roles."""
    return query.add_columns(user_roles.c.role).outerjoin(user_roles, user_roles.c.user_id == users.c.id)


def _user_from_rows(rows: list[Any]) -> User:
    """One user from its rows of a `_with_roles` query (one per role, or one with no role)."""
    return _user_from_row(rows[0], frozenset(Role(row.role) for row in rows if row.role is not None))


def _users(conn: Connection, query: Select, parameters: dict[str, Any] | None = None) -> list[User]:
    rows: dict[str, list[Any]] = {}  # user id -> its rows, in the query's order
    for row in conn.execute(query, parameters or {}):
        rows.setdefault(row.id, []).append(row)
    return [_user_from_rows(found) for found in rows.values()]


_USER_BY_ID = _with_roles(select(users).where(users.c.id == bindparam("user_id")))


def get_user(conn: Connection, user_id: str) -> User | None:
    found = _users(conn, _USER_BY_ID, {"user_id": user_id})
    return found[0] if found else None


def find_user_by_username(conn: Connection, username: str) -> User | None:
    found = _users(conn, _with_roles(select(users).where(users.c.username == username.strip().lower())))
    return found[0] if found else None


def find_users_by_email(conn: Connection, email: str) -> list[User]:
    return _users(conn, _with_roles(select(users).where(func.lower(users.c.email) == email.strip().lower())))


def list_users(conn: Connection) -> list[User]:
    return _users(conn, _with_roles(select(users)).order_by(users.c.username, user_roles.c.role))


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


@cache
def _by_token_hash(table: Table) -> Select:
    return select(table).where(table.c.token_hash == bindparam("token_hash"))


def find_by_token_hash(conn: Connection, table: Table, token_hash: str) -> Any | None:
    return conn.execute(_by_token_hash(table), {"token_hash": token_hash}).mappings().first()


_TOKEN_COLUMN = "token_{}"  # noqa: S105 - a column label, not a secret


@cache
def _holder_by_token_hash(table: Table) -> Select:
    token_columns = [column.label(_TOKEN_COLUMN.format(column.name)) for column in table.c]
    query = select(users, *token_columns).join(table, table.c.user_id == users.c.id)
    return _with_roles(query.where(table.c.token_hash == bindparam("token_hash")))


def find_token_holder(conn: Connection, table: Table, token_hash: str) -> tuple[dict[str, Any], User] | None:
    """The row of a session or API token (by its hash) and the user holding it, in one statement: it runs for every
    authenticated request."""
    rows = conn.execute(_holder_by_token_hash(table), {"token_hash": token_hash}).all()
    if not rows:
        return None
    token = {column.name: rows[0]._mapping[_TOKEN_COLUMN.format(column.name)] for column in table.c}
    return token, _user_from_rows(rows)


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
