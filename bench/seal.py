"""Sealed-bid envelope throughput: sealing, keyless scanning (the server's upload check) and opening, per suite and
chunk size, beside the raw rates of the same chunks measured in the same run with no application code around them
(the AEAD alone, the suite hash alone). Prints figures; asserts nothing.

    .venv/bin/python bench/seal.py                       # 64 MiB, chunks of 64 KiB and 1 MiB, both suites
    .venv/bin/python bench/seal.py --size-mib 16 --chunk-kib 64 --suite gm

Sealing = one AEAD pass + one hash pass over the ciphertext + a temporary file + the copy out (plus one key wrap
and one signature); opening = one AEAD pass + one hash pass. So the "raw limit" column is the AEAD and the hash in
series: 1 / (1/aead + 1/hash). Files go to the system temp directory (page cache, not necessarily the disk).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn
from rich.table import Table

from zhaocai.core.clock import FixedClock
from zhaocai.crypto.ca import CertificateAuthority
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import Bidder, open_section, read_header, scan_envelope, seal, unwrap_section_key

MIB = 1024 * 1024
AD = b"zhaocai-envelope/v1 chunk\x00" + bytes(32)
console = Console(width=140)


class Source(io.RawIOBase):
    """`size` bytes of incompressible data, served from one random MiB, without holding `size` in memory."""

    def __init__(self, size: int, block: bytes, on_read: Callable[[int], None]) -> None:
        self._left = size
        self._block = block
        self._offset = 0
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = min(self._left, size if size >= 0 else self._left)
        parts = []
        while sum(map(len, parts)) < size:
            take = min(size - sum(map(len, parts)), len(self._block) - self._offset)
            parts.append(self._block[self._offset : self._offset + take])
            self._offset = (self._offset + take) % len(self._block)
        self._left -= size
        self._on_read(size)
        return b"".join(parts)


class Sink:
    def __init__(self, on_write: Callable[[int], None]) -> None:
        self._on_write = on_write

    def write(self, data: bytes) -> int:
        self._on_write(len(data))
        return len(data)


def raw_encrypt(suite: str, chunk: bytes, count: int, tick: Callable[[int], None]) -> None:
    if suite == "std":
        aead = AESGCM(os.urandom(32))
        for counter in range(count):
            aead.encrypt(counter.to_bytes(12, "big"), chunk, AD)
            tick(len(chunk))
        return
    algorithm = algorithms.SM4(os.urandom(16))
    for counter in range(count):
        encryptor = Cipher(algorithm, modes.GCM(counter.to_bytes(12, "big"))).encryptor()
        encryptor.authenticate_additional_data(AD)
        encryptor.update(chunk)
        encryptor.finalize()
        tick(len(chunk))


def raw_decrypt(suite: str, chunk: bytes, count: int, tick: Callable[[int], None]) -> None:
    nonce = bytes(12)
    if suite == "std":
        aead = AESGCM(os.urandom(32))
        sealed = aead.encrypt(nonce, chunk, AD)
        for _ in range(count):
            aead.decrypt(nonce, sealed, AD)
            tick(len(chunk))
        return
    algorithm = algorithms.SM4(os.urandom(16))
    encryptor = Cipher(algorithm, modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(AD)
    body = encryptor.update(chunk) + encryptor.finalize()
    tag = encryptor.tag
    for _ in range(count):
        decryptor = Cipher(algorithm, modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(AD)
        decryptor.update(body)
        decryptor.finalize()
        tick(len(chunk))


def raw_hash(suite: str, chunk: bytes, count: int, tick: Callable[[int], None]) -> None:
    hasher = hashes.Hash(hashes.SM3() if suite == "gm" else hashes.SHA256())
    for _ in range(count):
        hasher.update(chunk)
        tick(len(chunk))
    hasher.finalize()


def bidder_keys(suite: str, directory: Path) -> dict[str, bytes]:
    ca = CertificateAuthority.init(
        directory / f"ca-{suite}",
        name=f"bench CA {suite}",
        suite=suite,
        passphrase=b"bench",
        clock=FixedClock(datetime.now(UTC)),
        scrypt_n=2**4,
    )
    signer = ca.issue(subject="CN=bench,O=Bench Co,C=CN", usage="sign")
    encrypter = ca.issue(subject="CN=bench,O=Bench Co,C=CN", usage="encrypt")
    assert signer.private_key_pem and encrypter.private_key_pem
    return {
        "signing_key": pem_blocks(signer.private_key_pem)[0][1],
        "signer_certificate": signer.certificate_pem,
        "encryption_certificate": encrypter.certificate_pem,
        "encryption_key": pem_blocks(encrypter.private_key_pem)[0][1],
    }


REPEAT = 3


def timed(progress: Progress, label: str, total: int, work: Callable[[Callable[[int], None]], object]) -> float:
    """MiB/s of `work` (which reports its bytes through the callback it is given): the best of REPEAT runs, since
    other processes on a small shared machine only ever slow a run down."""
    task = progress.add_task(label, total=total * REPEAT)
    best = 0.0
    for _ in range(REPEAT):
        started = time.perf_counter()
        work(lambda n: progress.advance(task, n))
        best = max(best, total / MIB / (time.perf_counter() - started))
    return best


def series(*rates: float) -> float:
    return 1 / sum(1 / rate for rate in rates)


def bench(suite: str, chunk_size: int, size: int, keys: dict[str, bytes], block: bytes, progress: Progress) -> dict:
    chunk = block[:chunk_size]
    count = size // chunk_size
    label = f"{suite} {chunk_size // 1024} KiB"
    result: dict[str, float] = {
        "aead_enc": timed(progress, f"{label} raw AEAD encrypt", size, lambda t: raw_encrypt(suite, chunk, count, t)),
        "hash": timed(progress, f"{label} raw hash", size, lambda t: raw_hash(suite, chunk, count, t)),
        "aead_dec": timed(progress, f"{label} raw AEAD decrypt", size, lambda t: raw_decrypt(suite, chunk, count, t)),
    }
    crypto = get_suite(suite)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bid.zcenv"

        def do_seal(tick: Callable[[int], None]) -> None:
            with path.open("wb") as out:
                seal(
                    out,
                    {"whole": Source(size, block, tick)},
                    suite=suite,
                    tender_id="BENCH-1",
                    lot_id="1",
                    bidder=Bidder.organisation("91110000100000000R"),
                    bid_version=1,
                    signing_key=crypto.load_signing_key(keys["signing_key"]),
                    signer_certificate=keys["signer_certificate"],
                    encryption_certificate=keys["encryption_certificate"],
                    chunk_size=chunk_size,
                    temp_dir=scratch,
                )

        def do_scan(tick: Callable[[int], None]) -> None:
            with path.open("rb") as stream:
                scan_envelope(stream)
            tick(size)

        def do_open(tick: Callable[[int], None]) -> None:
            with path.open("rb") as stream:
                header = read_header(stream)
                key = unwrap_section_key(header, "whole", keys["encryption_key"])
                open_section(stream, header, "whole", key, Sink(tick))

        result["seal"] = timed(progress, f"{label} seal", size, do_seal)
        result["scan"] = timed(progress, f"{label} scan (keyless)", size, do_scan)
        result["open"] = timed(progress, f"{label} open", size, do_open)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=64)
    parser.add_argument("--chunk-kib", type=int, action="append", help="repeatable; default 64 and 1024")
    parser.add_argument("--suite", choices=["gm", "std"], action="append", help="repeatable; default both")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is shown")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    size = args.size_mib * MIB
    chunks = [kib * 1024 for kib in args.chunk_kib or [64, 1024]]
    suites = args.suite or ["gm", "std"]
    block = os.urandom(MIB)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        keys = {suite: bidder_keys(suite, Path(directory)) for suite in suites}
        columns = (TextColumn("{task.description:<34}"), BarColumn(), TransferSpeedColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            for suite in suites:
                for chunk_size in chunks:
                    rows.append((suite, chunk_size, bench(suite, chunk_size, size, keys[suite], block, progress)))
    table = Table(
        title=f"Sealed-bid envelope, {args.size_mib} MiB per run, MiB/s ({platform.processor() or 'cpu'}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()})"
    )
    for column in (
        "suite",
        "chunk",
        "raw AEAD enc",
        "raw hash",
        "raw limit",
        "seal",
        "scan",
        "raw AEAD dec",
        "raw limit",
        "open",
    ):
        table.add_column(column, justify="right")
    for suite, chunk_size, r in rows:
        table.add_row(
            suite,
            f"{chunk_size // 1024} KiB",
            f"{r['aead_enc']:.0f}",
            f"{r['hash']:.0f}",
            f"{series(r['aead_enc'], r['hash']):.0f}",
            f"{r['seal']:.0f}",
            f"{r['scan']:.0f}",
            f"{r['aead_dec']:.0f}",
            f"{series(r['aead_dec'], r['hash']):.0f}",
            f"{r['open']:.0f}",
        )
    console.print(table)
    console.print(
        "raw limit = AEAD and hash in series; seal adds a temporary file, a copy, one key wrap and a signature"
    )


if __name__ == "__main__":
    main()
