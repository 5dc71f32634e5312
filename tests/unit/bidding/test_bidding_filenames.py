"""File names inside a bid archive: safe relative paths only, refused (never repaired) otherwise."""

from __future__ import annotations

import unicodedata

import pytest

from zhaocai.bidding.filenames import UnsafeFileName, check_file_name, check_unique

SAFE = ["施工组织设计.pdf", "技术标/图纸/总平面图.dwg", "a b/c-d_e (1).txt", "x" * 120]
UNSAFE = {
    "../etc/passwd": "'..'",
    "a/../../b": "'..'",
    "/etc/passwd": "absolute",
    "C:/Windows/x": "drive-letter",
    "a\\b.txt": "Windows",
    "nul\x00byte": "U+0000",
    "invoice\u202egpj.exe": "U+202E",  # right-to-left override: shows as "invoiceexe.jpg"
    "zero\u200bwidth.pdf": "U+200B",
    "line\u2028sep": "U+2028",
    "a//b": "empty",
    "./a": "'.'",
    "trailing./x": "ends with '.'",
    " lead.pdf": "white space",
    "CON.txt": "reserved device",
    "aux": "reserved device",
    "q?.pdf": "Windows",
    "": "empty",
    "x" * 121: "longer than 120",
    "/".join(["d"] * 9): "levels deep",
    unicodedata.normalize("NFD", "é.pdf"): "NFC",
}


@pytest.mark.parametrize("name", SAFE)
def test_safe_names_pass(name: str) -> None:
    assert check_file_name(name) == name


@pytest.mark.parametrize(("name", "why"), UNSAFE.items())
def test_unsafe_names_are_refused_naming_the_fault(name: str, why: str) -> None:
    with pytest.raises(UnsafeFileName) as caught:
        check_file_name(name)
    assert why in caught.value.message
    assert caught.value.status == 422


def test_names_differing_only_in_case_or_width_collide() -> None:
    check_unique(["a.pdf", "b.pdf"])
    for pair in (["Report.PDF", "report.pdf"], ["ＡＢ.txt", "AB.txt"]):
        with pytest.raises(UnsafeFileName, match="collides"):
            check_unique(pair)
