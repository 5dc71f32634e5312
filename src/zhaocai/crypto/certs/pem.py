"""PEM armour: split a file into its blocks, and wrap DER."""

from __future__ import annotations

import base64
import re
import textwrap

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.+?)-----END \1-----", re.DOTALL)


def pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(label, DER) for each PEM block in `data`, in order."""
    return [
        (match.group(1).decode(), base64.b64decode(b"".join(match.group(2).split()), validate=True))
        for match in _PEM_BLOCK.finditer(data)
    ]


def pem_encode(label: str, der: bytes) -> bytes:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()
