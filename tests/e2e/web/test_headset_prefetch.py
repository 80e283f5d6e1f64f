"""The WebXR headset app prefetches in the lobby, in headless Chromium against a real server
with every scene of scenes/: every model lands in Cache Storage through granted downloads
(`X-VR-Grant`), with every scene's sound files (a scene is cached only whole), and a scene the
visitor then picks starts from the cache: neither its model nor its sounds are downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from content_tools.bundle import iter_bundles, load_bundle
from tests.e2e.web.driver import Headset
from tests.support.harness import ServerProcess

pytestmark = pytest.mark.slow


def test_the_app_prefetches_in_the_lobby_and_starts_from_the_cache(
    browser: Browser, scheduling_server: ServerProcess, scene_library: Path
) -> None:
    server = scheduling_server
    manifests = {m.scene.id: m for m in map(load_bundle, iter_bundles(scene_library))}
    everything = {a.sha256 for m in manifests.values() for a in (m.glb, *m.sounds)}
    assert len(everything) > len(manifests)  # the scenes have sounds
    h = Headset(browser, server.url)
    granted: list[str | None] = []

    def on_request(request: Any) -> None:
        if "/assets/" in request.url and not request.url.endswith(".png"):
            granted.append(request.headers.get("x-vr-grant"))

    h.page.on("request", on_request)
    try:
        h.open(f"emulate=quest3&enroll={server.enrollment_code()}&timescale=20")
        h.wait_for("s.phase === 'lobby' && s.catalog.length > 0", 20)
        h.wait_for(f"s.prefetch.scheduled && s.prefetch.prefetched >= {len(everything)}", 120)
        state = h.state()
        assert state["prefetch"]["grants"] >= len(everything)
        assert len([g for g in granted if g is not None]) >= len(everything)  # all granted
        cached = h.page.evaluate(
            "caches.open('vr-career-assets-v1').then((c) => c.keys())"
            ".then((keys) => keys.map((k) => k.url.split('/').pop()))"
        )
        assert everything <= set(cached)  # every model and sound file

        scene_id = state["catalog"][-1]["id"]
        own = {a.sha256 for a in (manifests[scene_id].glb, *manifests[scene_id].sounds)}
        before = len(h.asset_requests)
        h.pick_scene(scene_id)
        h.wait_for("s.phase === 'session' && s.session.started", 30)
        assert h.state()["scene_cached"] is True  # the model and the sounds from the cache
        # nothing of the scene is downloaded again for the visitor
        assert not [u for u in h.asset_requests[before:] if any(sha in u for sha in own)]
        assert not [c for c in h.console if "pageerror" in c]
    finally:
        h.close()
