"""Blob garbage collection on a directory store (the command and the bucket:
tests/e2e/server/test_blob_gc.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.blob_ages import DAY, age, put
from tests.support.bundles import tiny_glb
from tests.support.services import Clock, services_at
from vr_server.errors import Invalid
from vr_server.services.blob_gc import collect_garbage
from vr_server.storage.blobs import UPLOAD_PREFIX, IncomingBlob


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
