"""Real SMTP servers on 127.0.0.1 (aiosmtpd): a plain one that collects what it receives, a STARTTLS one that
demands a login, and a port where nothing answers."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zhaocai.core.net import free_loopback_port
from zhaocai.notifications.smtp import SmtpSender

SMTP_USER = "mailer"
SMTP_PASSWORD = "correct horse battery"


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every message and refuses the addresses in `refuse` with a 550."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int
    client_context: ssl.SSLContext | None = None


def _start(mailbox: Mailbox, **options) -> tuple[Controller, int]:  # type: ignore[no-untyped-def]
    port = free_loopback_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, port


@pytest.fixture(scope="session")
def _plain_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    controller, port = _start(mailbox)
    yield SmtpServer(mailbox, port)
    controller.stop()


@pytest.fixture
def smtp_server(_plain_server: SmtpServer) -> SmtpServer:
    _plain_server.mailbox.messages.clear()
    _plain_server.mailbox.refuse.clear()
    return _plain_server


@pytest.fixture
def sender(smtp_server: SmtpServer) -> SmtpSender:
    return SmtpSender("127.0.0.1", smtp_server.port, sender="招采平台 <noreply@zhaocai.example.cn>")


@pytest.fixture
def dead_sender() -> Iterator[SmtpSender]:
    """Points at a port that is bound but not listening: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield SmtpSender("127.0.0.1", sock.getsockname()[1], timeout=5)


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _authenticate(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture
def smtp_login() -> tuple[str, str]:
    return SMTP_USER, SMTP_PASSWORD


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    cert, key = _self_signed(tmp_path_factory.mktemp("smtp-tls"))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller, port = _start(
        mailbox, tls_context=server_context, require_starttls=True, authenticator=_authenticate, auth_required=True
    )
    yield SmtpServer(mailbox, port, ssl.create_default_context(cafile=str(cert)))
    controller.stop()
