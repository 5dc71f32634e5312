"""Blob store fixtures: a real moto S3 server on 127.0.0.1 (its own process), and one harness per adapter."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from zhaocai.adapters.blob.local import LocalBlobStore
from zhaocai.adapters.blob.port import BlobStore
from zhaocai.adapters.blob.s3 import MIN_PART_SIZE, S3BlobStore, make_s3_client
from zhaocai.core.net import free_loopback_port

_buckets = itertools.count()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    port = free_loopback_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def s3_client(moto_endpoint: str):  # type: ignore[no-untyped-def]
    return make_s3_client(
        endpoint_url=moto_endpoint, region="us-east-1", access_key_id="test", secret_access_key="test"
    )


@dataclass
class Harness:
    """A store plus what the contract needs to reach behind its back."""

    store: BlobStore
    leftovers: Callable[[], list[str]]  # temp files, temp objects, unfinished multipart uploads
    corrupt: Callable[[str, bytes], None]  # replace a stored blob's bytes as bit rot or an intruder would
    plant_leftover: Callable[[], None]  # what a writer killed mid-upload leaves


def local_harness(root: Path) -> Harness:
    store = LocalBlobStore(root)

    def corrupt(key: str, data: bytes) -> None:
        path = store.path_for(key)
        path.chmod(0o640)
        path.write_bytes(data)

    def plant_leftover() -> None:
        partial = store.temp_dir / "put-killed.part"
        partial.write_bytes(b"half a bid")

    return Harness(store, lambda: [p.name for p in store.temp_files()], corrupt, plant_leftover)


def s3_harness(client, bucket: str) -> Harness:  # type: ignore[no-untyped-def]
    store = S3BlobStore(client, bucket, part_size=MIN_PART_SIZE)
    store.ensure_bucket()

    def leftovers() -> list[str]:
        return store.temp_objects() + [upload["Key"] for upload in store.incomplete_uploads()]

    def corrupt(key: str, data: bytes) -> None:
        client.put_object(Bucket=bucket, Key=store.object_key(key), Body=data)

    def plant_leftover() -> None:
        client.create_multipart_upload(Bucket=bucket, Key=f"{store.temp_prefix}killed-upload")
        client.put_object(Bucket=bucket, Key=f"{store.temp_prefix}killed-before-copy", Body=b"half a bid")

    return Harness(store, leftovers, corrupt, plant_leftover)


@pytest.fixture(params=["local", "s3"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "local":
        return local_harness(tmp_path / "blobs")
    return s3_harness(request.getfixturevalue("s3_client"), f"zc-test-{next(_buckets)}")
