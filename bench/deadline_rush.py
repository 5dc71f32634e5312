"""Deadline rush: a saturating burst of sealed bids, all released at the same instant before a bid deadline, against
a real uvicorn server on 127.0.0.1 — and, in the same run, the same burst against a bare floor (a minimal ASGI app on
the same server that only streams each body to disk, hashes it and fsyncs it) and the raw write+fsync rate of the
disk. Prints figures; asserts nothing.

    .venv/bin/python bench/deadline_rush.py                    # 400 bidders, 1 MiB bids, gm + std, SQLite + PG
    .venv/bin/python bench/deadline_rush.py --bidders 50 --suite gm --database sqlite     # a quick run

Per configuration (suite × database): a tender opened through the tendering use cases with its deadline an hour
ahead; N verified bidders (identity use cases) with API tokens and certificates from a demo CA in the server's trust
directory; N envelopes of the given size sealed beforehand. The server is `uvicorn zhaocai.platforms.asgi:app` in
its own process(es). The client (asyncio + httpx, one connection per bidder) opens every request at once when an
event fires. Afterwards every acknowledged bid is checked: its receipt verifies with the published key, its version
row exists and its blob re-hashes to the receipt's SHA-256 (lost = acknowledged − verified), and no request may fail
on a conflict. PostgreSQL is a throwaway cluster started with `scripts/pg-throwaway start DIR --durable` (fsync and
synchronous_commit on); SQLite is WAL with synchronous=FULL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cputime import CpuSample
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
PASSPHRASE = "deadline-rush-bench"
console = Console(width=140)


# --- the bare floor: stream the body to a file, hash it, fsync it ---------------------------------------------------

FLOOR_DIR = Path(os.environ.get("ZHAOCAI_FLOOR_DIR", tempfile.gettempdir()))


async def floor_app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    import anyio.to_thread

    digest = hashlib.sha256()
    fd, name = tempfile.mkstemp(dir=FLOOR_DIR, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        more = True
        while more:
            message = await receive()
            body = message.get("body", b"")
            digest.update(body)
            out.write(body)
            more = message.get("more_body", False)
        out.flush()
        await anyio.to_thread.run_sync(os.fsync, out.fileno())
    os.replace(name, FLOOR_DIR / digest.hexdigest())
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": digest.hexdigest().encode()})


# --- preparing a tender, bidders and their sealed bids --------------------------------------------------------------


@dataclass
class Prepared:
    env: dict[str, str]
    lot_id: str
    deadline: datetime
    bids: list[tuple[str, Path]]  # (API token, envelope file)
    database_url: str
    blob_dir: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(workdir: Path, suite: str, database_url: str, bidders: int, size: int) -> Prepared:
    from zhaocai.adapters.db.migrate import upgrade
    from zhaocai.bootstrap import build
    from zhaocai.config import Settings
    from zhaocai.core.clock import FixedClock
    from zhaocai.crypto import keys
    from zhaocai.crypto.ca import CertificateAuthority
    from zhaocai.crypto.certs.pem import pem_blocks
    from zhaocai.crypto.trust import TrustStore
    from zhaocai.identity import repository
    from zhaocai.identity.api_tokens import do_create_api_token
    from zhaocai.identity.env import ENV_KEY, env_from_settings
    from zhaocai.identity.passwords import CHEAP
    from zhaocai.sealing import Bidder, seal
    from zhaocai.tendering.scenario import market_subject, open_tender

    real_now = datetime.now(UTC)
    deadline = real_now + timedelta(hours=1)
    settings = Settings(
        data_dir=workdir / "var",
        database_url=database_url,
        key_passphrase=PASSPHRASE,
        crypto_suite=suite,
        trust_dir=workdir / "trust",
    )
    # the tender is opened "25 days ago", so that its deadline falls an hour from now on the server's real clock
    container = build(settings, clock=FixedClock(deadline - timedelta(days=25)))
    upgrade(container.engine)
    ca = CertificateAuthority.init(
        workdir / "ca",
        name=f"压测CA {suite}",
        suite=suite,
        passphrase=b"bench",
        clock=FixedClock(real_now - timedelta(days=1)),
    )
    settings.effective_trust_dir.mkdir(parents=True, exist_ok=True)
    (settings.effective_trust_dir / "ca.pem").write_bytes(ca.certificate_pem)
    (settings.effective_trust_dir / "ca.crl").write_bytes(ca.crl(days=30))
    trust = TrustStore.load(settings.effective_trust_dir)
    container.extras[ENV_KEY] = env_from_settings(settings, trust=trust, hashing=CHEAP)
    container.keyring.ensure("platform-sign", {"gm": keys.SM2, "std": keys.ECDSA_P256}[suite])
    tenderer = market_subject(container, kind="tenderer", username="tenderer")
    tender = open_tender(container, tenderer_actor=tenderer, suite=suite, deadline_in=timedelta(days=25))
    lot = tender.lot_ids[0]
    plaintext = os.urandom(size)
    bids = []
    for number in range(bidders):
        actor = market_subject(
            container, kind="bidder", username=f"b{number:04d}", legal_representative=f"法人{number}"
        )
        with container.engine.connect() as conn:
            org = repository.get_organisation(conn, actor.org_id or "")
        assert org is not None
        token = do_create_api_token(uow=container.uow(), actor=actor, env=container.extras[ENV_KEY], name="rush").token
        signer = ca.issue(subject="CN=投标,O=投标人,C=CN", usage="sign", credit_code=org.credit_code)
        encrypter = ca.issue(subject="CN=投标,O=投标人,C=CN", usage="encrypt", credit_code=org.credit_code)
        path = workdir / "envelopes" / f"{number:04d}.zcenv"
        path.parent.mkdir(exist_ok=True)
        with path.open("wb") as out:
            seal(
                out,
                {"whole": io.BytesIO(plaintext)},
                suite=suite,
                tender_id=tender.tender_id,
                lot_id=lot,
                bidder=Bidder.organisation(org.credit_code),
                bid_version=1,
                signing_key=keys.load_private_key(pem_blocks(signer.private_key_pem or b"")[0][1]),
                signer_certificate=signer.certificate_pem,
                encryption_certificate=encrypter.certificate_pem,
            )
        bids.append((token, path))
    container.engine.dispose()
    env = {
        "ZHAOCAI_ROLE": "trading",
        "ZHAOCAI_DATA_DIR": str(settings.data_dir),
        "ZHAOCAI_DATABASE_URL": database_url,
        "ZHAOCAI_KEY_PASSPHRASE": PASSPHRASE,
        "ZHAOCAI_CRYPTO_SUITE": suite,
        "ZHAOCAI_TRUST_DIR": str(settings.effective_trust_dir),
    }
    return Prepared(env, lot, tender.bid_deadline, bids, database_url, settings.effective_blob_dir)


# --- the server and the burst ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def server(app: str, env: dict[str, str], workers: int):  # type: ignore[no-untyped-def]
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log", "--app-dir", str(REPO / "bench"),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=os.environ | env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{base}/", timeout=1)
                break
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(30)


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)  # seconds, acknowledged requests
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    bodies: list[tuple[Path, dict]] = field(default_factory=list)
    sent: int = 0
    wall: float = 0.0
    cpu: CpuSample | None = None

    @property
    def accepted(self) -> int:
        return len(self.latencies)


async def _send(client, url: str, token: str, path: Path, release: asyncio.Event, burst: Burst, started: list[float]):  # type: ignore[no-untyped-def]
    async def body():  # type: ignore[no-untyped-def]
        with path.open("rb") as source:
            while block := source.read(256 * 1024):
                yield block

    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": secrets.token_hex(16),
        "Content-Type": "application/octet-stream",
        "Content-Length": str(path.stat().st_size),
    }
    await release.wait()
    try:
        response = await client.post(url, content=body(), headers=headers)
    except httpx.HTTPError as exc:
        burst.errors.append(f"{type(exc).__name__}: {exc}")
        return
    elapsed = time.perf_counter() - started[0]
    burst.statuses[response.status_code] = burst.statuses.get(response.status_code, 0) + 1
    if response.status_code in (200, 201):
        burst.latencies.append(elapsed)
        with contextlib.suppress(ValueError):
            burst.bodies.append((path, response.json()))
    elif len(burst.errors) < 5:
        burst.errors.append(f"{response.status_code}: {response.text[:200]}")


async def _burst(url: str, bids: list[tuple[str, Path]]) -> Burst:
    burst = Burst(sent=len(bids))
    release = asyncio.Event()
    started = [0.0]
    limits = httpx.Limits(max_connections=len(bids), max_keepalive_connections=len(bids))
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(300.0)) as client:
        tasks = [asyncio.create_task(_send(client, url, t, p, release, burst, started)) for t, p in bids]
        await asyncio.sleep(0.2)
        started[0] = time.perf_counter()
        release.set()
        await asyncio.gather(*tasks)
        burst.wall = time.perf_counter() - started[0]
    return burst


def burst(url: str, bids: list[tuple[str, Path]], server_pid: int) -> Burst:
    before = CpuSample.take(server_pid)
    result = asyncio.run(_burst(url, bids))
    result.cpu = CpuSample.take(server_pid) - before
    return result


async def _ask_status(base: str, lot_id: str, tokens: list[str]) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(120.0), limits=httpx.Limits(max_connections=32)) as client:
        for start in range(0, len(tokens), 32):
            batch = tokens[start : start + 32]
            await asyncio.gather(
                *(
                    client.get(f"{base}/api/v1/lots/{lot_id}/my-bid", headers={"Authorization": f"Bearer {t}"})
                    for t in batch
                )
            )


def warm_tokens(base: str, prepared: Prepared) -> None:
    """Every bidder asks for its own bid once (404 no_bid), as `zhaocai bidder seal` does to pick the next version:
    the burst then comes from tokens used within the last minute, which the platform does not touch again."""
    asyncio.run(_ask_status(base, prepared.lot_id, [token for token, _ in prepared.bids]))


# --- checking afterwards ---------------------------------------------------------------------------------------------


def verify(prepared: Prepared, base: str, result: Burst) -> tuple[int, int]:
    """(verified, lost): every acknowledged bid's receipt verifies, its row exists and its blob re-hashes."""
    from sqlalchemy import select

    from zhaocai.adapters.blob.local import LocalBlobStore
    from zhaocai.adapters.db.engine import make_engine
    from zhaocai.adapters.db.tables.bidding import bid_versions
    from zhaocai.bidding.receipts import SignedReceipt, verify_receipt

    published = httpx.get(f"{base}/.well-known/zhaocai-keys.json").json()
    engine = make_engine(prepared.database_url)
    blobs = LocalBlobStore(prepared.blob_dir)
    verified = 0
    with engine.connect() as conn:
        stored = set(conn.execute(select(bid_versions.c.envelope_key)).scalars())
    for path, body in result.bodies:
        receipt = SignedReceipt.from_json(body)
        try:
            verify_receipt(receipt, published)
        except Exception:  # counted as lost
            continue
        key = receipt.body["envelope_sha256"]
        if key == hashlib.sha256(path.read_bytes()).hexdigest() and key in stored and blobs.verify(key):
            verified += 1
    engine.dispose()
    return verified, result.accepted - verified


def raw_fsync_rate(directory: Path, count: int, size: int) -> float:
    data = os.urandom(size)
    started = time.perf_counter()
    for number in range(count):
        path = directory / f"raw-{number}"
        with path.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        path.unlink()
    return count / (time.perf_counter() - started)


# --- the run ---------------------------------------------------------------------------------------------------------


def _postgres(directory: Path) -> str:
    script = REPO / "scripts" / "pg-throwaway"
    url = subprocess.run([script, "start", str(directory), "--durable"], check=True, capture_output=True, text=True)
    return url.stdout.strip()


def run(suite: str, database: str, args: argparse.Namespace, table: Table) -> None:
    with tempfile.TemporaryDirectory(prefix="rush-", dir=args.workdir) as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)  # the throwaway PostgreSQL runs as its own user
        url = _postgres(workdir / "pg") if database == "postgresql" else f"sqlite:///{workdir / 'zhaocai.db'}"
        try:
            console.print(f"[bold]{suite} / {database}[/bold]: preparing {args.bidders} bidders and sealed bids ...")
            started = time.perf_counter()
            prepared = prepare(workdir, suite, url, args.bidders, int(args.size_mib * MIB))
            console.print(
                f"  prepared in {time.perf_counter() - started:.0f} s; deadline {prepared.deadline.isoformat()}"
            )
            bids_url = f"/api/v1/lots/{prepared.lot_id}/bids"
            with server("zhaocai.platforms.asgi:app", prepared.env, args.workers) as (base, pid):
                for _ in range(args.workers * 4):
                    # unlock the keyring, load the trust store and let FastAPI build its route table (it does so on
                    # the first request that walks it) in every worker: a running platform has done all that
                    httpx.get(f"{base}/.well-known/zhaocai-keys.json", timeout=60)
                    httpx.post(f"{base}{bids_url}", timeout=60)
                if args.warm_tokens:
                    warm_tokens(base, prepared)
                rush = burst(f"{base}{bids_url}", prepared.bids, pid)
                verified, lost = verify(prepared, base, rush)
            floor_dir = workdir / "floor"
            floor_dir.mkdir()
            with server("deadline_rush:floor_app", {"ZHAOCAI_FLOOR_DIR": str(floor_dir)}, args.workers) as (base, pid):
                floor = burst(f"{base}/", prepared.bids, pid)
            raw = raw_fsync_rate(floor_dir, min(args.bidders, 200), int(args.size_mib * MIB))
        finally:
            if database == "postgresql":
                subprocess.run([REPO / "scripts" / "pg-throwaway", "stop", str(workdir / "pg")], check=False)
    _row(table, suite, database, rush, floor, raw, verified, lost)
    console.print(
        f"  CPU ms per bid (server / client / PostgreSQL / whole machine): platform {_cpu(rush)}; floor {_cpu(floor)}"
    )
    for error in rush.errors[:5]:
        console.print(f"  [red]{error}[/red]")


def _cpu(result: Burst) -> str:
    return result.cpu.per(result.sent) if result.cpu else "-"


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _row(
    table: Table, suite: str, database: str, rush: Burst, floor: Burst, raw: float, verified: int, lost: int
) -> None:
    rate = rush.accepted / rush.wall if rush.wall else 0.0
    floor_rate = floor.accepted / floor.wall if floor.wall else 0.0
    conflicts = rush.statuses.get(409, 0)
    table.add_row(
        suite,
        database,
        f"{rush.accepted}/{rush.sent}",
        f"{rate:.1f}",
        f"{_percentile(rush.latencies, 0.5):.2f}",
        f"{_percentile(rush.latencies, 0.99):.2f}",
        f"{floor_rate:.1f}",
        f"{_percentile(floor.latencies, 0.5):.2f} / {_percentile(floor.latencies, 0.99):.2f}",
        f"{100 * rate / floor_rate:.0f} %" if floor_rate else "-",
        f"{raw:.0f}",
        str(lost),
        str(conflicts),
        str(verified),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bidders", type=int, default=400)
    parser.add_argument("--size-mib", type=float, default=1.0)
    parser.add_argument("--suite", choices=["gm", "std", "both"], default="both")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--workdir", default=None, help="where data, envelopes and the floor's files go")
    parser.add_argument(
        "--warm-tokens",
        action="store_true",
        help="each bidder asks for its own bid once before the burst (as `zhaocai bidder seal` does)",
    )
    args = parser.parse_args()
    warm = ", tokens warmed" if args.warm_tokens else ""
    table = Table(title=f"deadline rush: {args.bidders} bidders × {args.size_mib:g} MiB, {args.workers} workers{warm}")
    for column in (
        "suite", "db", "acked/sent", "bids/s", "p50 s", "p99 s", "floor bids/s", "floor p50/p99 s", "of floor",
        "raw fsync/s", "lost", "conflicts", "verified",
    ):  # fmt: skip
        table.add_column(column, justify="right")
    suites = ["gm", "std"] if args.suite == "both" else [args.suite]
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    console.print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    for suite in suites:
        for database in databases:
            run(suite, database, args, table)
    console.print(table)


if __name__ == "__main__":
    main()
