"""The blob store contract, run against every adapter: the local directory and S3 (a real moto server)."""

from __future__ import annotations

import hashlib
import io
import random
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from zhaocai.adapters.blob.port import BlobNotFound, BlobRef, InvalidBlobKey
from zhaocai.core.errors import TooLarge

MIB = 1024 * 1024
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
BAD_KEYS = [
    "../../../../etc/passwd",
    "ab/../" + "a" * 58,
    "A" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 64 + "\n",
    "g" * 64,
    "",
]


def random_chunks(total: int, chunk: int, seed: int = 7) -> Iterator[bytes]:
    rng = random.Random(seed)
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield rng.randbytes(size)


def expected_ref(total: int, chunk: int) -> BlobRef:
    digest = hashlib.sha256()
    for part in random_chunks(total, chunk):
        digest.update(part)
    return BlobRef(digest.hexdigest(), total)


def test_round_trip(harness):
    store = harness.store
    data = "投标文件 — sealed bid envelope\n".encode() * 1000
    ref = store.put_bytes(data)
    assert ref == BlobRef(hashlib.sha256(data).hexdigest(), len(data))
    assert store.exists(ref.key)
    assert store.size(ref.key) == len(data)
    with store.open(ref.key) as reader:
        assert reader.read() == data
    assert b"".join(store.iter_chunks(ref.key, chunk_size=4096)) == data
    assert list(store.iter_keys()) == [ref.key]
    assert store.verify(ref.key)


def test_empty_blob_and_file_source(harness):
    assert harness.store.put_bytes(b"") == BlobRef(EMPTY_SHA256, 0)
    lines = b"line\n" * 10_000
    ref = harness.store.put_stream(io.BytesIO(lines))
    assert harness.store.size(ref.key) == len(lines)
    assert sorted(harness.store.iter_keys()) == sorted([EMPTY_SHA256, ref.key])


def test_same_content_twice_is_one_blob(harness):
    store = harness.store
    small = b"the same document"
    assert store.put_bytes(small) == store.put_stream([b"the same ", b"document"])
    large = expected_ref(7 * MIB, 256 * 1024)  # more than one S3 part: goes through the temporary key
    assert store.put_stream(random_chunks(7 * MIB, 256 * 1024)) == large
    assert store.put_stream(random_chunks(7 * MIB, 100_000)) == large
    assert sorted(store.iter_keys()) == sorted([hashlib.sha256(small).hexdigest(), large.key])
    assert store.verify(large.key)
    assert harness.leftovers() == []


def test_streams_a_multi_megabyte_blob_in_small_chunks_without_holding_it(harness):
    total = 32 * MIB
    want = expected_ref(total, 64 * 1024)
    tracemalloc.start()
    try:
        ref = harness.store.put_stream(random_chunks(total, 64 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ref == want
    assert peak < total // 2, f"peak {peak} bytes while storing {total}"
    read_back = hashlib.sha256()
    for chunk in harness.store.iter_chunks(ref.key, chunk_size=64 * 1024):
        read_back.update(chunk)
    assert read_back.hexdigest() == ref.key
    assert harness.leftovers() == []


@pytest.mark.parametrize("limit", [10, 6 * MIB])
def test_too_large_stops_reading_and_leaves_nothing(harness, limit):
    pulled = 0

    def endless() -> Iterator[bytes]:
        nonlocal pulled
        for chunk in random_chunks(100 * MIB, 64 * 1024):
            pulled += len(chunk)
            yield chunk

    with pytest.raises(TooLarge) as caught:
        harness.store.put_stream(endless(), max_bytes=limit)
    assert caught.value.detail == {"max_bytes": limit}
    assert pulled <= limit + 64 * 1024
    assert list(harness.store.iter_keys()) == []
    assert harness.leftovers() == []


def test_limit_is_inclusive(harness):
    assert harness.store.put_bytes(b"x" * 10, max_bytes=10).size == 10


def test_failing_source_leaves_nothing(harness):
    def broken() -> Iterator[bytes]:
        yield from random_chunks(7 * MIB, 512 * 1024)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        harness.store.put_stream(broken())
    with pytest.raises(ConnectionResetError):
        harness.store.put_stream(iter([b"abc", *broken()]))
    assert list(harness.store.iter_keys()) == []
    assert harness.leftovers() == []


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused(harness, key):
    store = harness.store
    for call in (store.open, store.exists, store.size, store.delete, store.verify):
        with pytest.raises(InvalidBlobKey):
            call(key)
    with pytest.raises(InvalidBlobKey):
        list(store.iter_chunks(key))


def test_missing_blob(harness):
    store = harness.store
    key = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(key)
    assert store.delete(key) is False
    for call in (store.open, store.size, store.verify):
        with pytest.raises(BlobNotFound):
            call(key)


def test_delete_removes_an_orphan(harness):
    ref = harness.store.put_bytes(b"orphan")
    keep = harness.store.put_bytes(b"kept")
    assert harness.store.delete(ref.key) is True
    assert not harness.store.exists(ref.key)
    assert list(harness.store.iter_keys()) == [keep.key]


@pytest.mark.parametrize("damage", ["flip", "truncate", "replace"])
def test_verify_detects_changed_bytes(harness, damage):
    data = b"bid ciphertext " * 4096
    ref = harness.store.put_bytes(data)
    assert harness.store.verify(ref.key)
    changed = {
        "flip": data[:1000] + bytes([data[1000] ^ 1]) + data[1001:],
        "truncate": data[:-1],
        "replace": b"something else entirely",
    }[damage]
    harness.corrupt(ref.key, changed)
    assert harness.store.verify(ref.key) is False


def test_putting_again_repairs_a_truncated_blob(harness):
    data = b"document " * 1000
    ref = harness.store.put_bytes(data)
    harness.corrupt(ref.key, data[:100])
    assert harness.store.put_bytes(data) == ref
    assert harness.store.verify(ref.key)


def test_stale_uploads_are_swept(harness):
    harness.plant_leftover()
    assert harness.leftovers() != []
    harness.store.remove_stale_uploads()
    # Too recent to sweep: it may belong to a writer still running. (moto dates every multipart upload
    # 2010-11-10, so on S3 only the temporary object shows this; the upload goes.)
    assert harness.leftovers() != []
    assert harness.store.remove_stale_uploads(older_than=timedelta(0)) >= 1
    assert harness.leftovers() == []


def test_concurrent_writers_of_the_same_content(harness):
    want = expected_ref(6 * MIB, 128 * 1024)
    with ThreadPoolExecutor(4) as pool:
        refs = list(pool.map(lambda _: harness.store.put_stream(random_chunks(6 * MIB, 128 * 1024)), range(4)))
    assert refs == [want] * 4
    assert list(harness.store.iter_keys()) == [want.key]
    assert harness.store.verify(want.key)
    assert harness.leftovers() == []
