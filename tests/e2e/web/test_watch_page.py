"""The spectator view (/watch/<headset id>, opened by "Watch" on the dashboard's headset card)
in real headless Chromium: a simulated headset
(`vr-headset simulate` in a subprocess) plays the cook scene while the page loads the same GLB,
and the visitor's avatar moves with the poses the headset sends at 20 Hz; the grabbed node
follows the right hand, the step's target is highlighted and the step text is shown. Positions
are read from the page's read-only hook (`window.__watch.state()`). Set VR_SCREENSHOT_DIR to
keep the screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.web.staff_pages import TV, screenshot, signed_in
from tests.e2e.web.test_dashboard import Simulator, _headset, _wait
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess, running_server

pytestmark = pytest.mark.slow

SCENES_DIR = Path(__file__).resolve().parents[3] / "scenes"


@pytest.fixture(scope="module")
def cook_library(tmp_path_factory: pytest.TempPathFactory, ktx2_cache: Path) -> Path:
    from content_tools.package import package_scene

    dist = tmp_path_factory.mktemp("watch-library")
    # KTX2 textures, as `vr-content package` writes for the quest profiles: the page draws
    # them through three.js's KTX2Loader (its transcoder in a worker its CSP must allow)
    package_scene(SCENES_DIR / "cook", dist, textures="ktx2", ktx2_cache=ktx2_cache)
    return dist


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, cook_library: Path) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("watch-server"), [cook_library]) as proc:
        yield proc


TILE = "() => (window.__board ? window.__board.tile() : {frames: 0})"


def _state(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate("() => window.__watch.state()")
    return state


def test_the_watch_page_shows_the_visitor_moving(
    browser: Browser, server: ServerProcess, tmp_path: Path
) -> None:
    token = server.staff_token()
    sim = Simulator(server, server.enrollment_code(), tmp_path / "sim", "watched", speed=4)
    try:
        headset = _wait(lambda: _headset(server, token, sim.name), 60, "the simulated headset")
        hid = headset["id"]
        body = {"headset_id": hid, "scene_id": "cook", "language": "en"}
        assert server.api(token, "POST", "/api/sessions", body).status_code == 201
        manifest = server.api(token, "GET", "/api/catalog/cook/manifest").json()
        steps = {s["id"]: s for s in manifest["script"]["steps"]}

        context = signed_in(browser, server.url, "/dashboard/", STAFF_USER, STAFF_PASSWORD)
        dashboard = context.new_page()
        dashboard.goto(server.url + "/dashboard/")
        watch = dashboard.locator(f'article.headset[data-headset-id="{hid}"] [data-action=watch]')
        expect(watch).to_be_enabled(timeout=30_000)
        with context.expect_page() as opened:  # "Watch" on the headset's card: a new tab
            watch.click()
        page = opened.value
        page.wait_for_url(f"{server.url}/watch/{hid}")
        expect(page.locator("#watch-heading")).to_have_text(f"ดูการเล่นบน {sim.name}")
        page.click("#lang-switch")  # Thai first, English on request
        expect(page.locator("#watch-heading")).to_have_text(f"Watching {sim.name}")
        first = _wait(
            lambda: (s := _state(page))["scene_loaded"] and s["frames"] > 0 and s["step_id"] and s,
            60,
            "the scene and the first poses",
        )
        # the avatar stands where the simulated visitor is: head at standing height
        assert 1.5 < first["head"][1] < 1.7
        assert first["left"] is not None
        assert first["right"] is not None
        moved = _wait(
            lambda: (
                (s := _state(page))["frames"] > first["frames"] + 10
                and s["right"] != first["right"]
                and s
            ),
            30,
            "the avatar to move",
        )
        assert moved["head"] != first["head"]
        step = steps[moved["step_id"]]
        action = step["action"]
        target = action.get("target") or action.get("node") or step.get("highlight")
        assert moved["highlighted"] == target  # read with the step, in one state
        # a grab-and-place step: the node is where the visitor's right hand is
        grabbing = _wait(
            lambda: (s := _state(page))["grabbed"] and s["grabbed"]["position"] and s,
            120,
            "a grabbed node",
        )
        grabbed = grabbing["grabbed"]
        assert steps[grabbing["step_id"]]["action"]["node"] == grabbed["name"]
        hand = grabbing["right"]
        assert all(abs(a - b) < 0.01 for a, b in zip(grabbed["position"], hand, strict=True)), (
            grabbed,
            hand,
        )
        assert grabbing["highlighted"] == steps[grabbing["step_id"]]["action"]["target"]
        assert grabbing["step_title"] == steps[grabbing["step_id"]]["title"]["en"]
        screenshot(page, "watch-orbit")
        page.screenshot(path=str(tmp_path / "watch-orbit.png"))

        page.click("[data-mode=first_person]")
        assert _state(page)["mode"] == "first_person"
        _wait(lambda: _state(page)["frames"] > grabbing["frames"] + 5, 30, "more poses")
        page.screenshot(path=str(tmp_path / "watch-first-person.png"))

        # the queue board's "now playing" tile shows the same visitor
        board = context.new_page()
        board.set_viewport_size(TV)
        board.goto(server.url + "/queue-board/")
        tile = _wait(
            lambda: (s := board.evaluate(TILE)).get("frames", 0) > 5 and s["scene_loaded"] and s,
            60,
            "the now-playing tile",
        )
        assert tile["playing"]["headset_id"] == hid
        assert tile["watched"] == hid
        assert 1.5 < tile["head"][1] < 1.7
        expect(board.locator("#now-playing .np-caption")).to_contain_text(sim.name)
        later = _wait(
            lambda: (s := board.evaluate(TILE))["right"] != tile["right"] and s,
            30,
            "the tile's avatar to move",
        )
        assert later["frames"] > tile["frames"]
        screenshot(board, "queue-board-now-playing")
        board.screenshot(path=str(tmp_path / "queue-board.png"))
        print(f"screenshots in {tmp_path}")
        context.close()
    finally:
        sim.stop()
