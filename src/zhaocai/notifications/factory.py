"""Pick the email sender the settings name: SMTP when a host is set, else .eml files under the data directory."""

from __future__ import annotations

from zhaocai.config import Settings
from zhaocai.notifications.directory import DirectorySender
from zhaocai.notifications.ports import EmailSender
from zhaocai.notifications.smtp import SmtpSender


def email_sender_from_settings(settings: Settings) -> EmailSender:
    if not settings.smtp_host:
        return DirectorySender(settings.data_dir / "mail", sender=settings.smtp_from)
    password = settings.smtp_password
    return SmtpSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=password.get_secret_value() if password is not None else None,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
    )
