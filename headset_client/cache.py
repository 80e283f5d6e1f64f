"""An on-disk cache of downloaded assets (GLB models, thumbnails), addressed by sha256.

Layout under the root folder:

    <sha256>               a complete asset whose bytes hash to its name
    .partial/<sha256>      an interrupted download, resumed with an HTTP Range request
    .tmp/                  files being written; renamed into place when complete

Every entry is verified before it is stored and written atomically (temporary file, fsync,
rename), so a crash or a power cut never leaves a truncated asset under a valid name. The cache
is synchronous; async callers run it in a worker thread (hashing must not block the loop).
One process writes a given cache folder at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from content_tools.files import fsync_dir
from content_tools.hashing import SHA256_RE
from headset_client.errors import IntegrityError
from headset_client.files import write_durably

_CHUNK = 1 << 20


def check_sha256(sha256: str) -> str:
    """Return `sha256` if it is 64 lower-case hex digits, else raise ValueError."""
    if not SHA256_RE.match(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


def sha256_file(path: Path, *, into: hashlib._Hash | None = None) -> str:
    digest = into if into is not None else hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class CacheWriter:
    """Streams one asset into the cache: `write()` chunks, then `commit()` (verifies).

    With `resume=True` the bytes of an earlier interrupted download are kept: `offset` says how
    many there are, so the caller can ask the server for the rest only.
    """

    def __init__(self, cache: AssetCache, sha256: str, *, resume: bool) -> None:
        self.cache = cache
        self.sha256 = check_sha256(sha256)
        self.path = cache.partial_path(sha256)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._digest = hashlib.sha256()
        if resume and self.path.exists():
            sha256_file(self.path, into=self._digest)
            self._file: BinaryIO = self.path.open("ab")
        else:
            self._file = self.path.open("wb")
        self.offset = self._file.tell()
        self.written = self.offset

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._digest.update(data)
        self.written += len(data)

    def restart(self) -> None:
        """Throw away what was written (the server ignored the Range request)."""
        self._file.seek(0)
        self._file.truncate()
        self._digest = hashlib.sha256()
        self.offset = self.written = 0

    def commit(self) -> Path:
        """Check the bytes against the sha256 and move them into the cache."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        actual = self._digest.hexdigest()
        if actual != self.sha256:
            self.path.unlink(missing_ok=True)
            raise IntegrityError(
                f"asset {self.sha256[:12]}… is corrupt: its {self.written} bytes hash to "
                f"{actual[:12]}…"
            )
        target = self.cache.path(self.sha256)
        os.replace(self.path, target)
        fsync_dir(target.parent)
        return target

    def close(self) -> None:
        """Stop writing and keep the partial file, so a later download can resume."""
        if not self._file.closed:
            self._file.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> CacheWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AssetCache:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / check_sha256(sha256)

    def partial_path(self, sha256: str) -> Path:
        return self.root / ".partial" / check_sha256(sha256)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def __contains__(self, sha256: object) -> bool:
        return isinstance(sha256, str) and bool(SHA256_RE.match(sha256)) and self.has(sha256)

    def hashes(self, limit: int = 2000) -> list[str]:
        """The cached sha256s, most recently used first (at most `limit`)."""
        entries: list[tuple[float, str]] = []
        for p in self.root.iterdir():
            if SHA256_RE.match(p.name) and p.is_file():
                entries.append((p.stat().st_mtime, p.name))
        entries.sort(reverse=True)
        return [name for _, name in entries[:limit]]

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def total_bytes(self) -> int:
        return sum(self.size(sha) or 0 for sha in self.hashes(limit=1 << 30))

    def read(self, sha256: str) -> bytes:
        """The bytes of a cached asset; KeyError when it is not cached."""
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyError(sha256) from None
        self.touch(sha256)
        return data

    def touch(self, sha256: str) -> None:
        """Mark an entry as used now (pruning drops the least recently used first)."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(self.path(sha256))

    def put(self, sha256: str, data: bytes) -> Path:
        """Store `data` under `sha256`, which it must hash to (else IntegrityError)."""
        check_sha256(sha256)
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise IntegrityError(
                f"refusing to cache {len(data)} bytes as {sha256[:12]}…: they hash to "
                f"{actual[:12]}…"
            )
        target = self.path(sha256)
        tmp_dir = self.root / ".tmp"
        tmp_dir.mkdir(exist_ok=True)
        write_durably(target, data, tmp_dir=tmp_dir, prefix=sha256[:12])
        fsync_dir(self.root)
        return target

    def writer(self, sha256: str, *, resume: bool = False) -> CacheWriter:
        return CacheWriter(self, sha256, resume=resume)

    def verify(self, sha256: str) -> bool:
        """Re-hash a cached entry; a corrupt one is removed. False when missing or corrupt."""
        path = self.path(sha256)
        if not path.is_file():
            return False
        if sha256_file(path) == sha256:
            return True
        path.unlink(missing_ok=True)
        return False

    def remove(self, sha256: str) -> bool:
        path = self.path(sha256)
        existed = path.exists()
        path.unlink(missing_ok=True)
        self.partial_path(sha256).unlink(missing_ok=True)
        return existed

    def prune(self, max_bytes: int, *, keep: frozenset[str] = frozenset()) -> list[str]:
        """Remove least recently used entries (except `keep`) until at most `max_bytes` remain."""
        entries = self.hashes(limit=1 << 30)
        total = sum(self.size(sha) or 0 for sha in entries)
        removed: list[str] = []
        for sha in reversed(entries):
            if total <= max_bytes:
                break
            if sha in keep:
                continue
            total -= self.size(sha) or 0
            self.remove(sha)
            removed.append(sha)
        return removed
