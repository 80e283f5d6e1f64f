"""BlobStore on a directory: files go in only under the sha256 of their bytes, readable by
all, and a refused or failed write leaves neither a blob nor a temporary file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from vr_server.storage.blobs import BlobMismatch, BlobStore, IncomingBlob


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_file_stores_under_the_sha_and_refuses_other_bytes(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    data = os.urandom(3 * 1024 * 1024 + 7)  # several read chunks
    source = tmp_path / "model.glb"
    source.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()

    assert blobs.put_file(source, sha) == len(data)
    stored = blobs.path_for(sha)
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o777 == 0o644  # nginx's workers and other instances read it
    assert files_under(tmp_path / "blobs") == [stored]  # no temporary file left

    wrong = "0" * 64
    with pytest.raises(BlobMismatch, match=f"sha256 is {sha}"):
        blobs.put_file(source, wrong)
    assert files_under(tmp_path / "blobs") == [stored]  # nothing else stored, nothing left
    assert stored.read_bytes() == data  # and what was stored is untouched


def test_incoming_blob_counts_hashes_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "ab" / ("ab" + "c" * 62)
    incoming = IncomingBlob(target, ".upload-")
    incoming.write(b"hello ")
    incoming.write("สวัสดี".encode())
    expected = hashlib.sha256("hello สวัสดี".encode()).hexdigest()
    assert incoming.sha256 == expected
    assert incoming.size == len("hello สวัสดี".encode())
    assert incoming.finish() == expected
    assert incoming.tmp.parent == target.parent  # beside its place: the move is atomic
    os.replace(incoming.tmp, target)
    incoming.discard()  # after the move: nothing to remove, no error
    assert target.read_bytes() == "hello สวัสดี".encode()

    abandoned = IncomingBlob(target, ".upload-")
    abandoned.write(b"half an upload")
    abandoned.discard()  # an upload that failed midway
    assert files_under(tmp_path) == [target]
