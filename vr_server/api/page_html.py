"""A staff or visitor page's HTML: one frame around each page's own part.

Every page starts the same way (doctype, `lang`, charset, viewport, no favicon request, the
shared stylesheet), so that start is written once, here. A page folder of `vr_server/web/` holds
`page.html`: the page's `<title>` and any head lines of its own, then its `<body>` and what
follows. The frame puts the page's own stylesheet (`<folder>/<folder>.css`, when the folder has
one) and `</head>` before the first `<body`, and `</html>` at the end.

The composed page is kept in memory and built again when `page.html` or the stylesheet changes
(their size and modification time, checked with one `stat` each per request, as any served file
is); its ETag is a hash of the bytes, so a browser revalidates with 304.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

from vr_server.api.web import safe_file, validators_match
from vr_server.errors import NotFound

FRAME_START = """<!doctype html>
<html lang="th">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/ui/shared/base.css">
"""
PAGE_FILE = "page.html"
MEDIA_TYPE = "text/html; charset=utf-8"


def compose(folder: str, page: str, *, own_stylesheet: bool) -> str:
    """The whole document of the page in `folder`, from its `page.html` text."""
    at = page.find("<body")
    if at < 0:
        raise ValueError(f"{folder}/{PAGE_FILE} has no <body>")
    head, body = page[:at], page[at:]
    css = f'  <link rel="stylesheet" href="/ui/{folder}/{folder}.css">\n' if own_stylesheet else ""
    return f"{FRAME_START}{head}{css}</head>\n{body.rstrip()}\n</html>\n"


@dataclass(frozen=True)
class _Built:
    key: tuple[int, int, int, int]
    """(page mtime_ns, page size, stylesheet mtime_ns, stylesheet size); 0s without one."""
    html: bytes
    etag: str
    modified: float


class Pages:
    """The composed pages of one `vr_server/web/` folder, cached by their files' stamps."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[str, _Built] = {}

    def build(self, folder: str) -> _Built:
        page = safe_file(self.root, f"{folder}/{PAGE_FILE}")
        page_stat = page.stat()
        css = self.root / folder / f"{folder}.css"
        css_stat = css.stat() if css.is_file() else None
        key = (
            page_stat.st_mtime_ns,
            page_stat.st_size,
            css_stat.st_mtime_ns if css_stat else 0,
            css_stat.st_size if css_stat else 0,
        )
        built = self._built.get(folder)
        if built is None or built.key != key:
            try:
                text = compose(
                    folder, page.read_text(encoding="utf-8"), own_stylesheet=bool(css_stat)
                )
            except ValueError:
                raise NotFound("no such page") from None
            html = text.encode("utf-8")
            etag = '"' + hashlib.sha256(html).hexdigest()[:20] + '"'
            modified = max(page_stat.st_mtime, css_stat.st_mtime if css_stat else 0.0)
            built = self._built[folder] = _Built(key, html, etag, modified)
        return built

    def response(self, folder: str, request: Request, cache_control: str) -> Response:
        built = self.build(folder)
        headers = {
            "ETag": built.etag,
            "Cache-Control": cache_control,
            "Last-Modified": formatdate(built.modified, usegmt=True),
            "X-Content-Type-Options": "nosniff",
        }
        if validators_match(built.etag, request):
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(built.html))
            return Response(status_code=200, headers=headers, media_type=MEDIA_TYPE)
        return Response(built.html, headers=headers, media_type=MEDIA_TYPE)
