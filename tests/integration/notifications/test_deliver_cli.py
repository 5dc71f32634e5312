"""`zhaocai notifications deliver` sends what is due through the SMTP server the settings name."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from zhaocai.adapters.db.tables.notifications import notifications
from zhaocai.notifications.cli import app
from zhaocai.notifications.service import queue_notification


def test_deliver_command_sends_pending_email(engine, database_url, uow_factory, smtp_server, tmp_path):
    uow = uow_factory()
    with uow:
        for n in range(3):
            queue_notification(
                uow, user_id=None, email=f"b{n}@example.cn", subject=f"通知{n}", body="正文", channels=["email"]
            )
        uow.commit()
    env = {
        "ZHAOCAI_DATABASE_URL": database_url,
        "ZHAOCAI_DATA_DIR": str(tmp_path),
        "ZHAOCAI_SMTP_HOST": "127.0.0.1",
        "ZHAOCAI_SMTP_PORT": str(smtp_server.port),
    }
    result = CliRunner().invoke(app, ["deliver"], env=env)
    assert result.exit_code == 0, result.output
    assert "sent 3, retrying 0, failed 0" in result.output
    assert sorted(rcpt for _, [rcpt], _ in smtp_server.mailbox.messages) == [f"b{n}@example.cn" for n in range(3)]
    with engine.connect() as conn:
        assert set(conn.execute(select(notifications.c.status)).scalars()) == {"sent"}
