"""An email sender for development and the demo: each message becomes an .eml file in a directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from zhaocai.core.ids import new_id
from zhaocai.notifications.message import build_message


class DirectorySender:
    def __init__(self, directory: Path | str, sender: str = "noreply@zhaocai.invalid") -> None:
        self.directory = Path(directory)
        self.sender = sender

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = build_message(sender=self.sender, to=to, subject=subject, body=body).as_bytes()
        fd, temp = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, self.directory / f"{new_id()}.eml")
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
