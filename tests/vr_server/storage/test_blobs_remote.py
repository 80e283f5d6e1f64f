"""A blob store in front of a remote (a counting fake of the bucket): one download per blob,
on threads of its own, verified."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from vr_server.errors import BadGateway
from vr_server.storage import blobs as blobs_module
from vr_server.storage.blobs import BlobNotFound, BlobStore


class CountingRemote:
    """A RemoteBlobs in memory that counts downloads and lets a test hold them."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects
        self.downloads = 0
        self.release = threading.Event()
        self.location = "memory"

    def exists(self, sha256: str) -> bool:
        return sha256 in self.objects

    def upload(self, path: Path, sha256: str) -> None:
        self.objects[sha256] = path.read_bytes()

    def download(self, sha256: str, write: Callable[[bytes], object]) -> bool:
        if sha256 not in self.objects:
            return False
        self.downloads += 1
        self.release.wait(5)
        write(self.objects[sha256])
        return True

    def close(self) -> None:
        pass


def test_simultaneous_first_requests_download_once(tmp_path: Path) -> None:
    data = b"x" * 5000
    sha = hashlib.sha256(data).hexdigest()
    remote = CountingRemote({sha: data})
    store = BlobStore(tmp_path, remote)
    paths: list[Path] = []
    threads = [
        threading.Thread(target=lambda: paths.append(store.local_path(sha))) for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    remote.release.set()
    for thread in threads:
        thread.join(10)
    assert remote.downloads == 1
    assert paths == [tmp_path / sha[:2] / sha] * 20
    assert paths[0].read_bytes() == data
    assert store._fetching._locks == {}
    with pytest.raises(BlobNotFound):
        store.local_path("1" * 64)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [sha]


async def test_cold_blobs_are_fetched_on_threads_of_their_own(tmp_path: Path) -> None:
    """Many first downloads at once (a job fair opening on a fresh instance) wait for the
    bucket on the store's FETCH_THREADS, not on asyncio's default threads the rest of the
    server needs; a blob already here is found without waiting behind them."""
    blobs = {hashlib.sha256(bytes([n]) * 100).hexdigest(): bytes([n]) * 100 for n in range(20)}
    remote = CountingRemote(dict(blobs))
    store = BlobStore(tmp_path, remote)
    try:
        here = bytes([99]) * 10
        here_sha = hashlib.sha256(here).hexdigest()
        source = tmp_path / "here"
        source.write_bytes(here)
        store.put_file(source, here_sha)
        fetching = [asyncio.ensure_future(store.locate(sha)) for sha in blobs]
        await asyncio.sleep(0.3)
        assert remote.downloads == blobs_module.FETCH_THREADS  # the rest wait their turn
        async with asyncio.timeout(2):  # the default threads are free meanwhile
            assert await asyncio.gather(*(asyncio.to_thread(lambda: 1) for _ in range(20)))
            assert await store.locate(here_sha) == (store.path_for(here_sha), 10)
        remote.release.set()
        found = await asyncio.gather(*fetching)
        assert found == [(store.path_for(sha), 100) for sha in blobs]
        assert remote.downloads == 20
        with pytest.raises(BlobNotFound):
            await store.locate("1" * 64)
    finally:
        remote.release.set()
        store.close()


def test_wrong_bytes_from_the_remote_raise_and_leave_nothing(tmp_path: Path) -> None:
    sha = hashlib.sha256(b"right").hexdigest()
    remote = CountingRemote({sha: b"wrong"})
    remote.release.set()
    store = BlobStore(tmp_path, remote)
    with pytest.raises(BadGateway, match=sha):
        store.local_path(sha)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_put_file_uploads_first_and_fills_a_bucket_from_an_older_directory(tmp_path) -> None:
    data = b"content"
    sha = hashlib.sha256(data).hexdigest()
    source = tmp_path / "source"
    source.write_bytes(data)
    BlobStore(tmp_path / "blobs").put_file(source, sha)  # stored before there was a bucket
    remote = CountingRemote({})
    assert BlobStore(tmp_path / "blobs", remote).put_file(source, sha) == len(data)
    assert remote.objects == {sha: data}
