"""`/assets/{sha256}`: content-addressed files, immutable, with ETag, 304 and single ranges.

The URL names the sha256 of the bytes, so a URL can never serve two different byte strings:
the file is only in the blob store under that name if its bytes hash to it.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from content_tools.hashing import SHA256_RE
from vr_server.api.deps import CatalogDep, CredentialFirstRoute, ServicesDep
from vr_server.errors import NotFound
from vr_server.services import Services
from vr_server.services.shaping import Shaper, shaped
from vr_server.serving.pathsend import EXTENSION as PATHSEND
from vr_server.storage.blobs import BlobNotFound
from vr_server.tasks import open_in_thread

router = APIRouter(route_class=CredentialFirstRoute)
CHUNK = 1024 * 1024
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(start, end inclusive), None when absent or not a single range, 'unsatisfiable'."""
    match = _RANGE_RE.match(header.strip())
    if match is None:
        return None  # multiple or malformed ranges: serve the whole file (RFC 9110 allows)
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, min(end, size - 1)


async def _read(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    """The bytes [start, start + length) in CHUNK pieces, read in a worker thread (the event
    loop never waits for the disk), each next piece read while the current one is sent."""
    fd = await open_in_thread(lambda: os.open(path, os.O_RDONLY), os.close)
    pending: asyncio.Future[bytes] | None = None

    def read_ahead(offset: int, remaining: int) -> asyncio.Future[bytes] | None:
        if remaining <= 0:
            return None
        return asyncio.ensure_future(asyncio.to_thread(os.pread, fd, min(CHUNK, remaining), offset))

    try:
        offset, remaining = start, length
        pending = read_ahead(offset, remaining)
        while pending is not None:
            chunk = await pending
            pending = None
            if not chunk:
                break
            offset += len(chunk)
            remaining -= len(chunk)
            pending = read_ahead(offset, remaining)
            yield chunk
    finally:
        if pending is not None and not pending.done():
            # A read in flight still uses the descriptor: close it when the read is over.
            pending.add_done_callback(lambda f: _close_after(f, fd))
        else:
            os.close(fd)


def _close_after(read: asyncio.Future[bytes], fd: int) -> None:
    if not read.cancelled():
        read.exception()  # retrieved, so that an error is not reported as unhandled
    os.close(fd)


GRANT_HEADER = "x-vr-grant"
"""A headset's download grant (docs/protocol.md: distribution): sent at the grant's rate."""


@router.api_route("/assets/{sha256}", methods=["GET", "HEAD"], tags=["assets"])
async def asset(sha256: str, request: Request, who: CatalogDep, services: ServicesDep) -> Response:
    headset = who.subject_id if who.kind == "device" else None
    return await blob_response(sha256, request, services, headset=headset)


async def blob_response(
    sha256: str, request: Request, services: Services, *, headset: str | None = None
) -> Response:
    """A stored blob by its sha256, with ETag, ranges (206) and If-None-Match (304): the
    headsets' `/assets/` and the venues' `/api/sync/blobs/` (api/sync.py). `headset`: the
    headset asking, whose download grant (`X-VR-Grant`) sets the rate it is sent at."""
    if not SHA256_RE.match(sha256):
        raise NotFound("assets are named by the sha256 of their bytes (64 hex digits)")
    media_type = await services.catalog.asset_media_type(sha256)
    if media_type is None:
        raise NotFound(f"no asset {sha256}")
    etag = f'"{sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable",
        "Accept-Ranges": "bytes",
    }
    inm = request.headers.get("if-none-match")
    if inm and (inm.strip() == "*" or etag in [v.strip() for v in inm.split(",")]):
        # The bytes behind a name never change: no need to have them here to say so.
        return Response(status_code=304, headers=headers)
    try:
        # Fetched from the S3 bucket first when only it has the blob (BadGateway when the
        # bucket's bytes do not match, Unavailable when it cannot be reached).
        path, size = await services.blobs.locate(sha256)
    except (BlobNotFound, FileNotFoundError) as exc:
        raise NotFound(f"no asset {sha256}") from exc
    shaper = services.distribution.shaper(headset, sha256, request.headers.get(GRANT_HEADER))
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and (if_range is None or if_range.strip() == etag):
        parsed = _parse_range(range_header, size)
        if parsed == "unsatisfiable":
            return Response(
                status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"}
            )
        if isinstance(parsed, tuple):
            start, end = parsed
            length = end - start + 1
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            headers["Content-Length"] = str(length)
            return StreamingResponse(
                _body(path, start, length, shaper),
                status_code=206,
                headers=headers,
                media_type=media_type,
            )
    headers["Content-Length"] = str(size)
    if request.method == "HEAD":
        return Response(status_code=200, headers=headers, media_type=media_type)
    if shaper is None and PATHSEND in request.scope.get("extensions", {}):
        return PathsendResponse(path, headers=headers, media_type=media_type)
    return StreamingResponse(_body(path, 0, size, shaper), headers=headers, media_type=media_type)


def _body(path: Path, start: int, length: int, shaper: Shaper | None) -> AsyncIterator[bytes]:
    """The bytes, through the download's token buckets when it has any (a grant's rate,
    the simulated access point)."""
    chunks = _read(path, start, length)
    return chunks if shaper is None else shaped(chunks, *shaper)


class PathsendResponse(Response):
    """The whole file, sent by the server itself (`vr_server.serving.pathsend`: sendfile, no copy
    through Python); only returned when the scope offers the extension."""

    def __init__(self, path: Path, *, headers: dict[str, str], media_type: str) -> None:
        super().__init__(status_code=200, headers=headers, media_type=media_type)
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await send({"type": PATHSEND, "path": str(self.path)})
