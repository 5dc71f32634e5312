"""Audit log figures (prints, never asserts), on SQLite (file, WAL, synchronous=FULL) and on a durable PostgreSQL
(fsync and synchronous_commit on, started here with scripts/pg-throwaway and stopped at the end):

  (a) durable entry writes/s, one commit per batch of 1 / 100 / 1,000 entries (record_entry, as use cases do)
  (b) entries/s through the sequencer (integration + one signed checkpoint per batch), batches of 1 / 100 / 1,000
  (c) inclusion proofs/s at --entries (default 1,000,000) from the database, by the code the API uses
  (d) the machine's raw limits: SHA-256 / SM3 leaf hashes of ~200-byte leaves, and small appends + fsync to a file
  (e) `zhaocai audit verify` over the same log: entries/s recomputed and checked

    .venv/bin/python bench/audit_log.py [--quick] [--entries N] [--suite gm|std] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, insert, select

from zhaocai.adapters.db.engine import make_engine
from zhaocai.adapters.db.migrate import upgrade
from zhaocai.adapters.db.tables.audit import audit_entries
from zhaocai.audit.checkpoint import checkpoint_signers
from zhaocai.audit.entries import record_entry
from zhaocai.audit.merkle import tree_hasher
from zhaocai.audit.note import note_verifier
from zhaocai.audit.proofs import consistency_proof, inclusion_proof
from zhaocai.audit.sequencer import Sequencer
from zhaocai.audit.verify import verify_log
from zhaocai.core.actor import Actor
from zhaocai.core.clock import FixedClock
from zhaocai.core.ids import new_id
from zhaocai.crypto.keys import generate_signing_key

REPO = Path(__file__).resolve().parents[1]
ORIGIN = "bench.zhaocai/audit"
ACTOR = Actor(user_id=new_id(), org_id=new_id(), ip="203.0.113.50", auth_method="certificate", cert_serial="5A3F" * 8)
console = Console()


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


# --- (d) raw limits --------------------------------------------------------------------------------------------


def raw_hash_rates(seconds: float) -> dict[str, float]:
    leaf = os.urandom(200)
    rates = {}
    for name in ("sha256", "sm3"):
        hasher = tree_hasher(name)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(1000):
                hasher.hash_leaf(leaf)
            count += 1000
        rates[name] = rate(count, time.perf_counter() - start)
    return rates


def raw_fsync_rate(directory: Path, seconds: float) -> float:
    path = directory / "fsync.bin"
    count = 0
    with open(path, "ab") as file:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            file.write(b"x" * 100)
            file.flush()
            os.fsync(file.fileno())
            count += 1
        elapsed = time.perf_counter() - start
    path.unlink()
    return rate(count, elapsed)


# --- the databases ---------------------------------------------------------------------------------------------


@contextmanager
def durable_postgres(directory: Path) -> Iterator[str]:
    script = REPO / "scripts" / "pg-throwaway"
    url = subprocess.run([script, "start", str(directory), "--durable"], check=True, capture_output=True, text=True)
    try:
        yield url.stdout.strip()
    finally:
        subprocess.run([script, "stop", str(directory)], check=False)


def fresh_engine(kind: str, base: str, name: str) -> Engine:
    if kind == "sqlite":
        path = Path(base) / f"{name}.db"
        path.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
    else:
        admin = make_engine(base.rsplit("/", 1)[0] + "/postgres").execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        engine = make_engine(base.rsplit("/", 1)[0] + f"/{name}")
    upgrade(engine)
    return engine


class Bench:
    def __init__(self, kind: str, base: str, suite: str, clock: FixedClock) -> None:
        self.kind, self.base, self.suite, self.clock = kind, base, suite, clock
        keys = [generate_signing_key("ed25519"), generate_signing_key("sm2-sm3")]
        self.signers = checkpoint_signers(suite, ORIGIN, keys)

    def sequencer(self, engine: Engine) -> Sequencer:
        return Sequencer(engine, suite=self.suite, origin=ORIGIN, signers=self.signers, clock=self.clock)

    def write(self, engine: Engine, total: int, per_commit: int, bar: Callable[[int], None] | None = None) -> float:
        """Durable writes as use cases make them: `record_entry` rows, one commit per `per_commit`."""
        start = time.perf_counter()
        done = 0
        while done < total:
            n = min(per_commit, total - done)
            with engine.begin() as conn:
                for _ in range(n):
                    record_entry(
                        conn,
                        occurred_at=self.clock.now(),
                        actor=ACTOR,
                        action="bid.submit",
                        outcome="ok",
                        object_type="bid",
                        object_id=new_id(),
                        payload_hash=os.urandom(32).hex(),
                    )
            done += n
            if bar:
                bar(n)
        return time.perf_counter() - start

    def bulk_insert(self, engine: Engine, total: int, bar: Callable[[int], None]) -> None:
        """Entries for the 1M-entry log, inserted in big batches (not how use cases write; fast to set up)."""
        when = datetime(2026, 1, 1, tzinfo=UTC)
        chunk = 20_000
        for start in range(0, total, chunk):
            rows = [
                {
                    "entry_id": new_id(),
                    "occurred_at": when + timedelta(milliseconds=i),
                    "user_id": ACTOR.user_id,
                    "org_id": ACTOR.org_id,
                    "cert_serial": ACTOR.cert_serial,
                    "client_ip": ACTOR.ip,
                    "auth_method": ACTOR.auth_method,
                    "action": "bid.submit",
                    "object_type": "bid",
                    "object_id": f"B{i:012d}",
                    "outcome": "ok",
                    "payload_hash": f"{i:064x}",
                }
                for i in range(start, min(start + chunk, total))
            ]
            with engine.begin() as conn:
                conn.execute(insert(audit_entries), rows)
            bar(len(rows))

    def sequence(self, engine: Engine, batch: int, bar: Callable[[int], None] | None = None) -> tuple[int, float]:
        sequencer = self.sequencer(engine)
        start, total = time.perf_counter(), 0
        while (info := sequencer.run_once(max_batch=batch)) is not None:
            total += info.added
            if bar:
                bar(info.added)
        return total, time.perf_counter() - start


def run_database(kind: str, base: str, args: argparse.Namespace, results: dict) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    bench = Bench(kind, base, args.suite, clock)
    quick = args.quick
    write_plan = {1: 50 if quick else 300, 100: 1_000 if quick else 5_000, 1000: 5_000 if quick else 30_000}
    sequence_plan = {1: 50 if quick else 300, 100: 1_000 if quick else 5_000, 1000: 5_000 if quick else 30_000}

    with progress() as bars:
        for per_commit, total in write_plan.items():
            engine = fresh_engine(kind, base, f"zc_bench_write_{per_commit}")
            task = bars.add_task(f"{kind}: write, {per_commit}/commit", total=total)
            seconds = bench.write(engine, total, per_commit, lambda n, t=task: bars.update(t, advance=n))
            results[(kind, f"(a) durable writes/s, {per_commit:>5} per commit")] = rate(total, seconds)
            engine.dispose()

        for batch, total in sequence_plan.items():
            engine = fresh_engine(kind, base, f"zc_bench_seq_{batch}")
            bench.write(engine, total, 1000)
            task = bars.add_task(f"{kind}: sequence, batches of {batch}", total=total)
            count, seconds = bench.sequence(engine, batch, lambda n, t=task: bars.update(t, advance=n))
            results[(kind, f"(b) sequenced entries/s, batches of {batch:>5}")] = rate(count, seconds)
            engine.dispose()

        engine = fresh_engine(kind, base, "zc_bench_proofs")
        task = bars.add_task(f"{kind}: insert {args.entries:,} entries", total=args.entries)
        bench.bulk_insert(engine, args.entries, lambda n: bars.update(task, advance=n))
        task = bars.add_task(f"{kind}: sequence {args.entries:,} entries", total=args.entries)
        count, seconds = bench.sequence(engine, 50_000, lambda n: bars.update(task, advance=n))
        results[(kind, "    building the log: entries/s in batches of 50,000")] = rate(count, seconds)

        with engine.connect() as conn:
            entry_ids = [r[0] for r in conn.execute(select(audit_entries.c.entry_id).limit(200_000))]
        sample = random.Random(7).choices(entry_ids, k=500 if quick else 5_000)
        indexes = random.Random(8).choices(range(args.entries), k=len(sample))
        with engine.connect() as conn:
            task = bars.add_task(f"{kind}: proofs at {args.entries:,}", total=3 * len(sample))
            start = time.perf_counter()
            for entry_id in sample:
                inclusion_proof(conn, entry_id=entry_id)
            results[(kind, f"(c) inclusion proofs/s by entry id at {args.entries:,}")] = rate(
                len(sample), time.perf_counter() - start
            )
            bars.update(task, advance=len(sample))
            start = time.perf_counter()
            for index in indexes:
                inclusion_proof(conn, leaf_index=index)
            results[(kind, f"    inclusion proofs/s by leaf index at {args.entries:,}")] = rate(
                len(indexes), time.perf_counter() - start
            )
            bars.update(task, advance=len(sample))
            start = time.perf_counter()
            for index in indexes:
                consistency_proof(conn, max(index, 1), args.entries)
            results[(kind, f"    consistency proofs/s to {args.entries:,}")] = rate(
                len(indexes), time.perf_counter() - start
            )
            bars.update(task, advance=len(sample))
        task = bars.add_task(f"{kind}: verify {args.entries:,} entries", total=args.entries)
        verifiers = [note_verifier(ORIGIN, signer.key.public_key()) for signer in bench.signers]
        with engine.connect() as conn:
            start = time.perf_counter()
            report = verify_log(conn, args.suite, verifiers, progress=lambda done, _: bars.update(task, completed=done))
            seconds = time.perf_counter() - start
        assert report.ok, report.problems[:3]  # a broken benchmark log, not a timing assertion
        results[(kind, f"(e) zhaocai audit verify: entries/s at {args.entries:,}")] = rate(args.entries, seconds)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run with small figures")
    parser.add_argument("--entries", type=int, default=None, help="log size for the proof figures (1,000,000)")
    parser.add_argument("--suite", choices=("gm", "std"), default="gm")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.entries is None:
        args.entries = 20_000 if args.quick else 1_000_000

    results: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(
        prefix="zc-bench-audit-", dir=REPO / "var" if (REPO / "var").is_dir() else None
    ) as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # the PostgreSQL server runs as its own user
        seconds = 0.5 if args.quick else 2.0
        for name, value in raw_hash_rates(seconds).items():
            results[("raw", f"(d) {name} leaf hashes/s (200-byte leaves)")] = value
        results[("raw", "(d) append + fsync/s (100-byte appends)")] = raw_fsync_rate(work, seconds)

        run_database("sqlite", str(work), args, results)
        if not args.no_postgres:
            with durable_postgres(work / "pg") as url:
                run_database("postgresql", url, args, results)

    table = Table(title=f"audit log, suite {args.suite} ({'quick' if args.quick else 'full'} run)")
    table.add_column("figure")
    for column in ("raw", "sqlite", "postgresql"):
        table.add_column(column, justify="right")
    for label in dict.fromkeys(label for _, label in results):
        row = [label]
        for column in ("raw", "sqlite", "postgresql"):
            value = results.get((column, label))
            row.append(f"{value:,.0f}" if value is not None else "")
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
