"""Names of the files inside a bid's section archive: relative, portable, unambiguous (security.md §4 items 9-10).

A name is refused — never silently repaired — when it could escape the archive (absolute, `..`, backslashes, drive
letters), hide what it is (control or bidirectional-format characters such as U+202E, zero-width characters), or
collide with another on some file system (case, Unicode normalisation, Windows reserved names and characters).
"""

from __future__ import annotations

import re
import unicodedata

from zhaocai.core.errors import ValidationFailed

MAX_NAME_CHARS = 255
MAX_COMPONENT_CHARS = 120
MAX_DEPTH = 8
_WINDOWS_FORBIDDEN = frozenset('<>:"|?*\\')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")
# Unicode categories a file name may not contain: controls, format characters (bidi overrides, zero-width joiners),
# line/paragraph separators, unassigned, private use and surrogates.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"})


class UnsafeFileName(ValidationFailed):
    code = "unsafe_file_name"


def _refuse(name: str, why: str) -> UnsafeFileName:
    return UnsafeFileName(f"file name {name!r} refused: {why}", field="files", detail={"name": name})


def check_file_name(name: str) -> str:
    """Return `name` if it is a safe relative path with '/' separators; raise UnsafeFileName naming the fault."""
    if not isinstance(name, str) or not name:
        raise _refuse(str(name), "empty")
    if len(name) > MAX_NAME_CHARS:
        raise _refuse(name, f"longer than {MAX_NAME_CHARS} characters")
    if unicodedata.normalize("NFC", name) != name:
        raise _refuse(name, "not in Unicode NFC form (the same name could be spelt two ways)")
    for char in name:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            raise _refuse(name, f"contains the control or format character U+{ord(char):04X}")
    if name.startswith("/"):
        raise _refuse(name, "an absolute path")
    if re.match(r"^[A-Za-z]:", name):
        raise _refuse(name, "a drive-letter path")
    components = name.split("/")
    if len(components) > MAX_DEPTH:
        raise _refuse(name, f"more than {MAX_DEPTH} levels deep")
    for component in components:
        _check_component(name, component)
    return name


def _check_component(name: str, component: str) -> None:
    if component in ("", ".", ".."):
        raise _refuse(name, "empty, '.' or '..' path component")
    if len(component) > MAX_COMPONENT_CHARS:
        raise _refuse(name, f"a path component longer than {MAX_COMPONENT_CHARS} characters")
    forbidden = sorted(set(component) & _WINDOWS_FORBIDDEN)
    if forbidden:
        raise _refuse(name, f"contains {' '.join(forbidden)} (not allowed in file names on Windows)")
    if component != component.strip() or component.endswith("."):
        raise _refuse(name, "a path component starts or ends with white space, or ends with '.'")
    if _WINDOWS_RESERVED.fullmatch(component):
        raise _refuse(name, f"{component!r} is a reserved device name on Windows")


def collision_key(name: str) -> str:
    """Two names with the same key would be the same file on a case-insensitive file system."""
    return unicodedata.normalize("NFKC", name).casefold()


def check_unique(names: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = collision_key(name)
        if key in seen:
            raise _refuse(name, f"collides with {seen[key]!r} (names differ only in case or form)")
        seen[key] = name
