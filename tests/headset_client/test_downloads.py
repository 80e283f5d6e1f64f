"""`AssetDownloader` over an `httpx.MockTransport`: cache hits, Range resumes, retries and the
failures that end a download (no server process)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from content_tools.format import AssetRef
from headset_client.cache import AssetCache
from headset_client.downloads import AssetDownloader
from headset_client.errors import AuthRejected, DownloadError, IntegrityError, NotEnrolled
from tests.support.threads import HeldOpener

BLOB = bytes(range(256)) * 4000  # about 1 MB: several write batches
SHA = hashlib.sha256(BLOB).hexdigest()
ASSET = AssetRef(sha256=SHA, size=len(BLOB), media_type="model/gltf-binary", path=f"{SHA}.glb")

Handler = Callable[[httpx.Request], httpx.Response]


async def chunks(data: bytes, size: int = 64 << 10) -> AsyncIterator[bytes]:
    """The body as a network would deliver it: in pieces."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def serve(blob: bytes = BLOB) -> Handler:
    """The server's side: the blob, or its tail for a Range request."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == f"/assets/{SHA}"
        assert request.headers["authorization"] == "Bearer t0ken"
        if "range" in request.headers:
            start = int(request.headers["range"].removeprefix("bytes=").rstrip("-"))
            headers = {"content-range": f"bytes {start}-{len(blob) - 1}/{len(blob)}"}
            return httpx.Response(206, content=chunks(blob[start:]), headers=headers)
        return httpx.Response(200, content=chunks(blob), headers={"content-length": str(len(blob))})

    return handler


class Site:
    """A downloader whose server is `handler`, recording the requests it got."""

    def __init__(self, cache: AssetCache) -> None:
        self.cache = cache
        self.handler: Handler = serve()
        self.requests: list[httpx.Request] = []

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def downloader(self, http: httpx.AsyncClient) -> AssetDownloader:
        return AssetDownloader(
            http, "http://venue", self.cache, retries=2, backoff_initial=0.001, backoff_max=0.01
        )


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[Site, AssetDownloader]]:
    s = Site(AssetCache(tmp_path / "cache"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(s._handle)) as http:
        yield s, s.downloader(http)


async def test_downloads_verifies_and_caches(site: tuple[Site, AssetDownloader]) -> None:
    s, downloader = site
    progress: list[tuple[int, int | None]] = []

    async def on_progress(done: int, total: int | None) -> None:
        progress.append((done, total))

    result = await downloader.download(ASSET, token="t0ken", on_progress=on_progress)
    assert (result.cached, result.downloaded_bytes) == (False, len(BLOB))
    assert result.path.read_bytes() == BLOB
    assert progress[-1] == (len(BLOB), len(BLOB))
    assert len(progress) >= 3  # reported per batch, not only at the end
    again = await downloader.download(SHA, token=None)  # cached: no token needed
    assert (again.cached, again.path) == (True, result.path)
    assert len(s.requests) == 1


async def test_an_interrupted_download_resumes_with_a_range(
    site: tuple[Site, AssetDownloader],
) -> None:
    s, downloader = site
    with s.cache.writer(SHA, resume=True) as partial:
        partial.write(BLOB[:1000])
    result = await downloader.download(ASSET, token="t0ken")
    assert s.requests[0].headers["range"] == "bytes=1000-"
    assert result.downloaded_bytes == len(BLOB) - 1000
    assert result.path.read_bytes() == BLOB


async def test_a_server_that_ignores_the_range_sends_everything(
    site: tuple[Site, AssetDownloader],
) -> None:
    s, downloader = site
    with s.cache.writer(SHA, resume=True) as partial:
        partial.write(b"stale bytes")
    s.handler = lambda _: httpx.Response(200, content=BLOB)
    result = await downloader.download(ASSET, token="t0ken")
    assert result.path.read_bytes() == BLOB


async def test_server_errors_are_retried_then_given_up(
    site: tuple[Site, AssetDownloader],
) -> None:
    s, downloader = site
    replies = iter([503, 429])
    ok = serve()
    s.handler = lambda r: httpx.Response(next(replies)) if len(s.requests) <= 2 else ok(r)
    assert (await downloader.download(ASSET, token="t0ken")).path.read_bytes() == BLOB
    assert len(s.requests) == 3

    s.cache.remove(SHA)
    s.handler = lambda _: httpx.Response(500)
    with pytest.raises(DownloadError, match=r"after 3 attempts: HTTP 500"):
        await downloader.download(ASSET, token="t0ken")


async def test_a_dropped_transfer_is_retried(site: tuple[Site, AssetDownloader]) -> None:
    s, downloader = site
    ok = serve()

    def handler(request: httpx.Request) -> httpx.Response:
        if len(s.requests) == 1:
            raise httpx.ReadError("connection reset", request=request)
        return ok(request)

    s.handler = handler
    assert (await downloader.download(ASSET, token="t0ken")).path.read_bytes() == BLOB


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (401, AuthRejected, r"refused when downloading \(HTTP 401\)"),
        (404, DownloadError, r"is not on the server \(HTTP 404\)"),
        (403, DownloadError, r"failed \(HTTP 403\)"),
    ],
)
async def test_failures_that_end_a_download(
    site: tuple[Site, AssetDownloader], status: int, error: type[Exception], message: str
) -> None:
    s, downloader = site
    s.handler = lambda _: httpx.Response(status)
    with pytest.raises(error, match=message):
        await downloader.download(ASSET, token="t0ken")
    assert len(s.requests) == 1


async def test_corrupt_bytes_never_enter_the_cache(site: tuple[Site, AssetDownloader]) -> None:
    s, downloader = site
    s.handler = serve(b"x" * len(BLOB))
    with pytest.raises(IntegrityError):
        await downloader.download(ASSET, token="t0ken")
    assert not s.cache.has(SHA)


async def test_not_enrolled_means_cache_only(site: tuple[Site, AssetDownloader]) -> None:
    s, downloader = site
    with pytest.raises(NotEnrolled):
        await downloader.download(ASSET, token=None)
    assert s.requests == []


async def test_a_download_cancelled_while_its_file_opens_closes_the_file(
    site: tuple[Site, AssetDownloader], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prefetch stopped (`download_stop`) while the worker thread opens the partial file:
    the file the thread then opens is closed, not left to the garbage collector (an unraisable
    ResourceWarning that failed a test run). The thread closes it itself: a loop that is
    shutting down runs no more callbacks, so the check below does not let the loop run."""
    s, downloader = site
    held = HeldOpener(downloader.cache.writer)
    monkeypatch.setattr(downloader.cache, "writer", held)
    task = asyncio.create_task(downloader.download(ASSET, token="t0ken"))
    await held.opening()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert held.release_and_see_closed(lambda writer: writer._file.closed)
    assert s.requests == []
