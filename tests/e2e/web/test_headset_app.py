"""The WebXR headset app in real headless Chromium, on an emulated Quest 3 (IWER), against a
real server in kiosk mode: a visitor completes every scene in scenes/ by controller input,
and the server stores the whole session."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser
from websockets.sync.client import connect

from content_tools.bundle import iter_bundles, load_bundle
from tests.conftest import scene_dirs
from tests.e2e.web.driver import Headset
from tests.support.harness import ServerProcess

SCENE_IDS = [path.name for path in scene_dirs()]
TIMESCALE = 4
"""The visitor's clock runs 4x in tests (dwell and hint delays); only with ?emulate=."""

pytestmark = pytest.mark.slow


def _manifest(scene_library: Path, scene_id: str) -> Any:
    (bundle,) = [b for b in iter_bundles(scene_library) if load_bundle(b).scene_id == scene_id]
    return load_bundle(bundle)


def _enter_lobby(h: Headset, code: str, extra: str = "") -> None:
    h.open(f"emulate=quest3&enroll={code}&timescale={TIMESCALE}{extra}")
    h.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)


def _pick(h: Headset, scene_id: str) -> None:
    h.pick_scene(scene_id)
    h.wait_for("s.phase === 'session' && s.session.started && s.session.step_index >= 0", 20)


def _colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    assert colours is not None  # never: there are no more colours than pixels
    return len(colours)


def _events(server: ServerProcess, token: str, session_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = server.api(
        token, "GET", f"/api/sessions/{session_id}/events"
    ).json()
    return events


def _play_to_the_end(h: Headset) -> dict[str, Any]:
    h.play_all()
    h.wait_for("s.phase === 'result'", 15)
    result: dict[str, Any] = h.state()["result"]
    return result


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_a_visitor_completes_the_scene(
    headset: Headset,
    kiosk_server: ServerProcess,
    scene_library: Path,
    scene_id: str,
    enrollment_code: str,
    staff_token: str,
) -> None:
    manifest = _manifest(scene_library, scene_id)
    language = "th" if sum(map(ord, scene_id)) % 2 else "en"
    _enter_lobby(headset, enrollment_code, f"&lang={language}")
    lobby = headset.state()
    assert {s["id"] for s in lobby["catalog"]} == set(SCENE_IDS)
    summaries = kiosk_server.api(staff_token, "GET", "/api/catalog").json()
    with_thumbnails = {s["id"]: s["thumbnail_sha256"] is not None for s in summaries}
    assert {s["id"]: s["thumbnail"] for s in lobby["catalog"]} == with_thumbnails
    _pick(headset, scene_id)
    state = headset.state()
    session_id = state["session"]["session_id"]
    assert state["session"]["language"] == language

    # (c) the headset view is a rendered scene, not a blank canvas
    shot = headset.page.screenshot()
    assert _colours(shot) > 200, "the headset view looks blank"

    result = _play_to_the_end(headset)
    assert result["session_id"] == session_id
    assert result["state"] == "finished"
    assert result["result"]["percent"] == 100.0
    panel = headset.state()["panel"]
    # The QR code opens the visitor's result page (which has the job links).
    assert result["result_url"].startswith("http")
    assert "/results/" in result["result_url"]
    assert f"qr:{result['result_url']}" in panel["texts"]
    assert "back" in panel["buttons"]
    assert not headset.state()["errors"]

    # The app's telemetry (telemetry.js, once a second) reached the server: its frame rate.
    headset_id = state["headset"]["id"]
    seen = kiosk_server.api(staff_token, "GET", f"/api/headsets/{headset_id}").json()
    assert (seen["fps"] or 0) > 0, seen

    # The server stored the whole session, in order, as the protocol defines it.
    token = staff_token
    session = kiosk_server.api(token, "GET", f"/api/sessions/{session_id}").json()
    assert (session["scene_id"], session["state"], session["language"]) == (
        scene_id,
        "finished",
        language,
    )
    events = _events(kiosk_server, staff_token, session_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    steps = [s.id for s in manifest.script.steps]
    assert [e["step_id"] for e in events if e["kind"] == "step_completed"] == steps
    assert [e["step_id"] for e in events if e["kind"] == "step_started"] == steps
    assert events[-1]["kind"] == "session_completed"
    for step in manifest.script.steps:
        kinds = {
            (e["event"].get("action"), e["event"].get("node"), e["event"].get("target"))
            for e in events
            if e["step_id"] == step.id and e["kind"] == "interaction"
        }
        action = step.action
        if action.kind == "select":
            assert ("select", action.node, None) in kinds
        elif action.kind == "grab_place":
            assert ("grab", action.node, None) in kinds
            assert ("release", action.node, action.target) in kinds
        elif action.kind == "look_at":
            assert ("look", action.node, None) in kinds
        elif action.kind == "quiz":
            answers = {
                e["event"]["question_id"]: e["event"]["choice_id"]
                for e in events
                if e["step_id"] == step.id and e["kind"] == "answer"
            }
            assert answers == {q.id: q.answer for q in action.questions}


def test_a_second_visit_downloads_nothing(
    headset: Headset, kiosk_server: ServerProcess, enrollment_code: str, staff_token: str
) -> None:
    scene_id = SCENE_IDS[0]
    _enter_lobby(headset, enrollment_code)
    _pick(headset, scene_id)
    first = headset.state()
    assert first["scene_cached"] is False
    assert len(headset.asset_requests) >= 1
    token = staff_token
    kiosk_server.api(
        token,
        "POST",
        f"/api/sessions/{first['session']['session_id']}/commands",
        {"command": "end"},
    )
    headset.wait_for("s.phase === 'result' && s.result.state === 'aborted'")
    kiosk_server.api(
        token, "POST", f"/api/headsets/{first['headset']['id']}/status", {"status": "available"}
    )

    # The next visit: the same headset (identity and Cache Storage kept), a new page load.
    headset.asset_requests.clear()
    headset.page.goto(f"{kiosk_server.url}/headset/?emulate=quest3&timescale={TIMESCALE}")
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    _pick(headset, scene_id)
    second = headset.state()
    assert second["headset"]["id"] == first["headset"]["id"]
    assert second["scene_cached"] is True
    assert second["loader"]["downloads"] == 0
    assert headset.asset_requests == [], "the second visit downloaded assets"
    kiosk_server.api(
        token,
        "POST",
        f"/api/sessions/{second['session']['session_id']}/commands",
        {"command": "end"},
    )


def test_reconnect_pause_language_and_hints(
    browser: Browser,
    kiosk_server: ServerProcess,
    scene_library: Path,
    enrollment_code: str,
    staff_token: str,
) -> None:
    scene_id = "cook" if "cook" in SCENE_IDS else SCENE_IDS[0]
    manifest = _manifest(scene_library, scene_id)
    h = Headset(browser, kiosk_server.url)
    try:
        h.open(f"emulate=quest3&enroll={enrollment_code}&timescale=20&lang=th")
        h.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
        _pick(h, scene_id)
        session_id = h.state()["session"]["session_id"]
        token = staff_token

        def command(body: dict[str, Any]) -> None:
            reply = kiosk_server.api(token, "POST", f"/api/sessions/{session_id}/commands", body)
            assert reply.status_code == 200, reply.text

        h.play_step()
        h.play_step()
        # A hint appears after its delay (visitor clock x20) and is reported.
        hinted = next((i for i, s in enumerate(manifest.script.steps) if s.hints and i >= 2), None)
        while h.step_index() < (hinted if hinted is not None else 2):
            h.play_step()
        if hinted is not None:
            h.wait_for("s.session.hints_shown >= 1", 10)

        # The socket drops: the app reconnects by itself and continues at the same step.
        index = h.step_index()
        h.page.evaluate("window.__vr.dropConnection()")
        h.wait_for("s.connections >= 2 && s.connected", 15)
        assert h.step_index() == index
        h.play_step()

        # A new page load (the browser was closed) resumes at the step the server has.
        index = h.step_index()
        h.page.reload()
        h.wait_for(f"s.phase === 'session' && s.session.step_index === {index}", 20)
        assert h.state()["scene_cached"] is True

        # Staff pause: the overlay shows; resume hides it.
        command({"command": "pause"})
        h.wait_for("s.session.paused && s.overlay.visible", 10)
        assert any("หยุดชั่วคราว" in text for text in h.state()["overlay"]["texts"])
        command({"command": "resume"})
        h.wait_for("!s.session.paused && !s.overlay.visible", 10)

        # Staff switch the language: the panel is redrawn in English.
        thai_title = manifest.script.steps[index].title.th
        english_title = manifest.script.steps[index].title.en
        assert thai_title in h.state()["panel"]["texts"]
        command({"command": "language", "language": "en"})
        h.wait_for(f"s.lang === 'en' && s.panel.texts.includes({english_title!r})", 10)
        # The visitor switches back on the panel: reported as language_changed.
        h.press_button("lang")
        h.wait_for(f"s.lang === 'th' && s.panel.texts.includes({thai_title!r})", 10)
        h.press_button("call_staff")
        command({"command": "recenter"})

        result = _play_to_the_end(h)
        assert result["state"] == "finished"
        events = _events(kiosk_server, staff_token, session_id)
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        kinds = [e["kind"] for e in events]
        assert "language_changed" in kinds
        assert "call_staff" in kinds
        if hinted is not None:
            assert "hint_shown" in kinds
        steps = [s.id for s in manifest.script.steps]
        assert [e["step_id"] for e in events if e["kind"] == "step_completed"] == steps
        session = kiosk_server.api(token, "GET", f"/api/sessions/{session_id}").json()
        assert session["state"] == "finished"
        assert session["language"] == "th"
        assert not h.state()["errors"]
    finally:
        h.close()


def _staff_auth(ws: Any, token: str) -> None:
    """Authenticate a staff socket and read its snapshot."""
    ws.send(json.dumps({"type": "auth", "token": token}))
    assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"


def _wait_frame(ws: Any, predicate: Any, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "the staff socket did not get the expected frame"
        frame: dict[str, Any] = json.loads(ws.recv(timeout=left))
        if predicate(frame):
            return frame


def test_hands_seated_call_staff_and_rating(
    headset: Headset, kiosk_server: ServerProcess, enrollment_code: str, staff_token: str
) -> None:
    """A seated visitor using hand tracking: calls staff from the lobby, completes a scene by
    pinching (select, grab-carry-release, quiz), and rates it on the results panel."""
    scene_id = "welder" if "welder" in SCENE_IDS else SCENE_IDS[-1]
    _enter_lobby(headset, enrollment_code, "&lang=en")
    headset_id = headset.state()["headset"]["id"]
    with connect(f"{kiosk_server.ws_url}/ws/staff", open_timeout=10) as staff:
        _staff_auth(staff, staff_token)
        # The lobby's call-staff button reaches the staff side as an alert.
        headset.press_button("call_staff")
        alert = _wait_frame(staff, lambda f: f["type"] == "alert")
        assert (alert["kind"], alert["headset_id"], alert["session_id"]) == (
            "call_staff",
            headset_id,
            None,
        )
        headset.wait_for("s.panel.texts.includes('Staff are on their way')", 5)

        # Seated: the head is at 1.15 m; the scene is lowered so the eyes are at 1.6 m in it.
        headset.dispatch(
            "set_transform", {"device": "headset", "position": {"x": 0, "y": 1.15, "z": 0}}
        )
        headset.press_button("height:seated")
        headset.wait_for("s.seated && Math.abs(s.stage_y + 0.45) < 0.02", 5)
        headset.press_button("height:standing")
        headset.wait_for("!s.seated && s.stage_y === 0", 5)
        headset.press_button("height:seated")
        headset.wait_for("s.seated && s.stage_y < -0.4", 5)

        # Hands from here on: every selection is a pinch.
        headset.use_input("hand")
        assert all(i is None or i["hand"] for i in headset.state()["inputs"])
        _pick(headset, scene_id)
        session_id = headset.state()["session"]["session_id"]
        result = _play_to_the_end(headset)
        assert (result["session_id"], result["state"]) == (session_id, "finished")
        assert headset.state()["seated"] is True

        # The rating: pinch the 4th star; the server stores it and tells staff.
        headset.press_button("rate:4")
        headset.wait_for("s.rating && s.rating.saved && s.rating.value === 4", 10)
        update = _wait_frame(
            staff,
            lambda f: (
                f["type"] == "session_update"
                and f["session"]["id"] == session_id
                and f["session"].get("rating") == 4
            ),
        )
        assert update["session"]["state"] == "finished"
        session = kiosk_server.api(staff_token, "GET", f"/api/sessions/{session_id}").json()
        assert session["rating"] == 4
        assert not headset.state()["errors"]
