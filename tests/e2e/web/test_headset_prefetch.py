"""The WebXR headset app prefetches in the lobby, in headless Chromium against a real server
with every scene of scenes/: every model lands in Cache Storage through granted downloads
(`X-VR-Grant`), and a scene the visitor then picks starts from the cache (its model; the
scene's sounds are fetched when it loads, not prefetched)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.conftest import scene_dirs
from tests.e2e.web.driver import Headset
from tests.support.harness import ServerProcess

pytestmark = pytest.mark.slow

SCENES = len(scene_dirs())


def test_the_app_prefetches_in_the_lobby_and_starts_from_the_cache(
    browser: Browser, scheduling_server: ServerProcess
) -> None:
    server = scheduling_server
    h = Headset(browser, server.url)
    granted: list[str | None] = []

    def on_request(request: Any) -> None:
        if "/assets/" in request.url and not request.url.endswith(".png"):
            granted.append(request.headers.get("x-vr-grant"))

    h.page.on("request", on_request)
    try:
        h.open(f"emulate=quest3&enroll={server.enrollment_code()}&timescale=20")
        h.wait_for("s.phase === 'lobby' && s.catalog.length > 0", 20)
        h.wait_for(f"s.prefetch.scheduled && s.prefetch.prefetched >= {SCENES}", 90)
        state = h.state()
        assert state["prefetch"]["grants"] >= SCENES
        models = [g for g in granted if g is not None]
        assert len(models) >= SCENES  # every model came through a grant
        cached = h.page.evaluate(
            "caches.open('vr-career-assets-v1').then((c) => c.keys()).then((k) => k.length)"
        )
        assert cached >= SCENES

        scene_id = state["catalog"][-1]["id"]
        summary = server.api(server.staff_token(), "GET", f"/api/catalog/{scene_id}").json()
        before = len(h.asset_requests)
        h.pick_scene(scene_id)
        h.wait_for("s.phase === 'session' && s.session.started", 30)
        assert h.state()["scene_cached"] is True
        # the model is not downloaded again for the visitor (its sounds are: only models are
        # prefetched)
        assert not [u for u in h.asset_requests[before:] if summary["glb_sha256"] in u]
        assert not [c for c in h.console if "pageerror" in c]
    finally:
        h.close()
