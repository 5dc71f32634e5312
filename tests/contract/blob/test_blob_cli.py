"""`zhaocai blobs verify` finds injected bit rot; `zhaocai blobs sweep` removes what killed writers left."""

from __future__ import annotations

import os

from typer.testing import CliRunner

from zhaocai.adapters.blob.cli import app
from zhaocai.adapters.blob.local import LocalBlobStore


def test_verify_finds_bit_rot_and_sweep_cleans_up(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    good = store.put_bytes(b"intact")
    bad = store.put_bytes(b"will rot")
    path = store.path_for(bad.key)
    path.chmod(0o640)
    path.write_bytes(b"will rOt")
    env = {"ZHAOCAI_BLOB_BACKEND": "local", "ZHAOCAI_BLOB_DIR": str(tmp_path / "blobs")}
    runner = CliRunner()

    result = runner.invoke(app, ["verify"], env=env)
    assert result.exit_code == 1
    assert bad.key in result.output and good.key not in result.output
    assert "2 blobs checked, 1 damaged" in result.output

    path.write_bytes(b"will rot")
    assert runner.invoke(app, ["verify"], env=env).exit_code == 0

    (store.temp_dir / "put-killed.part").write_bytes(b"half")
    assert "0 stale uploads removed" in runner.invoke(app, ["sweep"], env=env).output
    os.utime(store.temp_dir / "put-killed.part", (0, 0))
    assert "1 stale uploads removed" in runner.invoke(app, ["sweep"], env=env).output
    assert store.temp_files() == []
