"""Blobs with a chosen age, for the garbage collection tests."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from vr_server.storage.blobs import BlobStore

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
