"""`vr-server gc` removes the content files no stored scene version names, never one a version
(active or not) names, nor one stored or offered again within the grace period; leftover
temporary files go too. With an S3 bucket only the local cache is cleaned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.blob_ages import DAY, put
from tests.support.harness import ServerProcess
from tests.support.s3_server import UNSET, S3Server
from vr_server.services.blob_gc import collect_garbage
from vr_server.settings import Settings
from vr_server.storage.blobs import BlobStore
from vr_server.storage.blobs_s3 import S3Blobs
from vr_server.storage.memory import MemoryStore


def test_gc_command(server: ServerProcess) -> None:
    blobs = BlobStore(server.data_dir / "blobs")
    sha = put(blobs, server.data_dir, b"x" * 1000, age_s=2 * DAY)
    dry = server.cli("gc", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would remove {blobs.path_for(sha)}  (1000 bytes)" in dry.stdout
    assert "would remove 1 unused file(s), 1000 bytes" in dry.stdout
    assert blobs.path_for(sha).is_file()
    done = server.cli("gc", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["bytes_freed"], [r["sha256"] for r in report["removed"]]) == (1000, [sha])
    assert report["in_use"] >= 1  # the test bundle's model
    assert not blobs.path_for(sha).exists()
    assert server.cli("gc", "--grace-hours", "-1").returncode == 1


@pytest.fixture
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in S3Server.env(max_attempts=1).items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("_aws_env")
async def test_with_a_bucket_gc_cleans_only_the_local_cache(
    tmp_path: Path, s3_server: S3Server
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        blob_s3_url=f"s3://{s3_server.new_bucket()}/gc",
        blob_s3_endpoint=s3_server.endpoint,
    )
    blobs = BlobStore(tmp_path / "cache", S3Blobs.from_settings(settings))
    try:
        sha = put(blobs, tmp_path, b"in the bucket", age_s=2 * DAY)
        report = await collect_garbage(MemoryStore(), blobs)  # no scene versions stored
        assert ([f.sha256 for f in report.removed], report.local_only) == ([sha], True)
        assert not blobs.path_for(sha).exists()
        assert blobs.remote is not None
        assert blobs.remote.exists(sha)
        assert blobs.local_path(sha).read_bytes() == b"in the bucket"  # fetched again
    finally:
        blobs.close()
