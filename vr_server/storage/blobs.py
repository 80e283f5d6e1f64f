"""Content-addressed blob files on disk: `<blob_dir>/<aa>/<sha256>`, on their own or as this
instance's cache of a remote store (the S3 bucket of `VR_BLOB_S3_URL`, storage/blobs_s3.py).

A blob is written to a temporary file, hashed, and renamed into place only if its sha256 is the
one claimed, so a path never holds bytes other than its name says. Everything here blocks and
is called through `asyncio.to_thread`, but `locate`, which is for the event loop.

With a remote store:
- write-through: a new blob goes to the remote store first, then into the directory. When the
  remote store cannot be reached the blob is stored nowhere (`Unavailable`), so a blob in the
  directory is in the remote store too.
- read-through: `local_path` downloads a blob only the remote store has into the directory
  (to a temporary file, hashed as it arrives, renamed into place only if it matches), so it is
  served from a local file like any other. Bytes that do not match raise `BadGateway`; nothing
  is kept.
- `exists` asks the remote store about a blob the directory lacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, ParamSpec, Protocol, TypeVar

from content_tools.hashing import SHA256_RE, sha256_file
from vr_server.errors import BadGateway, Invalid, NotFound, Unavailable

P = ParamSpec("P")
T = TypeVar("T")
CHUNK = 1024 * 1024
INCOMING_PREFIX = ".incoming-"
UPLOAD_PREFIX = ".upload-"
FETCH_PREFIX = ".fetch-"
TEMP_PREFIXES = (INCOMING_PREFIX, UPLOAD_PREFIX, FETCH_PREFIX)
"""Temporary files beside the blobs: imports and uploads arriving, fetches from the bucket."""
FETCH_THREADS = 8
"""Blobs fetched from the remote store at once; more wait for a free thread."""
log = logging.getLogger(__name__)


class BlobMismatch(Invalid):
    """Incoming bytes do not hash to the sha256 they were offered as."""


class BlobNotFound(NotFound):
    """Neither the directory nor the remote store has the blob."""


class RemoteBlobs(Protocol):
    """Blobs kept outside this instance, shared by every instance (an S3 bucket). Every method
    blocks; when the store cannot be reached they raise `vr_server.errors.Unavailable` with a
    message naming it."""

    @property
    def location(self) -> str:
        """Where the blobs are, for messages (e.g. `s3://bucket/prefix at http://minio:9000`)."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def upload(self, path: Path, sha256: str) -> None:
        """Store the file `path` as blob `sha256` (its bytes are checked by the caller)."""
        ...

    def download(self, sha256: str, write: Callable[[bytes], object]) -> bool:
        """Hand the blob's bytes to `write`, piece by piece; False when the store lacks it."""
        ...

    def close(self) -> None:
        """Close its connections."""
        ...


@dataclass(frozen=True)
class BlobFile:
    """A file in the blob directory: a blob (`sha256` set) or a leftover temporary file."""

    path: Path
    sha256: str | None
    size: int
    modified: float
    """Its mtime: when it was stored, or last offered again (`commit`, `put_file`)."""


class BlobStore:
    def __init__(self, root: Path, remote: RemoteBlobs | None = None) -> None:
        self.root = root
        self.remote = remote
        self._fetching = _KeyedLocks()
        self._remote_failing = False  # the last call to the remote store could not reach it
        # Fetches from the bucket take seconds each: they get threads of their own, so that
        # a job fair's first downloads of cold blobs do not take every thread of asyncio's
        # default pool (which the rest of the server waits on).
        self._fetchers = (
            ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="vr-blob-fetch")
            if remote is not None
            else None
        )

    def close(self) -> None:
        if self._fetchers is not None:
            self._fetchers.shutdown(wait=False, cancel_futures=True)
        if self.remote is not None:
            self.remote.close()

    @property
    def remote_state(self) -> Literal["none", "ok", "unreachable"]:
        """How the last call to the remote store went ("none" when there is none). For
        /health: no call is made to find out, so a health check never waits for the bucket."""
        if self.remote is None:
            return "none"
        return "unreachable" if self._remote_failing else "ok"

    def _remote(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """A call to the remote store, noting whether it could be reached."""
        try:
            result = call(*args, **kwargs)
        except Unavailable:
            self._remote_failing = True
            raise
        self._remote_failing = False
        return result

    def files(self) -> Iterator[BlobFile]:
        """Every blob and temporary file in the directory (not in the remote store); names
        that are neither are never listed, so nothing else is ever taken for a blob."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if len(folder.name) != 2 or not folder.is_dir() or folder.is_symlink():
                continue
            for path in sorted(folder.iterdir()):
                blob = SHA256_RE.match(path.name) and path.name.startswith(folder.name)
                if not blob and not path.name.startswith(TEMP_PREFIXES):
                    continue
                info = path.lstat()
                if stat.S_ISREG(info.st_mode):
                    name = path.name if blob else None
                    yield BlobFile(path, name, info.st_size, info.st_mtime)

    def path_for(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        """In the directory, or else in the remote store."""
        if self.path_for(sha256).is_file():
            return True
        return self.remote is not None and self._remote(self.remote.exists, sha256)

    async def locate(self, sha256: str) -> tuple[Path, int]:
        """`local_path` and the file's size, from the event loop: the stat in asyncio's default
        threads, a fetch from the remote store in the store's own FETCH_THREADS."""
        target = self.path_for(sha256)
        try:
            return target, (await asyncio.to_thread(target.stat)).st_size
        except FileNotFoundError:
            if self.remote is None:
                raise BlobNotFound(sha256) from None

        def fetch() -> tuple[Path, int]:
            path = self.local_path(sha256)
            return path, path.stat().st_size

        return await asyncio.get_running_loop().run_in_executor(self._fetchers, fetch)

    def local_path(self, sha256: str) -> Path:
        """The blob's file in the directory, downloaded from the remote store first when only
        it has the blob. BlobNotFound when neither has it; BadGateway when the remote bytes do
        not hash to `sha256` (nothing is kept); Unavailable when the remote cannot be reached.
        Threads asking for the same blob at once wait for one download."""
        target = self.path_for(sha256)
        if target.is_file():
            return target
        if self.remote is None:
            raise BlobNotFound(sha256)
        with self._fetching.hold(sha256):
            if not target.is_file():  # another thread may have fetched it meanwhile
                self._fetch(self.remote, sha256, target)
        return target

    def put_file(self, source: Path, sha256: str) -> int:
        """Copy `source` in as blob `sha256` (into the remote store too, when there is one);
        raises BlobMismatch if the bytes differ, and Unavailable, storing nothing, when the
        remote store cannot be reached."""
        target = self.path_for(sha256)
        if target.is_file():
            # Stored already: still check that the incoming bytes are what they claim to be.
            actual = sha256_file(source)
            if actual != sha256:
                raise BlobMismatch(f"{source.name}: sha256 is {actual}, the manifest says {sha256}")
            # A directory filled before the bucket was configured: the bucket gets it now.
            self._push(target, sha256)
            _touch(target)
            return source.stat().st_size
        incoming = IncomingBlob(target, INCOMING_PREFIX)
        try:
            with source.open("rb") as src:
                while chunk := src.read(CHUNK):
                    incoming.write(chunk)
            actual = incoming.finish()
            if actual != sha256:
                raise BlobMismatch(f"{source.name}: sha256 is {actual}, the manifest says {sha256}")
            self.commit(incoming.tmp, sha256)
            return incoming.size
        finally:
            incoming.discard()

    def commit_incoming(self, incoming: IncomingBlob, sha256: str) -> bool:
        """`commit` the finished `incoming`, whose sha256 the caller has checked."""
        incoming.finish()
        return self.commit(incoming.tmp, sha256)

    def commit(self, tmp: Path, sha256: str) -> bool:
        """Move `tmp`, a complete file in the blob's folder whose bytes the caller has checked
        against `sha256`, in as that blob: into the remote store first (Unavailable, and nothing
        stored, when it cannot be reached), then into the directory. True when this stored the
        blob, False when it was stored already (in the remote store, when there is one)."""
        target = self.path_for(sha256)
        had = target.is_file()
        uploaded = self._push(tmp, sha256)
        if had:
            _touch(target)
        else:
            os.replace(tmp, target)
        return uploaded if self.remote is not None else not had

    def _push(self, path: Path, sha256: str) -> bool:
        """Upload to the remote store unless it has the blob; True when uploaded."""
        if self.remote is None or self._remote(self.remote.exists, sha256):
            return False
        self._remote(self.remote.upload, path, sha256)
        return True

    def _fetch(self, remote: RemoteBlobs, sha256: str, target: Path) -> None:
        incoming = IncomingBlob(target, FETCH_PREFIX)
        try:
            found = self._remote(remote.download, sha256, incoming.write)
            actual = incoming.finish()
            if not found:
                raise BlobNotFound(sha256)
            if actual != sha256:
                message = (
                    f"blob {sha256} in {remote.location} has other bytes (their sha256 is "
                    f"{actual}): the object was changed in the bucket; it is neither served nor "
                    "cached. Put the right file back (`vr-content publish` uploads it again)."
                )
                log.error("%s", message)
                raise BadGateway(message)
            os.replace(incoming.tmp, target)
        finally:
            incoming.discard()


class IncomingBlob:
    """A blob's bytes being written to a temporary file beside its place in the store, hashed
    and counted as they arrive (an import, an upload, a fetch from the bucket). Blocking: from
    the event loop, call it through asyncio.to_thread."""

    def __init__(self, target: Path, prefix: str) -> None:
        self.tmp, self._file = _temp_file(target, prefix)
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._digest.update(data)
        self.size += len(data)
        self._file.write(data)

    @property
    def sha256(self) -> str:
        """The sha256 of the bytes written so far."""
        return self._digest.hexdigest()

    def finish(self) -> str:
        """Make the bytes durable (flush, fsync, close); their sha256."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        return self.sha256

    def discard(self) -> None:
        """Remove the temporary file unless it was moved into place (call it in `finally`)."""
        if not self._file.closed:
            self._file.close()
        self.tmp.unlink(missing_ok=True)


def _touch(path: Path) -> None:
    """Mark a stored blob as just offered again, so `vr-server gc` counts its grace period
    from now (an author may be about to publish a version that uses it)."""
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)


def _temp_file(target: Path, prefix: str) -> tuple[Path, BinaryIO]:
    """A new temporary file next to `target`, readable by all like a copied file: mkstemp
    makes 0600 files, but content files are served by whoever shares the directory (other
    instances, nginx's workers)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix)
    os.fchmod(fd, 0o644)
    return Path(name), os.fdopen(fd, "wb")


class _KeyedLocks:
    """A lock per key, kept only while a thread holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)
