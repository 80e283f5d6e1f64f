"""Errors a visitor meets in the headset are worded by the app in the visitor's language: a
kiosk headset still marked needs_cleaning, asked for a scene, shows Thai text (and English after
the visitor switches) with nothing of the server's English developer detail. Set
VR_SCREENSHOT_DIR to keep the panel's picture."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Browser

from tests.e2e.web.driver import Headset
from tests.support.harness import ServerProcess

pytestmark = pytest.mark.slow
WORDING = json.loads(
    (Path(__file__).parents[3] / "headset_client" / "web" / "errors.json").read_text("utf-8")
)
CLEANING = WORDING["reasons"]["headset_needs_cleaning"]
DEVELOPER_TEXT = re.compile(r"needs_cleaning|mark it available|invalid_state|available first")


@pytest.fixture
def headset(browser: Browser, kiosk_server: ServerProcess) -> Iterator[Headset]:
    h = Headset(browser, kiosk_server.url)
    yield h
    h.close()


def _panel_png(h: Headset, name: str) -> Image.Image:
    url: str = h.page.evaluate("window.__vr.panelImage('main')")
    png = base64.b64decode(url.split(",", 1)[1])
    folder = os.environ.get("VR_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert sum(ImageStat.Stat(image).stddev) / 3 > 10, f"{name}: a blank panel"
    return image


def test_a_headset_waiting_for_cleaning_tells_the_visitor_in_thai(
    headset: Headset, kiosk_server: ServerProcess, enrollment_code: str, staff_token: str
) -> None:
    headset.open(f"emulate=quest3&enroll={enrollment_code}&lang=th")
    headset.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)
    me = headset.state()["headset"]
    kiosk_server.api(
        staff_token, "POST", f"/api/headsets/{me['id']}/status", {"status": "needs_cleaning"}
    )
    scene_id = headset.state()["catalog"][0]["id"]
    headset.pick_scene(scene_id)
    notice = headset.wait_for("s.notice")
    assert notice == CLEANING["th"]
    texts = headset.state()["panel"]["texts"]
    assert CLEANING["th"] in texts, texts
    assert not [t for t in texts if DEVELOPER_TEXT.search(t)], texts
    assert headset.state()["phase"] == "lobby"  # no session was made
    _panel_png(headset, "headset-error-th")

    # the visitor switches to English: the same error, worded again
    headset.press_button("lang:en")
    assert headset.wait_for("s.lang === 'en' && s.notice") == CLEANING["en"]
    texts = headset.state()["panel"]["texts"]
    assert CLEANING["en"] in texts
    assert headset.state()["status"] == "Connected"  # the status line is worded again too
    assert not [t for t in texts if re.search(r"[\u0e00-\u0e7f]", t) and t != "ไทย"], texts
    assert not [t for t in texts if DEVELOPER_TEXT.search(t)], texts
    _panel_png(headset, "headset-error-en")

    # cleaned: the same pick now starts the scene
    kiosk_server.api(
        staff_token, "POST", f"/api/headsets/{me['id']}/status", {"status": "available"}
    )
    headset.pick_scene(scene_id)
    headset.wait_for("s.phase === 'loading' || s.phase === 'session'", 20)
    session = headset.wait_for("s.session && s.session.session_id", 20)
    kiosk_server.api(staff_token, "POST", f"/api/sessions/{session}/commands", {"command": "end"})


def test_an_error_without_a_known_reason_gets_the_generic_text(
    headset: Headset, enrollment_code: str
) -> None:
    headset.open(f"emulate=quest3&enroll={enrollment_code}")
    headset.wait_for("s.phase === 'lobby'", 20)
    worded = headset.page.evaluate(
        """async () => {
            const { errorText } = await import('/headset/errors.js');
            const unknown = { code: 'conflict', reason: 'a_reason_from_a_newer_server',
                              message: 'developer text', params: { headset: 'Quest-04' } };
            return { th: errorText(unknown, 'th'), en: errorText(unknown, 'en'),
                     none: errorText({ code: 'internal_error', message: 'boom' }, 'th'),
                     proto: errorText({ reason: 'toString' }, 'en') };
        }"""
    )
    assert worded == {
        "th": WORDING["generic"]["th"],
        "en": WORDING["generic"]["en"],
        "none": WORDING["generic"]["th"],
        "proto": WORDING["generic"]["en"],
    }
