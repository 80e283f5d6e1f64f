"""The WebXR headset app's pose frames (headset_client/web/poses.js) on an emulated Quest 3
against a real server: a staff client's `watch` raises the app's pose rate to 20 Hz, its
`pose` frames reach the watcher in the scene's coordinates (moving the emulated head moves the
relayed head by as much), the grabbed node rides along near the right controller, and the
rate drops back to 2 Hz (no more frames) when the watcher leaves. And the staff's watch page
(/watch/<id>) leaves a node the visitor let go of where the headset did: back at rest after a
wrong place, on the target after the right one (the `d` of the pose frames)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from websockets.sync.client import ClientConnection, connect

from tests.e2e.web.driver import Headset
from tests.e2e.web.staff_pages import screenshot, signed_in
from tests.e2e.web.test_headset_app import _wait_frame
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess

pytestmark = pytest.mark.slow


def _pose(staff: ClientConnection, where: Any = lambda f: True) -> dict[str, Any]:
    """The next `watched_pose` that `where` accepts (earlier ones are skipped)."""
    return _wait_frame(staff, lambda f: f["type"] == "watched_pose" and where(f))


def _play_cook(headset: Headset, enrollment_code: str) -> None:
    """Enroll the emulated headset and start the cook scene in kiosk mode, in English."""
    headset.open(f"emulate=quest3&enroll={enrollment_code}&timescale=4&lang=en")
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    headset.pick_scene("cook")
    headset.wait_for("s.phase === 'session' && s.session.started", 20)


def test_the_app_sends_poses_while_watched(
    headset: Headset, kiosk_server: ServerProcess, enrollment_code: str, staff_token: str
) -> None:
    _play_cook(headset, enrollment_code)
    assert headset.state()["poses"] == {"hz": 2, "sent": 0}
    headset_id = headset.state()["headset"]["id"]
    at = {"x": 0.0, "y": 1.6, "z": 0.0}
    headset.dispatch("set_transform", {"device": "headset", "position": at})
    with connect(f"{kiosk_server.ws_url}/ws/staff", open_timeout=10) as staff:
        staff.send(json.dumps({"type": "auth", "token": staff_token}))
        assert json.loads(staff.recv(timeout=10))["type"] == "snapshot"
        staff.send(json.dumps({"type": "watch", "request_id": "w", "headset_id": headset_id}))
        headset.wait_for("s.poses.hz === 20 && s.poses.sent > 5", 10)
        first = _pose(staff)
        assert first["headset_id"] == headset_id
        assert first["l"] is not None
        assert first["r"] is not None
        assert abs(sum(q * q for q in first["h"][3:]) - 1_000_000) < 5_000  # unit quaternion
        # 30 cm to the right and 20 cm lower: the relayed head moves by as much (the scene
        # sits at a fixed offset under the stage, so differences are what can be checked)
        headset.dispatch(
            "set_transform", {"device": "headset", "position": {**at, "x": 0.3, "y": 1.4}}
        )
        moved = _pose(staff, lambda f: f["h"][0] != first["h"][0])
        dx, dy = moved["h"][0] - first["h"][0], moved["h"][1] - first["h"][1]
        assert abs(dx - 300) <= 5, (first["h"], moved["h"])
        assert abs(dy + 200) <= 5, (first["h"], moved["h"])

        # on to the first grab-and-place step; while the visitor holds the node it rides along
        # in every frame, close to the right controller (the node keeps its offset in the hand)
        while headset.state()["session"]["action"]["kind"] != "grab_place":
            headset.play_step()
        node = headset.state()["session"]["action"]["node"]
        headset.page.evaluate("(n) => window.__drive.aimAtNode(n)", node)
        headset.page.evaluate("window.__drive.trigger(1)")
        headset.wait_for(f"s.grabbing.includes({json.dumps(node)})", 5)
        held = _pose(staff, lambda f: "g" in f and f["g"]["n"] == node)
        gap = sum((a - b) ** 2 for a, b in zip(held["g"]["p"][:3], held["r"][:3], strict=True))
        assert gap**0.5 < 400, held  # millimetres
        headset.page.evaluate("window.__drive.trigger(0)")
    # the watcher left: back to 2 Hz, and no more frames
    headset.wait_for("s.poses.hz === 2", 15)
    sent = headset.state()["poses"]["sent"]
    time.sleep(0.5)
    assert headset.state()["poses"]["sent"] == sent


def _watched(page: Page, check: Any, what: str, timeout: float = 20.0) -> dict[str, Any]:
    """The watch page's state once `check` accepts it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # the page's module may not have run yet
        state: dict[str, Any] | None = page.evaluate("window.__watch?.state() ?? null")
        if state is not None and check(state):
            return state
        page.wait_for_timeout(50)
    raise AssertionError(f"no {what} on the watch page: {state}")


def _near(a: list[float], b: list[float], metres: float) -> bool:
    return bool(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 < metres)


def test_the_watch_page_leaves_a_released_node_where_the_headset_did(
    browser: Browser, headset: Headset, kiosk_server: ServerProcess, enrollment_code: str
) -> None:
    _play_cook(headset, enrollment_code)
    while headset.state()["session"]["action"]["kind"] != "grab_place":
        headset.play_step()
    action = headset.state()["session"]["action"]
    node, target = action["node"], action["target"]
    path = f"/watch/{headset.state()['headset']['id']}"
    context = signed_in(browser, kiosk_server.url, path, STAFF_USER, STAFF_PASSWORD)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(kiosk_server.url + path)
        _watched(page, lambda s: s["scene_loaded"] and s["frames"] > 0, "scene and poses", 60)
        rest = page.evaluate("(n) => window.__watch.node(n)", node)

        # a wrong place: carried half a metre to the side and let go of, it goes back to rest
        start = headset.page.evaluate("(n) => window.__drive.aimAtNode(n)", node)
        headset.page.evaluate("window.__drive.trigger(1)")
        headset.wait_for(f"s.grabbing.includes({json.dumps(node)})", 5)
        aside = {"x": start[0] + 0.5, "y": start[1], "z": start[2]}
        headset.dispatch("set_transform", {"device": "controller-right", "position": aside})
        held = _watched(
            page,
            lambda s: s["grabbed"] and not _near(s["grabbed"]["position"], rest, 0.3),
            "the node carried aside",
        )
        headset.page.evaluate("window.__drive.trigger(0)")
        back = _watched(page, lambda s: s["dropped"] is not None, "a released node")
        assert back["dropped"]["name"] == node
        assert _near(back["dropped"]["position"], rest, 0.005), (back, rest)
        assert back["grabbed"] is None
        assert headset.state()["session"]["action"]["node"] == node  # the step is not done

        # the right place: it stays where the visitor put it, on the target
        here = headset.node(node)["origin"]
        there = headset.node(target)["origin"]
        offset = [t - h for t, h in zip(there, here, strict=True)]
        offset[1] += 0.6 * action.get("tolerance_m", 0.15)  # grabPlace lets go a little above
        expected = [r + o for r, o in zip(rest, offset, strict=True)]
        headset.page.evaluate("([n, t]) => window.__drive.grabPlace(n, t)", [node, target])
        put = _watched(
            page,
            lambda s: s["dropped"] and _near(s["dropped"]["position"], expected, 0.02),
            "the node on its target",
        )
        assert not _near(put["dropped"]["position"], rest, 0.1), (put, rest, held)
        page.wait_for_timeout(1500)  # no frame carries it any more: it stays
        assert _near(page.evaluate("(n) => window.__watch.node(n)", node), expected, 0.02)
        screenshot(page, "watch-released-node")
    finally:
        context.close()
