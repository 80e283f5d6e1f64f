"""The WebXR headset app's pose frames (headset_client/web/poses.js) on an emulated Quest 3
against a real server: a staff client's `watch` raises the app's pose rate to 20 Hz, its
`pose` frames reach the watcher in the scene's coordinates (moving the emulated head moves the
relayed head by as much), the grabbed node rides along near the right controller, and the
rate drops back to 2 Hz (no more frames) when the watcher leaves."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.web.driver import Headset
from tests.e2e.web.test_headset_app import _wait_frame
from tests.support.harness import ServerProcess

pytestmark = pytest.mark.slow


def _pose(staff: ClientConnection, where: Any = lambda f: True) -> dict[str, Any]:
    """The next `watched_pose` that `where` accepts (earlier ones are skipped)."""
    return _wait_frame(staff, lambda f: f["type"] == "watched_pose" and where(f))


def test_the_app_sends_poses_while_watched(
    headset: Headset, kiosk_server: ServerProcess, enrollment_code: str, staff_token: str
) -> None:
    headset.open(f"emulate=quest3&enroll={enrollment_code}&timescale=4&lang=en")
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    headset.pick_scene("cook")
    headset.wait_for("s.phase === 'session' && s.session.started", 20)
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
