"""Scene sounds end to end: the cook scene packaged (its generator synthesises the sounds) and
published with `vr-content publish` to a real server, which serves each sound by sha256 with
its media type; the headset app in headless Chromium (emulated Quest 3) downloads, verifies and
caches them, hangs a PositionalAudio on each cue's node, starts them on the script's events,
and keeps the visitor's volume and mute from the lobby."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from content_tools.bundle import BundleManifest
from content_tools.cli import main as vr_content
from content_tools.package import PackageResult, package_scene
from tests.e2e.web.driver import Headset
from tests.support.harness import STAFF_PASSWORD, ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[3]
AUTHOR = "author"


@pytest.fixture(scope="module")
def cook_package(tmp_path_factory: pytest.TempPathFactory) -> PackageResult:
    """The cook scene packaged by its generator (the model and the Ogg sounds)."""
    result = package_scene(REPO / "scenes" / "cook", tmp_path_factory.mktemp("dist"))
    assert result.manifest.sounds, "the cook scene has sounds"
    return result


@pytest.fixture(scope="module")
def cook_bundle(cook_package: PackageResult) -> BundleManifest:
    return cook_package.manifest


@pytest.fixture(scope="module")
def published(
    tmp_path_factory: pytest.TempPathFactory, cook_package: PackageResult
) -> Iterator[ServerProcess]:
    """A kiosk server that started empty, with the cook bundle published by an author."""
    proc = ServerProcess(tmp_path_factory.mktemp("server"), [], self_service="true")
    proc.create_staff()
    done = proc.cli("author", "create", AUTHOR, "--password-stdin", input_text=STAFF_PASSWORD)
    assert done.returncode == 0, done.stderr
    proc.start()
    try:
        token = json.loads(proc.cli("author", "token", AUTHOR, "--json").stdout)["token"]
        dist = cook_package.bundle_dir.parent
        assert vr_content(["publish", str(dist), "--server", proc.url, "--token", token]) == 0
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def kiosk_server(published: ServerProcess) -> ServerProcess:
    """The server the `headset` fixture (conftest.py) opens the app on."""
    return published


def test_published_sounds_are_served_by_sha256_with_their_media_type(
    published: ServerProcess, cook_bundle: BundleManifest
) -> None:
    device = published.enroll(published.enrollment_code(), "quest-sounds")
    auth = {"Authorization": f"Bearer {device['device_token']}"}
    for sound in cook_bundle.sounds:
        response = http().get(f"{published.url}/assets/{sound.sha256}", headers=auth)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "audio/ogg"
        assert hashlib.sha256(response.content).hexdigest() == sound.sha256
        assert response.content.startswith(b"OggS")
    # the catalog's manifest carries the cues, renamed to the bundle's files
    staff = published.staff_token()
    manifest = published.api(staff, "GET", "/api/catalog/cook/manifest").json()
    files = {s["path"] for s in manifest["sounds"]}
    assert {c["file"] for c in manifest["script"]["sounds"]} == files


def _sounds(h: Headset) -> dict[str, Any]:
    sounds: dict[str, Any] = h.page.evaluate("window.__vr.sounds()")
    return sounds


def _cue(h: Headset, cue_id: str) -> dict[str, Any]:
    return next(c for c in _sounds(h)["cues"] if c["id"] == cue_id)


def test_the_app_plays_the_scene_sounds_at_their_nodes_on_script_events(
    headset: Headset, published: ServerProcess, cook_bundle: BundleManifest
) -> None:
    code = published.enrollment_code()
    headset.open(f"emulate=quest3&enroll={code}&timescale=4&lang=en")
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    headset.pick_scene("cook")
    headset.wait_for("s.phase === 'session' && s.session.started && s.session.step_index >= 0", 30)

    sounds = _sounds(headset)
    assert sounds["failed"] == []
    assert sounds["listener_on_camera"] is True
    head = headset.page.evaluate("window.__vr.head()")["position"]
    assert sounds["listener_position"] == pytest.approx(head, abs=0.05)  # the ears are the head's
    cues = {c["id"]: c for c in sounds["cues"]}
    assert set(cues) == {cue.id for cue in cook_bundle.script.sounds}
    for cue in cook_bundle.script.sounds:
        # a PositionalAudio hangs on the cue's node, where that node is in the scene
        assert cues[cue.id]["parent"] == cue.node
        assert cues[cue.id]["position"] == pytest.approx(headset.node(cue.node)["origin"], abs=1e-4)
        assert cues[cue.id]["ref_distance"] == cue.ref_distance_m
    # session_start started the ambience (a loop); step_started of read_order the order bell
    assert (cues["kitchen"]["playing"], cues["kitchen"]["loop"], cues["kitchen"]["starts"]) == (
        True,
        True,
        1,
    )
    headset.wait_for("s.session.step_id === 'intro'")
    assert _cue(headset, "order_bell")["starts"] == 0
    headset.play_step()  # intro -> read_order
    assert _cue(headset, "order_bell")["starts"] == 1
    assert _cue(headset, "tap")["starts"] == 0
    headset.play_step()  # read_order -> wash_hands
    headset.play_step()  # wash_hands completed: the tap runs
    tap = _cue(headset, "tap")
    assert tap["starts"] == 1
    assert tap["loop"] is False
    assert _cue(headset, "sizzle")["starts"] == 0
    assert not headset.state()["errors"]
    # Browsers hold audio until a gesture (on a Quest: entering VR); a tap wakes it and the
    # audio clock runs.
    headset.page.mouse.click(5, 5)
    headset.wait_for("window.__vr.sounds().context === 'running'")

    # The sound files came over /assets/<sha256>, verified, and are in the app's cache.
    fetched = {url.rsplit("/", 1)[1] for url in headset.asset_requests}
    assert {s.sha256 for s in cook_bundle.sounds} <= fetched
    cached = headset.page.evaluate(
        "caches.open('vr-career-assets-v1').then((c) => c.keys())"
        ".then((keys) => keys.map((r) => r.url.split('/').pop()))"
    )
    assert {s.sha256 for s in cook_bundle.sounds} <= set(cached)

    # The session ends: every sound stops.
    staff = published.staff_token()
    session_id = headset.state()["session"]["session_id"]
    reply = published.api(staff, "POST", f"/api/sessions/{session_id}/commands", {"command": "end"})
    assert reply.status_code == 200, reply.text
    headset.wait_for("s.phase === 'result'")
    assert _sounds(headset)["cues"] == []


def test_volume_and_mute_in_the_lobby_are_remembered(
    headset: Headset, published: ServerProcess
) -> None:
    headset.open(f"emulate=quest3&enroll={published.enrollment_code()}&lang=th")
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    headset.wait_for("s.panel.texts.includes('เสียง 80%')")  # the button shows the volume
    before = _sounds(headset)
    assert (before["volume"], before["muted"]) == (0.8, False)
    assert before["master"] == pytest.approx(0.8)  # the listener's gain (a float32)
    headset.press_button("volume:down")
    headset.wait_for("window.__vr.sounds().volume === 0.7")
    headset.press_button("volume:mute")
    headset.wait_for("window.__vr.sounds().muted")
    muted = _sounds(headset)
    assert muted["master"] == 0
    headset.wait_for("s.panel.texts.includes('ปิดเสียงอยู่')")

    headset.page.reload()  # the next visit: the headset remembers
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    again = _sounds(headset)
    assert (again["volume"], again["muted"], again["master"]) == (0.7, True, 0)
    headset.press_button("volume:up")  # louder unmutes
    headset.wait_for("!window.__vr.sounds().muted")
    assert _sounds(headset)["master"] == pytest.approx(0.8)
