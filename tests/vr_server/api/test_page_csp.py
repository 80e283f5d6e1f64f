"""The staff pages' Content-Security-Policy (vr_server/api/pages.py): a page with an inline
import map (the watch page, the queue board: three.js from /vendor/) gets that one script
allowed by its sha256, and WebAssembly for the glTF decoders; other pages keep the strict one."""

from __future__ import annotations

import base64
import hashlib

from vr_server.api.page_html import Pages
from vr_server.api.pages import _CSP, PAGES_DIR, _csp


def test_an_import_map_is_allowed_by_its_hash_and_nothing_else() -> None:
    importmap = '{"imports": {"three": "/vendor/three/build/three.module.js"}}'
    html = f'<head><script type="importmap">{importmap}</script></head><body></body>'.encode()
    digest = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
    csp = _csp(html)
    # the KTX2 transcoder's embind bindings are made with `new Function`
    assert f"script-src 'self' 'sha256-{digest}' 'wasm-unsafe-eval' 'unsafe-eval';" in csp
    # three.js runs its Draco decoder and KTX2 transcoder in workers made from blob: URLs
    assert "worker-src 'self' blob:;" in csp
    assert "blob:" not in csp.split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert _csp(b"<head></head><body><script>alert(1)</script></body>") == _CSP


def test_the_pages_that_draw_scenes_carry_an_import_map_and_the_others_do_not() -> None:
    pages = Pages(PAGES_DIR)
    with_map = {
        folder
        for folder in ("watch", "queue_board", "dashboard", "stats", "login")
        if _csp(pages.build(folder).html) != _CSP
    }
    assert with_map == {"watch", "queue_board"}
