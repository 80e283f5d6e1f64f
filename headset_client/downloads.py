"""Asset downloads into the `AssetCache`: resumable (HTTP Range), verified, retried.

`AssetDownloader` speaks HTTP through the `httpx.AsyncClient` it is given (tests pass one on an
`httpx.MockTransport`). A cached asset is returned at once. Otherwise `GET /assets/<sha256>`
with the device token streams into a `CacheWriter` in batches (written from a worker thread);
an interrupted transfer keeps what arrived and the next attempt asks for the rest only. The
bytes are checked against the sha256 before the file enters the cache (`IntegrityError`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from content_tools.format import AssetRef
from headset_client.cache import AssetCache, CacheWriter, check_sha256
from headset_client.errors import (
    AuthRejected,
    DownloadError,
    IntegrityError,
    NotEnrolled,
    describe,
)
from vr_server.tasks import open_in_thread

__all__ = ["AssetDownloader", "DownloadResult", "ProgressHook"]

_WRITE_BATCH = 256 << 10
GRANT_HEADER = "X-VR-Grant"

ProgressHook = Callable[[int, int | None], Awaitable[None]]
"""Called with (bytes done, bytes expected or None) while an asset downloads."""


@dataclass(frozen=True)
class DownloadResult:
    sha256: str
    path: Path
    cached: bool
    """The asset was already in the cache; nothing was downloaded."""
    downloaded_bytes: int
    seconds: float


class _Retry(Exception):
    """A download attempt failed in a way that another attempt may fix."""


@dataclass
class AssetDownloader:
    """Fetches assets from the server at `base_url` (http(s)://host:port) into `cache`.

    A failed attempt that another may fix (HTTP 5xx or 429, a dropped transfer, a refused
    resume) is retried up to `retries` times, waiting `backoff_initial` doubling up to
    `backoff_max` seconds in between.
    """

    http: httpx.AsyncClient
    base_url: str
    cache: AssetCache
    retries: int = 3
    backoff_initial: float = 0.25
    backoff_max: float = 5.0

    async def download(
        self,
        asset: AssetRef | str,
        *,
        token: str | None,
        on_progress: ProgressHook | None = None,
        grant: str | None = None,
    ) -> DownloadResult:
        """Fetch an asset into the cache (nothing to do when cached) and return its path.

        `token` is the device token (None: not enrolled, so only a cached asset is found);
        `grant` a download grant of the server's (sent as `X-VR-Grant`, headset_client/
        distribution.py).
        Raises IntegrityError when the bytes do not match, DownloadError for other failures.
        """
        sha = check_sha256(asset.sha256 if isinstance(asset, AssetRef) else asset)
        expected = asset.size if isinstance(asset, AssetRef) else None
        started = time.monotonic()
        if self.cache.has(sha):
            await asyncio.to_thread(self.cache.touch, sha)
            if on_progress is not None:
                size = self.cache.size(sha)
                await on_progress(size or 0, size)
            return DownloadResult(sha, self.cache.path(sha), True, 0, 0.0)
        if token is None:
            raise NotEnrolled("enroll before downloading assets")
        attempt = 0
        while True:
            try:
                path, n = await self._download_once(sha, token, expected, on_progress, grant)
            except _Retry as exc:
                attempt += 1
                if attempt > self.retries:
                    raise DownloadError(
                        f"could not download asset {sha[:12]}… after {attempt} attempts: {exc}"
                    ) from exc
                await asyncio.sleep(min(self.backoff_max, self.backoff_initial * 2**attempt))
                continue
            return DownloadResult(sha, path, False, n, time.monotonic() - started)

    async def _download_once(
        self,
        sha: str,
        token: str,
        expected: int | None,
        on_progress: ProgressHook | None,
        grant: str | None,
    ) -> tuple[Path, int]:
        url = f"{self.base_url}/assets/{sha}"
        writer = await _open_writer(self.cache, sha)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            if grant is not None:
                headers[GRANT_HEADER] = grant
            if writer.offset:
                headers["Range"] = f"bytes={writer.offset}-"
            received = await self._receive(url, headers, writer, expected, on_progress)
            if expected is not None and writer.written < expected:
                raise _Retry(f"the transfer stopped after {writer.written} of {expected} bytes")
            resumed = writer.offset > 0
            try:
                path = await asyncio.to_thread(writer.commit)
            except IntegrityError as exc:
                if resumed:  # the kept part may have been stale: start over once
                    raise _Retry(str(exc)) from exc
                raise
            if on_progress is not None:
                await on_progress(writer.written, writer.written)
            return path, received
        finally:
            writer.close()

    async def _receive(
        self,
        url: str,
        headers: dict[str, str],
        writer: CacheWriter,
        expected: int | None,
        on_progress: ProgressHook | None,
    ) -> int:
        """Stream the reply's body into `writer`; the number of bytes received."""
        sha = writer.sha256
        received = 0
        batch: list[bytes] = []
        try:
            async with self.http.stream("GET", url, headers=headers) as reply:
                status = reply.status_code
                if status == 401:
                    raise AuthRejected("device token refused when downloading (HTTP 401)")
                if status == 404:
                    raise DownloadError(f"asset {sha[:12]}… is not on the server (HTTP 404)")
                resumed_wrong = status == 206 and not _range_starts_at(reply, writer.offset)
                if status == 416 or resumed_wrong:
                    writer.restart()
                    raise _Retry(f"the server refused to resume the download (HTTP {status})")
                if status >= 500 or status == 429:
                    raise _Retry(f"HTTP {status}")
                if status not in (200, 206):
                    raise DownloadError(f"downloading asset {sha[:12]}… failed (HTTP {status})")
                if status == 200 and writer.offset:
                    writer.restart()  # the server sent the whole file
                total = expected
                if total is None and "content-length" in reply.headers:
                    total = writer.offset + int(reply.headers["content-length"])
                batched = 0
                async for chunk in reply.aiter_bytes():
                    batch.append(chunk)
                    batched += len(chunk)
                    received += len(chunk)
                    if batched >= _WRITE_BATCH:
                        await asyncio.to_thread(writer.write, b"".join(batch))
                        batch, batched = [], 0
                        if on_progress is not None:
                            await on_progress(writer.written, total)
                if batch:
                    await asyncio.to_thread(writer.write, b"".join(batch))
                    batch = []
        except httpx.TransportError as exc:
            if batch:  # keep what arrived: the next attempt asks for the rest only
                await asyncio.to_thread(writer.write, b"".join(batch))
            raise _Retry(describe(exc)) from exc
        return received


async def _open_writer(cache: AssetCache, sha: str) -> CacheWriter:
    """`cache.writer(sha, resume=True)` in a worker thread (resuming hashes the kept bytes).
    When the caller is cancelled meanwhile (a `download_stop`, a closing client), the writer
    the thread still makes is closed rather than left open for the garbage collector to
    find, also while the event loop shuts down (vr_server/tasks.py)."""
    return await open_in_thread(lambda: cache.writer(sha, resume=True), CacheWriter.close)


def _range_starts_at(reply: httpx.Response, offset: int) -> bool:
    value = reply.headers.get("content-range", "")
    # "bytes 1000-1999/2000"
    try:
        unit, rest = value.split(" ", 1)
        return unit == "bytes" and int(rest.split("-", 1)[0]) == offset
    except ValueError:
        return False
