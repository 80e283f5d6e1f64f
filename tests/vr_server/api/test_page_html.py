"""The pages' one frame (vr_server/api/page_html.py): every page is a whole HTML document with
the shared start, its own head lines, its own stylesheet before </head>, and a 304 for a browser
that has it; a changed page.html is served changed at once."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

from vr_server.api.errors import install_error_handlers
from vr_server.api.page_html import FRAME_START, Pages, compose
from vr_server.api.pages import PAGES_DIR

PAGE_FOLDERS = sorted(p.parent.name for p in PAGES_DIR.glob("*/page.html"))


def test_compose_puts_the_frame_around_the_page() -> None:
    page = '  <title data-i18n-doc="x">X</title>\n<body class="b">\n  <main></main>\n</body>\n'
    html = compose("demo", page, own_stylesheet=True)
    assert html.startswith(FRAME_START + '  <title data-i18n-doc="x">X</title>\n')
    assert '  <link rel="stylesheet" href="/ui/demo/demo.css">\n</head>\n<body class="b">' in html
    assert html.endswith("</body>\n</html>\n")
    assert "/ui/demo/demo.css" not in compose("demo", page, own_stylesheet=False)
    with pytest.raises(ValueError, match="no <body>"):
        compose("demo", "<title>x</title>\n", own_stylesheet=False)


@pytest.mark.parametrize("folder", PAGE_FOLDERS)
def test_every_page_is_a_whole_document(folder: str) -> None:
    html = Pages(PAGES_DIR).build(folder).html.decode("utf-8")
    assert html.count("<!doctype html>") == 1
    assert html.count("<head>") == html.count("</head>") == 1
    assert html.index("<title") < html.index("</head>") < html.index("<body")
    assert html.count("<body") == html.count("</body>") == 1
    assert html.rstrip().endswith("</body>\n</html>")
    assert "/ui/shared/base.css" in html
    if (PAGES_DIR / folder / f"{folder}.css").is_file():
        assert f'href="/ui/{folder}/{folder}.css"' in html


def _app(root: Path) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    pages = Pages(root)

    @app.api_route("/{folder}/", methods=["GET", "HEAD"])
    def page(folder: str, request: Request) -> Response:
        return pages.response(folder, request, "no-cache")

    return app


async def test_etag_304_head_and_a_changed_page(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    source = tmp_path / "demo" / "page.html"
    source.write_text("  <title>One</title>\n<body>one</body>\n", encoding="utf-8")
    transport = httpx.ASGITransport(app=_app(tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        first = await client.get("/demo/")
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>One</title>" in first.text
        etag = first.headers["etag"]
        assert (await client.get("/demo/", headers={"If-None-Match": etag})).status_code == 304
        head = await client.head("/demo/")
        assert head.headers["content-length"] == str(len(first.content))
        source.write_text("  <title>Two</title>\n<body>two, longer</body>\n", encoding="utf-8")
        os.utime(source, ns=(1, 1))
        second = await client.get("/demo/", headers={"If-None-Match": etag})
        assert second.status_code == 200
        assert "<title>Two</title>" in second.text
        assert second.headers["etag"] != etag
        (tmp_path / "demo" / "demo.css").write_text("body {}", encoding="utf-8")
        assert "/ui/demo/demo.css" in (await client.get("/demo/")).text
        assert (await client.get("/missing/")).status_code == 404
        (tmp_path / "broken").mkdir()
        (tmp_path / "broken" / "page.html").write_text("<title>no body</title>", encoding="utf-8")
        assert (await client.get("/broken/")).status_code == 404
