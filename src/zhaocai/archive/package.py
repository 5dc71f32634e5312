"""The archive package format (docs/archive.md): names, labels, and the rules both the builder and the verifier
apply to the paths inside a package. Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata

FORMAT = "zhaocai-archive"
VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig"
# The platform signs MANIFEST_LABEL ‖ manifest.json bytes.
MANIFEST_LABEL = b"zhaocai-archive/v1 manifest\x00"
ITEMS_DIR = "items/"
CERTIFICATES_DIR = "certificates/"
AUDIT_ENTRIES = "audit/entries.json"
AUDIT_CHECKPOINT = "audit/checkpoint.txt"
MEDIA_TYPE = "application/vnd.zhaocai.archive+zip"

MAX_PATH_BYTES = 400
MAX_SEGMENT_BYTES = 255
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")


class PackagePathError(ValueError):
    pass


def check_item_path(path: str) -> str:
    """A provider's item path: relative, '/'-separated, NFC, no empty, '.' or '..' segments, no backslashes or
    control characters, at most MAX_PATH_BYTES of UTF-8. Returns it unchanged, or raises PackagePathError."""
    if not isinstance(path, str) or not path:
        raise PackagePathError("an item path is a non-empty string")
    if unicodedata.normalize("NFC", path) != path:
        raise PackagePathError(f"item path {path!r} is not in Unicode NFC")
    if len(path.encode()) > MAX_PATH_BYTES:
        raise PackagePathError(f"item path {path[:60]!r}... is longer than {MAX_PATH_BYTES} bytes")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in path):
        raise PackagePathError(f"item path {path!r} holds a backslash or a control character")
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            raise PackagePathError(f"item path {path!r} has an empty, '.' or '..' segment (or starts with '/')")
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            raise PackagePathError(f"item path {path!r} has a segment longer than {MAX_SEGMENT_BYTES} bytes")
    return path


def check_media_type(media_type: str) -> str:
    if not isinstance(media_type, str) or not _MEDIA_TYPE.fullmatch(media_type):
        raise PackagePathError(f"{media_type!r} is not a media type (type/subtype)")
    return media_type


def member_name(item_path: str) -> str:
    return ITEMS_DIR + item_path


def certificate_member(fingerprint: str) -> str:
    return f"{CERTIFICATES_DIR}{fingerprint}.pem"
