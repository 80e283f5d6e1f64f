"""`vr-server gc` removes the content files no stored scene version names, never one a version
(active or not) names, nor one stored or offered again within the grace period; leftover
temporary files go too. With an S3 bucket only the local cache is cleaned."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from tests.bundles import tiny_glb
from tests.harness import ServerProcess
from tests.s3_server import UNSET, S3Server
from tests.server.dashboard_support import Clock, services_at
from vr_server.errors import Invalid
from vr_server.services.blob_gc import collect_garbage
from vr_server.settings import Settings
from vr_server.storage.blobs import UPLOAD_PREFIX, BlobStore, IncomingBlob
from vr_server.storage.blobs_s3 import S3Blobs
from vr_server.storage.memory import MemoryStore

DAY = 24 * 3600


def put(blobs: BlobStore, tmp_path: Path, data: bytes, *, age_s: float) -> str:
    """Store `data` as a blob whose file was last touched `age_s` seconds ago."""
    sha = hashlib.sha256(data).hexdigest()
    source = tmp_path / f"src-{sha[:8]}"
    source.write_bytes(data)
    blobs.put_file(source, sha)
    age(blobs.path_for(sha), age_s)
    return sha


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


async def test_gc_removes_only_old_unused_files(tmp_path: Path, test_bundles: Path) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        blobs, store = services.blobs, services.store
        active = {f.sha256 for f in blobs.files() if f.sha256}
        for f in blobs.files():
            age(f.path, 3 * DAY)  # in use, however old
        # a version that is not active names another model: kept (a rollback needs it)
        (record,) = await store.content.list_active()
        manifest = json.loads(record.manifest)
        inactive = put(blobs, tmp_path, tiny_glb(seed=7), age_s=3 * DAY)
        manifest["glb"] = {**manifest["glb"], "sha256": inactive}
        await store.content.put_version(
            record.scene_id, "0.9.0", json.dumps(manifest), "f" * 64, activate=False
        )
        old = put(blobs, tmp_path, b"an upload never published", age_s=2 * DAY)
        recent = put(blobs, tmp_path, b"an author is about to publish this", age_s=3600)
        leftover = blobs.path_for(old).parent / f"{UPLOAD_PREFIX}abc"
        leftover.write_bytes(b"half an upload")
        age(leftover, 2 * DAY)
        stranger = blobs.root / "notes.txt"  # not a blob: never touched
        stranger.write_text("kept")
        age(stranger, 9 * DAY)

        dry = await collect_garbage(store, blobs, dry_run=True)
        assert sorted(str(f.path) for f in dry.removed) == sorted(
            [str(blobs.path_for(old)), str(leftover)]
        )
        assert blobs.path_for(old).is_file()  # a dry run removes nothing

        report = await collect_garbage(store, blobs)
        assert [f.sha256 for f in report.removed] in ([old, None], [None, old])
        assert report.bytes_freed == len(b"an upload never published") + len(b"half an upload")
        assert (report.in_use, report.kept_recent, report.local_only) == (len(active) + 1, 1, False)
        assert not blobs.path_for(old).exists()
        assert not leftover.exists()
        for kept in [*active, inactive, recent]:
            assert blobs.path_for(kept).is_file()
        assert stranger.read_text() == "kept"

        # an upload of a stored but unused blob restarts its grace period
        again = put(blobs, tmp_path, b"uploaded again later", age_s=2 * DAY)
        (tmp_path / "again").write_bytes(b"uploaded again later")
        blobs.put_file(tmp_path / "again", again)  # an import offers it again
        assert (await collect_garbage(store, blobs)).removed == []
        age(blobs.path_for(again), 2 * DAY)
        upload = IncomingBlob(blobs.path_for(again), UPLOAD_PREFIX)  # as receive_blob does
        upload.write(b"uploaded again later")
        assert blobs.commit_incoming(upload, again) is False  # stored already ...
        upload.discard()
        assert (await collect_garbage(store, blobs)).removed == []  # ... and young again
        assert (await collect_garbage(store, blobs, grace_hours=0)).removed[0].sha256 == again
        with pytest.raises(Invalid):
            await collect_garbage(store, blobs, grace_hours=-1)


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
