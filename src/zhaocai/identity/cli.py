"""`zhaocai users ...`: bootstrap administrators, list accounts, verify a market subject, set a password.

Each command acts as the platform itself (the system actor, auth method "cli"), through the same audited use cases
as the API.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from zhaocai.bootstrap import Container, build
from zhaocai.core.actor import Actor
from zhaocai.core.errors import DomainError
from zhaocai.identity import repository
from zhaocai.identity.access import SYSTEM_ROLE
from zhaocai.identity.env import identity_env
from zhaocai.identity.model import ADMIN_TRIAD, Role
from zhaocai.identity.organisations import do_verify_organisation
from zhaocai.identity.users import do_create_user, do_set_password

app = typer.Typer(help="Users, roles and market subjects", no_args_is_help=True)
console = Console()
CLI_ACTOR = Actor(roles=frozenset({SYSTEM_ROLE}), auth_method="cli")
ADMIN_ROLES = sorted(ADMIN_TRIAD | {Role.PLATFORM_OPERATOR})


def _container() -> Container:
    return build()


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise typer.BadParameter("no password on standard input", param_hint="--password-stdin")
    return password


def _fail(error: DomainError) -> None:
    field = f" ({error.field})" if error.field else ""
    console.print(f"[red]refused[/red]{field}: {error.message}")
    raise typer.Exit(code=1)


@app.command("create-admin")
def create_admin(
    username: str = typer.Argument(..., help="login name"),
    role: str = typer.Option(..., "--role", help=" | ".join(ADMIN_ROLES)),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from standard input"),
    display_name: str | None = typer.Option(None, "--display-name"),
    email: str = typer.Option("admin@localhost.localdomain", "--email"),
) -> None:
    """Create a platform administrator with its second factor (TOTP); prints the authenticator secret once."""
    if role not in ADMIN_ROLES:
        raise typer.BadParameter(f"choose one of {', '.join(ADMIN_ROLES)}", param_hint="--role")
    if not password_stdin:
        raise typer.BadParameter("give the password on standard input with --password-stdin")
    container = _container()
    try:
        created = do_create_user(
            uow=container.uow(),
            actor=CLI_ACTOR,
            env=identity_env(container),
            org_id=None,
            username=username,
            display_name=display_name or username,
            email=email,
            roles=frozenset({role}),
            password=_read_password(),
        )
    except DomainError as error:
        _fail(error)
        return
    console.print(f"[green]created[/green] {username} ({role}), user id {created.user_id}")
    console.print("Second factor — add to an authenticator app now; it is not shown again:")
    console.print(f"  secret: {created.totp_secret}")
    console.print(f"  URI:    {created.totp_uri}")


@app.command("list")
def list_users() -> None:
    """Every account: username, organisation, roles, status, lockout."""
    container = _container()
    now = container.clock.now()
    with container.uow() as uow:
        users = repository.list_users(uow.conn)
    table = Table("username", "display name", "organisation", "roles", "status", "2FA")
    for user in users:
        status = "locked" if user.is_locked(now) else user.status.value
        table.add_row(
            user.username,
            user.display_name,
            user.org_id or "(platform staff)",
            ", ".join(sorted(user.roles)) or "-",
            status,
            "yes" if user.totp_enabled else "no",
        )
    console.print(table)


@app.command("verify-org")
def verify_org(credit_code: str = typer.Argument(..., help="统一社会信用代码")) -> None:
    """Verify a pending market subject, as the platform itself."""
    container = _container()
    with container.uow() as uow:
        org = repository.find_organisation_by_credit_code(uow.conn, credit_code.strip().upper())
    if org is None:
        console.print(f"[red]no organisation with 统一社会信用代码 {credit_code}[/red]")
        raise typer.Exit(code=1)
    try:
        do_verify_organisation(uow=container.uow(), actor=CLI_ACTOR, org_id=org.id, note="verified from the CLI")
    except DomainError as error:
        _fail(error)
    console.print(f"[green]verified[/green] {org.name} ({org.credit_code})")


@app.command("set-password")
def set_password(
    username: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from standard input"),
) -> None:
    """Set a user's password (also lifts a lockout and ends the user's sessions)."""
    if not password_stdin:
        raise typer.BadParameter("give the password on standard input with --password-stdin")
    container = _container()
    with container.uow() as uow:
        user = repository.find_user_by_username(uow.conn, username)
    if user is None:
        console.print(f"[red]no user {username}[/red]")
        raise typer.Exit(code=1)
    try:
        do_set_password(
            uow=container.uow(),
            actor=CLI_ACTOR,
            env=identity_env(container),
            user_id=user.id,
            new_password=_read_password(),
        )
    except DomainError as error:
        _fail(error)
    console.print(f"[green]password set[/green] for {user.username}")
