"""The senders themselves: SMTP with STARTTLS and login, the .eml directory, and the factory."""

from __future__ import annotations

import email
import email.policy
import smtplib

import pytest

from zhaocai.config import Settings
from zhaocai.notifications.directory import DirectorySender
from zhaocai.notifications.factory import email_sender_from_settings
from zhaocai.notifications.smtp import SmtpSender


def test_starttls_and_login(tls_server, smtp_login):
    user, password = smtp_login
    sender = SmtpSender(
        "127.0.0.1",
        tls_server.port,
        user=user,
        password=password,
        sender="noreply@zhaocai.example.cn",
        starttls=True,
        ssl_context=tls_server.client_context,
    )
    sender.send(to="a@example.cn", subject="中标通知书", body="恭喜中标。\n")
    [(_, _, raw)] = tls_server.mailbox.messages[-1:]
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == "中标通知书"


def test_wrong_password_and_missing_tls_are_refused(tls_server, smtp_login):
    user, password = smtp_login
    wrong = SmtpSender(
        "127.0.0.1",
        tls_server.port,
        user=user,
        password="wrong",
        starttls=True,
        ssl_context=tls_server.client_context,
    )
    with pytest.raises(smtplib.SMTPAuthenticationError):
        wrong.send(to="a@example.cn", subject="s", body="b")
    plain = SmtpSender("127.0.0.1", tls_server.port, user=user, password=password)
    with pytest.raises(smtplib.SMTPException):
        plain.send(to="a@example.cn", subject="s", body="b")


def test_untrusted_certificate_is_refused(tls_server, smtp_login):
    user, password = smtp_login
    sender = SmtpSender("127.0.0.1", tls_server.port, user=user, password=password, starttls=True)
    with pytest.raises(smtplib.ssl.SSLCertVerificationError):
        sender.send(to="a@example.cn", subject="s", body="b")


def test_directory_sender_writes_eml_files(tmp_path):
    DirectorySender(tmp_path / "mail", sender="招采平台 <noreply@zhaocai.example.cn>").send(
        to="a@example.cn", subject="开标提醒", body="明天九点开标。\n"
    )
    [eml] = (tmp_path / "mail").iterdir()
    assert eml.suffix == ".eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert (message["Subject"], message.get_content()) == ("开标提醒", "明天九点开标。\n")


def test_factory(tmp_path):
    fallback = email_sender_from_settings(Settings(data_dir=tmp_path))
    assert isinstance(fallback, DirectorySender) and fallback.directory == tmp_path / "mail"
    smtp = email_sender_from_settings(
        Settings(smtp_host="mail.example.cn", smtp_port=465, smtp_user="u", smtp_password="p", smtp_starttls=False)
    )
    assert isinstance(smtp, SmtpSender)
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.implicit_tls) == (
        "mail.example.cn",
        465,
        "u",
        "p",
        True,
    )
