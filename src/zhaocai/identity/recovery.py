"""Password reset by a one-time link: the request never says whether the account exists; the token is stored
hashed, works once, and expires after `reset_token_minutes`. The link is e-mailed after the request commits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from zhaocai.adapters.db.tables.identity import password_resets
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.errors import NotAuthenticated
from zhaocai.core.ids import new_id, new_token
from zhaocai.identity import repository
from zhaocai.identity.env import IdentityEnv
from zhaocai.identity.model import User, UserStatus, check_password, is_expired, token_digest
from zhaocai.identity.passwords import hash_password
from zhaocai.notifications.service import queue_notification
from zhaocai.usecase import use_case

RESET_PATH = "/password-reset"


def _accounts_for(uow: UnitOfWork, login: str) -> list[User]:
    login = (login or "").strip()
    if "@" in login:
        found = repository.find_users_by_email(uow.conn, login)
    else:
        user = repository.find_user_by_username(uow.conn, login)
        found = [user] if user else []
    return [user for user in found if user.status is UserStatus.ACTIVE]


@use_case("identity.request_password_reset", object_type="user")
def do_request_password_reset(*, uow: UnitOfWork, actor: Actor, env: IdentityEnv, login: str) -> None:
    """Send a reset link to each active account with this username or e-mail address. Returns nothing either way."""
    now = uow.clock.now()
    minutes = env.policy.reset_token_minutes
    for user in _accounts_for(uow, login):
        token = new_token(32)
        repository.insert_row(
            uow.conn,
            password_resets,
            id=new_id(),
            token_hash=token_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        link = f"{env.public_url}{RESET_PATH}?token={token}"
        queue_notification(
            uow,
            user_id=user.id,
            email=user.email,
            subject=f"{env.platform_name}: 重置密码 / password reset",
            body=(
                f"{user.display_name}，您好：\n\n有人请求重置账户 {user.username} 的密码。"
                f"如是您本人，请在 {minutes} 分钟内打开下面的链接设置新密码（链接只能使用一次）：\n\n{link}\n\n"
                "如非本人操作，请忽略本邮件，您的密码不会改变。\n\n"
                f"Someone asked to reset the password of account {user.username}. If it was you, open the link above "
                f"within {minutes} minutes (it works once). If not, ignore this message."
            ),
            channels=("email",),
        )


@use_case("identity.confirm_password_reset", object_type="user")
def do_confirm_password_reset(
    *, uow: UnitOfWork, actor: Actor, env: IdentityEnv, token: str, new_password: str
) -> None:
    """Set a new password with a reset token; lifts a lockout and ends the account's sessions."""
    now = uow.clock.now()
    row = repository.find_by_token_hash(uow.conn, password_resets, token_digest(token or ""))
    if row is None or row["used_at"] is not None:
        raise NotAuthenticated("this reset link is not valid or has already been used", code="reset_token_invalid")
    if is_expired(row["expires_at"], now):
        raise NotAuthenticated("this reset link has expired; ask for a new one", code="reset_token_expired")
    user = repository.get_user(uow.conn, row["user_id"])
    if user is None or user.status is not UserStatus.ACTIVE:
        raise NotAuthenticated("this account is disabled", code="account_disabled")
    uow.audit.object_id = user.id  # type: ignore[attr-defined]
    check_password(new_password, username=user.username, field_name="new_password")
    repository.update_row(uow.conn, password_resets, row["id"], used_at=now)
    changed = replace(user, password_hash=hash_password(new_password, env.hashing), password_changed_at=now)
    repository.save_user(uow.conn, changed.after_successful_login())
    repository.end_user_sessions(uow.conn, user.id, now)
