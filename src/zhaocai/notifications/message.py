"""Building a plain-text email that carries Chinese correctly: RFC 2047 encoded headers, a UTF-8 base64 body."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr


def build_message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))
    # base64 keeps the body 7-bit clean for relays that do not announce 8BITMIME.
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def _domain_of(address: str) -> str:
    _, email_address = parseaddr(address)
    return email_address.rpartition("@")[2] or "zhaocai.invalid"
