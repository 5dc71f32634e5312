"""Opening throughput: N sealed bids of S MB opened through the real opening code path, against the raw pipeline on
the same files. Prints figures; asserts nothing.

    .venv/bin/python bench/opening.py                          # 1,000 bids of 10 MB, gm and std, SQLite
    .venv/bin/python bench/opening.py --count 100 --size 10    # a moderate run
    .venv/bin/python bench/opening.py --database-url postgresql+psycopg://...   # PostgreSQL instead

Per suite: a fresh platform (SQLite in a temporary directory unless --database-url), tenders opened through the
tendering use cases, bidders through the identity use cases with certificates from a demo CA; each bid is a real bid
package (docs/bid-format.md: a ZIP with its manifest and one file of S MB of random bytes) sealed with the real sealer
and submitted through the real submission path. At the deadline (the real scheduler job) each bidder's key is
unwrapped locally (not timed: that is the bidder's machine) and handed over through `hand_over_keys` — the use case
path the API calls: the stored envelope is decrypted chunk by chunk (every tag, the signed ciphertext hash, the key
commitment), the archive read defensively, each file streamed into the blob store (SHA-256 key, fsync, rename,
directory fsync) with its manifest hash checked, and the outcome committed with its audit entry.

The raw pipeline reads the same stored envelopes and, in a tight loop with the same chunk size and no application
code, does what docs/envelope.md §8 step 4 and a durable write demand of any opening: for each chunk, hash the
ciphertext (compared with the signed hash at the end), decrypt it (cryptography's AES-256-GCM / SM4-GCM), hash the
plaintext with the suite hash (the manifest's check) and write it to a new file; then fsync the file and its
directory, and keep it (as opening keeps what it opens). What opening does beyond that floor is its own cost: the
archive (inflate, CRC-32, limits), the SHA-256 blob key where the suite hash is SM3, the header signature, the
database transaction with its audit entry and commit. Target: opening ≥ 60% of the raw pipeline's MB/s.

Peak memory: tracemalloc's peak of Python allocations while a tenth of the bids is opened apart (both pipelines
traced alike; the timed runs on the other nine tenths are not traced), and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

MB = 1024 * 1024
console = Console(width=140)
DISK_FACTOR = 3.6  # per bid: the stored envelope, the opened file, the raw loop's file, the temporary archive, slack


@dataclass
class Bid:
    actor: Any
    lot_id: str
    envelope_key: str
    header_hash: str  # as the receipt acknowledged it
    encryption_key: bytes


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def _bid_package(path: Path, manifest_fields: dict[str, Any], size: int, suite: str) -> None:
    from zhaocai.bidding.archive import write_archive
    from zhaocai.bidding.manifest import HASH_OF_SUITE, SectionManifest
    from zhaocai.core.money import amount_in_words
    from zhaocai.crypto.suites import get_suite

    data_path = path.with_suffix(".bin")
    hasher = get_suite(suite).hasher()
    with data_path.open("wb") as out:
        left = size
        while left:
            block = os.urandom(min(MB, left))
            hasher.update(block)
            out.write(block)
            left -= len(block)
    price = Decimal("1250000.00")
    manifest = SectionManifest.model_validate(
        manifest_fields
        | {
            "section": "whole",
            "hash_algorithm": HASH_OF_SUITE[suite],
            "files": [{"path": "技术标/施工组织设计.pdf", "size": size, "hash": hasher.digest().hex()}],
            "signals": {"machine_hash": "cd" * 32, "tool_id": "zhaocai-bench/1"},
            "price": {"total": str(price), "total_in_words": amount_in_words(price)},
            "duration_days": 365,
            "quality": "合格",
            "project_manager": {"name": "张三", "certificate_number": "京111060800001"},
        }
    )
    with path.open("wb") as out:
        write_archive(out, manifest, {"技术标/施工组织设计.pdf": data_path})
    data_path.unlink()


def prepare(workdir: Path, suite: str, database_url: str | None, count: int, size: int) -> tuple[Any, list[Bid]]:
    from zhaocai.adapters.db.migrate import upgrade
    from zhaocai.bidding.submission import submit_bid
    from zhaocai.bootstrap import build
    from zhaocai.config import Settings
    from zhaocai.core.clock import FixedClock
    from zhaocai.crypto import keys
    from zhaocai.crypto.ca import CertificateAuthority
    from zhaocai.crypto.certs.pem import pem_blocks
    from zhaocai.crypto.trust import TrustStore
    from zhaocai.identity import repository
    from zhaocai.identity.env import ENV_KEY, env_from_settings
    from zhaocai.identity.passwords import CHEAP
    from zhaocai.sealing import Bidder, seal
    from zhaocai.tendering.scenario import market_subject, open_tender

    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    settings = Settings(
        data_dir=workdir / "var", database_url=database_url, key_passphrase="opening-bench", crypto_suite=suite
    )
    clock = FixedClock(start)
    container = build(settings, clock=clock)
    upgrade(container.engine)
    ca = CertificateAuthority.init(
        workdir / "ca", name=f"开标压测CA {suite}", suite=suite, passphrase=b"bench", clock=FixedClock(start)
    )
    trust = TrustStore(certificates=[ca.certificate_pem], crls=[ca.crl(days=90)])
    container.extras[ENV_KEY] = env_from_settings(settings, trust=trust, hashing=CHEAP)
    container.keyring.ensure("platform-sign", {"gm": keys.SM2, "std": keys.ECDSA_P256}[suite])
    tenderer = market_subject(container, kind="tenderer", username="tenderer")

    bidder_count = max(3, min(count, 12))
    tenders = math.ceil(count / bidder_count)
    bidders = []
    for number in range(bidder_count):
        actor = market_subject(
            container, kind="bidder", username=f"bidder{number:03d}", legal_representative=f"法人{number}"
        )
        with container.engine.connect() as conn:
            org = repository.get_organisation(conn, actor.org_id or "")
        assert org is not None
        signer = ca.issue(subject="CN=投标,O=投标人,C=CN", usage="sign", credit_code=org.credit_code)
        encrypter = ca.issue(subject="CN=投标,O=投标人,C=CN", usage="encrypt", credit_code=org.credit_code)
        bidders.append((actor, org, signer, encrypter))
    per_tender = [count // tenders + (1 if i < count % tenders else 0) for i in range(tenders)]
    opened = [open_tender(container, tenderer_actor=tenderer, suite=suite) for _ in range(tenders)]
    bids: list[Bid] = []
    scratch = workdir / "scratch"
    scratch.mkdir()
    with _progress() as progress:
        task = progress.add_task(f"{suite}: packing, sealing, submitting", total=count)
        for tender, how_many in zip(opened, per_tender, strict=True):
            lot_id = tender.lot_ids[0]
            for actor, org, signer, encrypter in bidders[:how_many]:
                package = scratch / "whole.zip"
                fields = {
                    "tender_id": tender.tender_id,
                    "lot_id": lot_id,
                    "bidder": {"kind": "organisation", "credit_code": org.credit_code, "name": org.name},
                }
                _bid_package(package, fields, size, suite)
                envelope = scratch / "bid.zcenv"
                with package.open("rb") as plain, envelope.open("wb") as out:
                    seal(
                        out,
                        {"whole": plain},
                        suite=suite,
                        tender_id=tender.tender_id,
                        lot_id=lot_id,
                        bidder=Bidder.organisation(org.credit_code),
                        bid_version=1,
                        signing_key=keys.load_private_key(pem_blocks(signer.private_key_pem or b"")[0][1]),
                        signer_certificate=signer.certificate_pem,
                        encryption_certificate=encrypter.certificate_pem,
                    )
                package.unlink()

                def chunks(path: Path = envelope):  # type: ignore[no-untyped-def]
                    with path.open("rb") as handle:
                        while block := handle.read(MB):
                            yield block

                receipt = submit_bid(container, actor, lot_id, chunks())
                envelope.unlink()
                private = pem_blocks(encrypter.private_key_pem or b"")[0][1]
                bids.append(Bid(actor, lot_id, receipt.body["envelope_sha256"], receipt.body["header_hash"], private))
                progress.advance(task)
    clock.set(max(t.bid_deadline for t in opened))
    return container, bids


def opening_keys(container: Any, bids: list[Bid]) -> list[dict[str, bytes]]:
    """Each bidder's content keys, unwrapped locally (the bidder's machine: not timed)."""
    from zhaocai.bidder.unwrap import unwrap_keys
    from zhaocai.opening.decrypt import stored_header

    return [
        unwrap_keys(stored_header(container.blobs, bid.envelope_key, bid.header_hash), bid.encryption_key)
        for bid in bids
    ]


def open_one(container: Any, bid: Bid, keys: dict[str, bytes]) -> float:
    """One bid through the use case path the API calls; seconds."""
    from zhaocai.opening.keys import hand_over_keys

    began = time.perf_counter()
    result = hand_over_keys(container, bid.actor, bid.lot_id, keys)
    elapsed = time.perf_counter() - began
    assert result.outcome == "opened", result
    return elapsed


def _raw_cipher(aead: str, key: bytes):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if aead == "aes-256-gcm":
        return AESGCM(key).decrypt

    def sm4_gcm(nonce: bytes, sealed: bytes, ad: bytes) -> bytes:
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-16:])).decryptor()
        decryptor.authenticate_additional_data(ad)
        return decryptor.update(sealed[:-16]) + decryptor.finalize()

    return sm4_gcm


def raw_plan(container: Any, bid: Bid, keys: dict[str, bytes]) -> tuple[Any, ...]:
    """What the header says, worked out beforehand: the file, offset, chunk size, section, key, associated data."""
    from zhaocai.opening.decrypt import stored_header
    from zhaocai.sealing.derive import chunk_associated_data
    from zhaocai.sealing.opening import section_context

    header = stored_header(container.blobs, bid.envelope_key, bid.header_hash)
    entry = header.section("whole")
    ad = chunk_associated_data(section_context(header, entry))
    path = container.blobs.path_for(bid.envelope_key)
    return path, header.section_offset("whole"), header.chunk_size, entry, keys["whole"], ad, header.suite


def raw_one(plan: tuple[Any, ...], target: Path) -> float:
    """One stored envelope's section as docs/envelope.md §8 step 4 opens it, in a tight loop: read each chunk, hash
    the ciphertext (compared with the signed hash at the end), decrypt it, hash the plaintext (the manifest's check),
    and write it durably to `target`, a new file: the file fsynced, then its directory (a new name survives a crash
    only once its directory is synced). Opening keeps every file it opens, so the raw loop keeps its files too and
    they are deleted after the run (on a filesystem mounted with `discard` a deletion's cost lands in the next journal
    commit: the next pipeline's fsync)."""
    from cryptography.hazmat.primitives import hashes

    path, offset, chunk_size, entry, key, ad, suite = plan
    decrypt = _raw_cipher(entry.aead, key)
    began = time.perf_counter()
    ciphertext = hashes.Hash(hashes.SM3() if suite == "gm" else hashes.SHA256())
    plaintext = hashes.Hash(hashes.SM3() if suite == "gm" else hashes.SHA256())
    with path.open("rb") as source, target.open("xb") as out:
        source.seek(offset)
        remaining = entry.ciphertext_length
        for counter in range(entry.chunk_count):
            last = counter == entry.chunk_count - 1
            size = remaining if last else chunk_size + 16
            sealed = source.read(size)
            ciphertext.update(sealed)
            plain = decrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), sealed, ad)
            plaintext.update(plain)
            out.write(plain)
            remaining -= size
        out.flush()
        os.fsync(out.fileno())
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    plaintext.finalize()
    intact = ciphertext.finalize() == entry.ciphertext_hash
    elapsed = time.perf_counter() - began
    assert intact
    return elapsed


def run_both(container: Any, bids: list[Bid], out_dir: Path, label: str) -> tuple[float, float]:
    """Raw and opening bid by bid, interleaved, so that both meet the same disk and the same neighbours."""
    keys = opening_keys(container, bids)
    plans = [raw_plan(container, bid, key) for bid, key in zip(bids, keys, strict=True)]
    os.sync()  # the setup's writes are not the pipelines' to flush
    raw = opening = 0.0
    with _progress() as progress:
        task = progress.add_task(label, total=len(bids))
        for number, (bid, key, plan) in enumerate(zip(bids, keys, plans, strict=True)):
            raw += raw_one(plan, out_dir / f"timed-{number}.bin")
            opening += open_one(container, bid, key)
            progress.advance(task)
    return raw, opening


def traced_peaks(container: Any, bids: list[Bid], out_dir: Path) -> tuple[int, int]:
    """Peak traced Python memory of the raw pipeline, then of opening, over `bids`."""
    keys = opening_keys(container, bids)
    plans = [raw_plan(container, bid, key) for bid, key in zip(bids, keys, strict=True)]
    tracemalloc.start()
    for number, plan in enumerate(plans):
        raw_one(plan, out_dir / f"traced-{number}.bin")
    raw_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    for bid, key in zip(bids, keys, strict=True):
        open_one(container, bid, key)
    opening_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return raw_peak, opening_peak


def bench_suite(suite: str, args: argparse.Namespace, base: Path) -> dict[str, Any]:
    from zhaocai.tendering.scheduler import do_process_due_tenders

    workdir = Path(tempfile.mkdtemp(prefix=f"opening-{suite}-", dir=base))
    try:
        container, bids = prepare(workdir, suite, args.database_url, args.count, args.size * MB)
        out_dir = workdir / "raw"
        out_dir.mkdir()
        run = do_process_due_tenders(uow_factory=container.uow, clock=container.clock)
        assert not run.failed, run.failed
        # memory is traced on a tenth of the bids, apart: tracemalloc slows allocation-heavy code (the use case's
        # database work) far more than the raw loop, so the timed runs below are not traced
        traced, timed = bids[: len(bids) // 10], bids[len(bids) // 10 :]
        raw_peak, opening_peak = traced_peaks(container, traced, out_dir) if traced else (0, 0)
        total = sum(container.blobs.size(b.envelope_key) for b in timed) / MB
        raw, opening = run_both(container, timed, out_dir, f"{suite}: raw pipeline and opening, bid by bid")
        container.engine.dispose()
        return {
            "suite": suite,
            "bids": len(timed),
            "mb": total,
            "opening": total / opening,
            "raw": total / raw,
            "opening_peak": opening_peak / MB,
            "raw_peak": raw_peak / MB,
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="bids to open per suite (default 1000)")
    parser.add_argument("--size", type=int, default=10, help="MB of plaintext per bid (default 10)")
    parser.add_argument("--suite", choices=["gm", "std", "both"], default="both")
    parser.add_argument("--database-url", default=None, help="default: SQLite in the temporary directory")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where to put the data")
    args = parser.parse_args()
    if args.count < 3 or args.size < 1:
        parser.error("at least 3 bids (条例44) of at least 1 MB")
    args.dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(args.dir).free
    needed = args.count * args.size * MB * DISK_FACTOR
    if needed > free * 0.8:
        fitting = max(3, int(free * 0.8 / (args.size * MB * DISK_FACTOR)))
        console.print(
            f"[yellow]{args.count} bids of {args.size} MB need about {needed / 1024**3:.1f} GB; "
            f"{args.dir} has {free / 1024**3:.1f} GB free: scaling down to {fitting} bids[/yellow]"
        )
        args.count = fitting
    suites = ["gm", "std"] if args.suite == "both" else [args.suite]
    rows = [bench_suite(suite, args, args.dir) for suite in suites]
    table = Table(
        title=f"opening {args.count} bids of {args.size} MB ({'PostgreSQL' if args.database_url else 'SQLite'})"
    )
    for column in ("suite", "bids timed", "MB", "opening MB/s", "raw MB/s", "ratio", "peak MB opening", "peak MB raw"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            row["suite"],
            str(row["bids"]),
            f"{row['mb']:.0f}",
            f"{row['opening']:.1f}",
            f"{row['raw']:.1f}",
            f"{row['opening'] / row['raw']:.0%}",
            f"{row['opening_peak']:.1f}",
            f"{row['raw_peak']:.1f}",
        )
    console.print(table)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"peak RSS of the whole run (setup included): {rss:.0f} MB; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
