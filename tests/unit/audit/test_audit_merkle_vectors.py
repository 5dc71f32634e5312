"""Every case of transparency-dev/merkle's RFC 6962 test vectors (shared/data/merkle-vectors): the happy paths
verify and every wantErr case is refused. The vectors must be there: a missing directory fails, it does not skip."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from zhaocai.audit.merkle import ProofError, tree_hasher, verify_consistency, verify_inclusion

VECTORS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "merkle-vectors" / "testdata"
SHA256 = tree_hasher("sha256")


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _b(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


def test_the_vectors_are_all_there():
    assert VECTORS.is_dir(), f"RFC 6962 vectors missing at {VECTORS}"
    assert len(_cases("inclusion")) == 98
    assert len(_cases("consistency")) == 98
    wanting_errors = [p for p in _cases("inclusion") + _cases("consistency") if json.loads(p.read_text())["wantErr"]]
    assert len(wanting_errors) > 150  # most cases are mutations that must be refused


@pytest.mark.parametrize("path", _cases("inclusion"), ids=_id)
def test_inclusion_vector(path: Path):
    case = json.loads(path.read_text())
    proof = [_b(h) for h in case["proof"] or []]

    def check() -> None:
        verify_inclusion(SHA256, case["leafIdx"], case["treeSize"], _b(case["leafHash"]), proof, _b(case["root"]))

    if case["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


@pytest.mark.parametrize("path", _cases("consistency"), ids=_id)
def test_consistency_vector(path: Path):
    case = json.loads(path.read_text())
    proof = [_b(h) for h in case["proof"] or []]

    def check() -> None:
        verify_consistency(SHA256, case["size1"], case["size2"], proof, _b(case["root1"]), _b(case["root2"]))

    if case["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()
