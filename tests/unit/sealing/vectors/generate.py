"""Regenerate the envelope test vectors (docs/envelope.md §10 quotes them). Run only when the format changes —
which means a new format version: the vectors of an existing version never change.

    .venv/bin/python tests/unit/sealing/vectors/generate.py

derivation.json  deterministic values for both suites: context digest, chunk nonces and associated data, key
                 commitment, chunk ciphertexts and the section's ciphertext hash, from fixed inputs
example-<suite>.zcenv + example-<suite>.key.pem + example-<suite>.json
                 a complete envelope (two sections, with a backup wrap) that any implementation must be able to
                 read, verify and open with the (test-only) encryption key, and the plaintexts it holds
"""

from __future__ import annotations

import io
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from zhaocai.core.canonical import canonical_json
from zhaocai.core.clock import FixedClock
from zhaocai.crypto.ca import CertificateAuthority
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import Bidder, seal
from zhaocai.sealing.aead import chunk_cipher
from zhaocai.sealing.derive import chunk_associated_data, chunk_nonce, key_commitment, section_context_digest
from zhaocai.sealing.header import SUITE_AEAD, HeaderContext, context_json

HERE = Path(__file__).parent
_TEXT = "zhaocai sealed-bid envelope, worked example: 投标文件".encode()
PLAINTEXT = _TEXT + b"." * (100 - len(_TEXT))  # two chunks of 64: one full, one of 36 bytes
CHUNK_SIZE = 64
EXAMPLE_SECTIONS = {
    "technical": "技术标：施工组织设计 ".encode() * 9,
    "price": "报价：壹佰万元整 (1,000,000.00 元)".encode(),
}


def derivation_context(suite: str) -> HeaderContext:
    return HeaderContext(
        version=1,
        suite=suite,
        tender_id="ZC-2026-0001",
        lot_id="1",
        bidder=Bidder.organisation("91110000100000008J"),
        bid_version=1,
        nonce=bytes(range(32)),
        chunk_size=CHUNK_SIZE,
    )


def derivation(suite: str) -> dict:
    context = derivation_context(suite)
    aead = SUITE_AEAD[suite]
    key = bytes(range(16 if aead == "sm4-gcm" else 32))
    bound = context_json(context) | {"section": "whole", "aead": aead}
    digest = section_context_digest(context, "whole", aead)
    associated_data = chunk_associated_data(digest)
    cipher = chunk_cipher(aead, key)
    pieces = [PLAINTEXT[:CHUNK_SIZE], PLAINTEXT[CHUNK_SIZE:]]
    chunks = []
    for counter, piece in enumerate(pieces):
        nonce = chunk_nonce(counter, counter == len(pieces) - 1)
        chunks.append(
            {
                "nonce": nonce.hex(),
                "plaintext": piece.hex(),
                "sealed": cipher.encrypt(nonce, piece, associated_data).hex(),
            }
        )
    ciphertext = b"".join(bytes.fromhex(chunk["sealed"]) for chunk in chunks)
    return {
        "suite": suite,
        "aead": aead,
        "section": "whole",
        "content_key": key.hex(),
        "context_json": canonical_json(bound).decode(),
        "section_context_digest": digest.hex(),
        "associated_data": associated_data.hex(),
        "key_commitment": key_commitment(suite, digest, key).hex(),
        "chunks": chunks,
        "ciphertext_length": len(ciphertext),
        "ciphertext_hash": get_suite(suite).hash(ciphertext).hex(),
    }


def example(suite: str, directory: Path) -> None:
    clock = FixedClock(datetime(2026, 1, 5, tzinfo=UTC))
    ca = CertificateAuthority.init(
        directory / suite,
        name=f"zhaocai example CA ({suite})",
        suite=suite,
        passphrase=b"x",
        clock=clock,
        days=36500,
        scrypt_n=2**4,
    )
    subject = "CN=张三,O=示例建设有限公司,C=CN"
    signer = ca.issue(subject=subject, usage="sign", credit_code="91110000100000008J", days=36000)
    encrypter = ca.issue(subject=subject, usage="encrypt", credit_code="91110000100000008J", days=36000)
    backup = get_suite(suite).generate_signing_key()
    assert signer.private_key_pem and encrypter.private_key_pem
    out = io.BytesIO()
    seal(
        out,
        {name: io.BytesIO(data) for name, data in EXAMPLE_SECTIONS.items()},
        suite=suite,
        tender_id="ZC-2026-0001",
        lot_id="1",
        bidder=Bidder.organisation("91110000100000008J"),
        bid_version=1,
        signing_key=get_suite(suite).load_signing_key(pem_blocks(signer.private_key_pem)[0][1]),
        signer_certificate=signer.certificate_pem,
        encryption_certificate=encrypter.certificate_pem,
        backup_key=backup.public_key().spki_der(),
        chunk_size=CHUNK_SIZE,
        test_decrypt_key=pem_blocks(encrypter.private_key_pem)[0][1],
    )
    (HERE / f"example-{suite}.zcenv").write_bytes(out.getvalue())
    (HERE / f"example-{suite}.key.pem").write_bytes(encrypter.private_key_pem)
    (HERE / f"example-{suite}.json").write_text(
        json.dumps(
            {
                "envelope": f"example-{suite}.zcenv",
                "encryption_key": f"example-{suite}.key.pem (TEST ONLY: published so anyone can open the example)",
                "plaintexts": {name: data.decode() for name, data in EXAMPLE_SECTIONS.items()},
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def main() -> None:
    vectors = {suite: derivation(suite) for suite in ("gm", "std")}
    (HERE / "derivation.json").write_text(json.dumps(vectors, ensure_ascii=False, indent=2) + "\n")
    with tempfile.TemporaryDirectory() as directory:
        for suite in ("gm", "std"):
            example(suite, Path(directory))


if __name__ == "__main__":
    main()
