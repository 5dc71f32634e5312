"""Where each adapter puts things, and the factory that picks one from the settings."""

from __future__ import annotations

import hashlib
import stat

from zhaocai.adapters.blob.factory import blob_store_from_settings
from zhaocai.adapters.blob.local import LocalBlobStore
from zhaocai.adapters.blob.s3 import S3BlobStore
from zhaocai.config import Settings


def test_local_layout_is_fanned_out_and_read_only(tmp_path):
    store = LocalBlobStore(tmp_path)
    ref = store.put_bytes(b"tender document")
    key = hashlib.sha256(b"tender document").hexdigest()
    path = tmp_path / key[:2] / key
    assert ref.key == key
    assert path.read_bytes() == b"tender document"
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{n:02x}" for n in range(256)] + ["tmp"])


def test_local_iter_keys_ignores_strangers(tmp_path):
    store = LocalBlobStore(tmp_path)
    ref = store.put_bytes(b"x")
    (tmp_path / ref.key[:2] / "README").write_text("not a blob")
    (tmp_path / "zz").mkdir()
    assert list(store.iter_keys()) == [ref.key]


def test_s3_layout(s3_client):
    store = S3BlobStore(s3_client, "zc-layout")
    store.ensure_bucket()
    store.ensure_bucket()  # idempotent
    ref = store.put_bytes(b"tender document")
    listed = s3_client.list_objects_v2(Bucket="zc-layout")["Contents"]
    assert [item["Key"] for item in listed] == [f"blobs/{ref.key[:2]}/{ref.key}"]


def test_factory_picks_local_by_default(tmp_path):
    store = blob_store_from_settings(Settings(data_dir=tmp_path))
    assert isinstance(store, LocalBlobStore)
    assert store.root == tmp_path / "blobs"


def test_factory_builds_a_working_s3_store(moto_endpoint, s3_client):
    s3_client.create_bucket(Bucket="zc-factory")
    settings = Settings(
        blob_backend="s3",
        s3_endpoint_url=moto_endpoint,
        s3_bucket="zc-factory",
        s3_access_key_id="test",
        s3_secret_access_key="test",
    )
    store = blob_store_from_settings(settings)
    assert isinstance(store, S3BlobStore)
    ref = store.put_bytes("中标通知书".encode())
    assert b"".join(store.iter_chunks(ref.key)).decode() == "中标通知书"
