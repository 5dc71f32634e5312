"""The package's path rules, the provider registry and the trust-anchor loader: what the builder and the verifier
agree on before any package exists."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from zhaocai.archive.anchors import AnchorError, load_anchors
from zhaocai.archive.items import inline_item, safe_segment
from zhaocai.archive.package import PackagePathError, check_item_path
from zhaocai.archive.providers import PROVIDERS, load_providers


@pytest.mark.parametrize("path", ["tendering/tender.json", "bidding/bids/01ABC/v1/envelope.bin", "award/通知书.pdf"])
def test_relative_nfc_paths_are_accepted(path: str) -> None:
    assert check_item_path(path) == path


@pytest.mark.parametrize(
    "path",
    ["", "/etc/passwd", "a/../b", "a//b", "./a", "a/", "a\\b", "a/\x00b", "e\u0301.txt", "x" * 401, "a/" + "b" * 256],
)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(PackagePathError):
        check_item_path(path)


def test_file_names_from_outside_become_one_safe_segment() -> None:
    for name in ("../../evil", "a/b\\c", "..", "", "\x01"):
        segment = safe_segment(name)
        check_item_path(f"docs/{segment}")
        assert "/" not in segment


def test_an_inline_item_carries_its_hash() -> None:
    item = inline_item("a.json", "application/json", b"{}")
    assert item.sha256 == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"


def test_every_registered_provider_loads_and_none_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = load_providers()
    assert [module.__name__ for module in modules] == list(PROVIDERS)
    with pytest.raises(ModuleNotFoundError):
        load_providers(("zhaocai.no_such_package.archiving",))
    broken = types.ModuleType("zhaocai_test_broken_archiving")
    monkeypatch.setitem(sys.modules, "zhaocai_test_broken_archiving", broken)  # exists, but has no archive_items
    with pytest.raises(TypeError, match="archive_items"):
        load_providers(("zhaocai_test_broken_archiving",))


def test_anchors_need_the_platform_keys_and_usable_files(tmp_path: Path) -> None:
    with pytest.raises(AnchorError, match="no platform keys"):
        load_anchors([tmp_path])
    with pytest.raises(AnchorError, match="no such file"):
        load_anchors([tmp_path / "missing"])
    (tmp_path / "keys.json").write_text(json.dumps({"platform_code": "P", "keys": [{"key_id": "x"}]}))
    with pytest.raises(AnchorError, match="cannot be read"):
        load_anchors([tmp_path])
    (tmp_path / "keys.json").write_text(json.dumps({"platform_code": "P", "keys": []}))
    (tmp_path / "ca.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(AnchorError, match="unexpected PEM block"):
        load_anchors([tmp_path])
