"""The WebXR headset app: `headset_client/web/` at `/headset/`, and its vendor modules at
`/vendor/<package>/...`, read from `node_modules` (no CDN, no build step).

Only an allow-list of package folders is served from `node_modules`. Paths are checked segment
by segment and the resolved file must stay inside its root, so `..`, encoded dots, backslashes
and symlinks out of the tree all get 404. App files are revalidated on every load (`no-cache`
with an ETag), so a new deployment reaches headsets at once; vendor files are pinned by
package-lock.json and cached for a day.

`safe_file` and `serve_file` are shared with the staff pages (`api/pages.py`).

Both folders are found as paths, never by importing their packages: the headset app is static
files, not Python the server runs, so the server does not import `headset_client` (the layer
above it). The defaults follow the checkout's layout (`headset_client/web/` and
`node_modules/` beside `vr_server/`, which also holds in an installed wheel, where
`headset_client/web/**` is package data beside `vr_server`); `VR_HEADSET_WEB_DIR` and
`VR_NODE_MODULES` point elsewhere. The web layer also decides where the protocol's JSON Schema
is published: in the headset app's folder, which is what the app loads.
"""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from vr_server.errors import NotFound

router = APIRouter()

_CHECKOUT = Path(__file__).resolve().parents[2]
WEB_DIR = Path(os.environ.get("VR_HEADSET_WEB_DIR", _CHECKOUT / "headset_client" / "web"))
NODE_MODULES = Path(os.environ.get("VR_NODE_MODULES", _CHECKOUT / "node_modules"))
PROTOCOL_SCHEMA_FILE = WEB_DIR / "protocol.schema.json"
"""Where `vr-server schema` publishes the protocol's JSON Schema: the headset app loads it."""

VENDOR_ALLOW: dict[str, tuple[str, ...]] = {
    "three": ("build/", "examples/jsm/"),
    "iwer": ("build/",),
    "@fontsource/noto-sans-thai": ("files/", "400.css", "700.css", "LICENSE"),
    "qrcode-generator": ("dist/",),
}
"""Package folder -> the paths inside it that may be served (a trailing / means a folder)."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
APP_CACHE = "no-cache"
VENDOR_CACHE = "public, max-age=86400"


def safe_file(root: Path, relative: str) -> Path:
    """The file `relative` below `root`, or NotFound for anything that could leave it."""
    parts = relative.split("/")
    if not relative or any(
        p in ("", ".", "..") or "\\" in p or "\x00" in p or p.startswith(".") for p in parts
    ):
        raise NotFound("no such file")
    root = root.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("no such file")
    if path.suffix.lower() not in CONTENT_TYPES:
        raise NotFound("no such file")
    return path


def validators_match(etag: str, request: Request) -> bool:
    """The request's If-None-Match names `etag` (or `*`): answer 304."""
    inm = request.headers.get("if-none-match")
    if not inm:
        return False
    return inm.strip() == "*" or etag in [v.strip() for v in inm.split(",")]


def serve_file(path: Path, request: Request, cache_control: str) -> Response:
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        "X-Content-Type-Options": "nosniff",
    }
    if validators_match(etag, request):
        return Response(status_code=304, headers=headers)
    media_type = CONTENT_TYPES[path.suffix.lower()]
    if request.method == "HEAD":
        headers["Content-Length"] = str(stat.st_size)
        return Response(status_code=200, headers=headers, media_type=media_type)
    return FileResponse(path, headers=headers, media_type=media_type)


@router.get("/headset", include_in_schema=False)
async def headset_root(request: Request) -> RedirectResponse:
    query = request.url.query
    return RedirectResponse("/headset/" + (f"?{query}" if query else ""), status_code=307)


@router.api_route("/headset/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def headset_app(path: str, request: Request) -> Response:
    return serve_file(safe_file(WEB_DIR, path or "index.html"), request, APP_CACHE)


@router.api_route("/vendor/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def vendor(path: str, request: Request) -> Response:
    for package, allowed in VENDOR_ALLOW.items():
        prefix = package + "/"
        if not path.startswith(prefix):
            continue
        inside = path[len(prefix) :]
        if not any(inside.startswith(a) if a.endswith("/") else inside == a for a in allowed):
            break
        return serve_file(safe_file(NODE_MODULES / package, inside), request, VENDOR_CACHE)
    raise NotFound("not a vendor file this server offers")
