from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from headset_client.cache import AssetCache
from headset_client.errors import IntegrityError


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_put_verifies_and_stores(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    data = b"model bytes"
    path = cache.put(sha(data), data)
    assert path == tmp_path / sha(data)
    assert cache.has(sha(data))
    assert sha(data) in cache
    assert cache.read(sha(data)) == data
    assert cache.hashes() == [sha(data)]
    assert cache.size(sha(data)) == len(data)


def test_put_refuses_bytes_that_do_not_match(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    with pytest.raises(IntegrityError, match="hash to"):
        cache.put(sha(b"one"), b"two")
    assert cache.hashes() == []
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing left behind


def test_names_must_be_sha256(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    for bad in ("../identity.json", "ABC", "0" * 63, "g" * 64):
        with pytest.raises(ValueError, match="sha256"):
            cache.path(bad)
        assert bad not in cache
    with pytest.raises(KeyError):
        cache.read("0" * 64)


def test_writer_commits_verified_stream(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    data = os.urandom(300_000)
    with cache.writer(sha(data)) as w:
        for i in range(0, len(data), 65536):
            w.write(data[i : i + 65536])
        path = w.commit()
    assert path.read_bytes() == data
    assert not cache.partial_path(sha(data)).exists()


def test_writer_resumes_a_partial_download(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    data = os.urandom(100_000)
    w = cache.writer(sha(data))
    w.write(data[:40_000])
    w.close()  # interrupted: the part stays
    assert not cache.has(sha(data))
    w2 = cache.writer(sha(data), resume=True)
    assert w2.offset == 40_000
    w2.write(data[40_000:])
    w2.commit()
    assert cache.read(sha(data)) == data


def test_writer_refuses_corrupt_stream_and_drops_it(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    data = b"x" * 1000
    w = cache.writer(sha(data))
    w.write(b"y" * 1000)
    with pytest.raises(IntegrityError, match="corrupt"):
        w.commit()
    assert not cache.has(sha(data))
    assert not cache.partial_path(sha(data)).exists()


def test_writer_restart_discards_what_was_written(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    data = b"abc" * 100
    w = cache.writer(sha(data))
    w.write(b"garbage")
    w.restart()
    w.write(data)
    w.commit()
    assert cache.read(sha(data)) == data


def test_verify_removes_a_corrupted_entry(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    data = b"good"
    cache.put(sha(data), data)
    assert cache.verify(sha(data))
    cache.path(sha(data)).write_bytes(b"bad!")
    assert not cache.verify(sha(data))
    assert not cache.has(sha(data))


def test_prune_drops_least_recently_used(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    blobs = [bytes([i]) * 1000 for i in range(4)]
    for i, blob in enumerate(blobs):
        cache.put(sha(blob), blob)
        os.utime(cache.path(sha(blob)), (1000 + i, 1000 + i))
    removed = cache.prune(2000, keep=frozenset({sha(blobs[0])}))
    assert removed == [sha(blobs[1]), sha(blobs[2])]
    assert set(cache.hashes()) == {sha(blobs[0]), sha(blobs[3])}
    assert cache.total_bytes() == 2000


def test_hashes_lists_most_recent_first_and_ignores_other_files(tmp_path: Path) -> None:
    cache = AssetCache(tmp_path)
    a, b = b"a", b"b"
    cache.put(sha(a), a)
    cache.put(sha(b), b)
    os.utime(cache.path(sha(a)), (2000, 2000))
    os.utime(cache.path(sha(b)), (1000, 1000))
    (tmp_path / "notes.txt").write_text("not an asset")
    assert cache.hashes() == [sha(a), sha(b)]
    assert cache.hashes(limit=1) == [sha(a)]
