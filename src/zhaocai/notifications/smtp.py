"""Sending email through an SMTP server (smtplib): plain, STARTTLS, or implicit TLS on port 465."""

from __future__ import annotations

import smtplib
import ssl

from zhaocai.notifications.message import build_message
from zhaocai.notifications.ports import PermanentDeliveryError

IMPLICIT_TLS_PORT = 465


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int = 25,
        user: str | None = None,
        password: str | None = None,
        sender: str = "noreply@zhaocai.invalid",
        starttls: bool = False,
        *,
        implicit_tls: bool | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.sender = sender
        self.starttls = starttls
        # Port 465 means TLS from the first byte (the usual setup of Chinese mail providers).
        self.implicit_tls = port == IMPLICIT_TLS_PORT if implicit_tls is None else implicit_tls
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.timeout = timeout

    def send(self, *, to: str, subject: str, body: str) -> None:
        message = build_message(sender=self.sender, to=to, subject=subject, body=body)
        with self._connect() as smtp:
            if self.starttls and not self.implicit_tls:
                smtp.starttls(context=self.ssl_context)
            if self.user:
                smtp.login(self.user, self.password or "")
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                if all(code >= 500 for code in codes):
                    raise PermanentDeliveryError(f"recipient refused: {error.recipients}") from error
                raise
            except smtplib.SMTPDataError as error:
                if error.smtp_code >= 500:
                    raise PermanentDeliveryError(f"message refused: {error.smtp_code} {error.smtp_error!r}") from error
                raise

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.ssl_context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
