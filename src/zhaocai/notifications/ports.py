"""The email port. The in-app inbox needs no adapter: an inbox notification is delivered by being committed."""

from __future__ import annotations

from typing import Protocol


class PermanentDeliveryError(Exception):
    """The receiving server refused for good (unknown mailbox, rejected content): retrying cannot help."""


class EmailSender(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None:
        """Hand one plain-text message to the mail system, or raise (PermanentDeliveryError when final)."""
