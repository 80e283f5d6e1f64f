"""A venue's first day as a new user meets it (issue 18 part 1), in real Chromium against one
real server started from a fresh data directory: the console's one-time link opens the setup
page, which creates the first admin and opens the dashboard; "Add headsets" gives the link a
Quest opens (here an emulated Quest 3 running the headset app); the headset appears in the
dialog and on the board, its visitor picks an occupation (self-service), plays it to the end,
and the dashboard shows the finished session while the visitor's result page has the score.
Each stage's screenshot is checked for content (many colours, real contrast); set
VR_SCREENSHOT_DIR to keep them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.server.test_first_start import printed_links
from tests.e2e.web.driver import Headset
from tests.e2e.web.staff_pages import LAPTOP, PHONE, screenshot
from tests.support.harness import ServerProcess
from tests.support.http import http

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
SCENE = "cook"
ADMIN, PASSWORD = "venue-admin", "a long venue password"
CODE = r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}"


def test_a_fresh_venue_to_a_finished_session(
    browser: Browser, scene_library: Path, tmp_path: Path
) -> None:
    server = ServerProcess(
        tmp_path / "venue", [scene_library], first_start=True, self_service="true"
    )
    server.start()
    quest: Headset | None = None
    try:
        # 1. The console printed one link; the setup page makes the first admin.
        [(base, token)] = printed_links(server)
        staff = browser.new_context(viewport=LAPTOP)
        page = staff.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/setup/?lang=en#token={token}")
        expect(page.locator("#setup-submit")).to_be_enabled()
        screenshot(page, "venue-1-setup")
        page.fill("#username", ADMIN)
        page.fill("#password", PASSWORD)
        page.fill("#password2", PASSWORD)
        page.click("#setup-submit")
        page.wait_for_url(re.compile(r"/dashboard/"))
        page.goto(f"{base}/dashboard/?lang=en")  # this staff member reads English
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        expect(page.locator("#whoami")).to_contain_text(ADMIN)

        # 2. "Add headsets": the short link, which leads a Quest browser to the app.
        page.click("#add-headsets")
        link = page.locator("#enroll-url")
        expect(link).to_have_attribute("data-url", re.compile(rf"/p/{CODE}$"))
        code = page.locator("#enroll-code").inner_text()
        assert (link.get_attribute("data-url") or "").endswith(f"/p/{code}")
        hop = http().get(f"{server.url}/p/{code.lower()}", follow_redirects=False)
        assert (hop.status_code, hop.headers["location"]) == (303, f"/headset/?enroll={code}")
        quest = Headset(browser, server.url)
        quest.open(f"emulate=quest3&enroll={code}&timescale=4&lang=th")
        quest.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 30)
        row = page.locator("#enroll-list li[data-headset-id]")
        expect(row).to_have_count(1, timeout=15_000)
        expect(row.locator(".dot.on")).to_have_count(1, timeout=15_000)  # it connected
        headset_id = row.get_attribute("data-headset-id")
        screenshot(page, "venue-2-add-headsets")
        page.click("#enroll-done")
        card = page.locator(f".headset[data-headset-id='{headset_id}']")
        expect(card.locator(".dot.on")).to_have_count(1)

        # 3. The visitor picks the occupation and plays it through the emulated controller.
        quest.pick_scene(SCENE)
        quest.wait_for("s.phase === 'session' && s.session.started", 30)
        expect(card).to_contain_text(
            "Cook in a Thai restaurant", timeout=15_000
        )  # the board follows the session
        screenshot(quest.page, "venue-3-headset-in-session")
        quest.play_all()
        quest.wait_for("s.phase === 'result'", 30)
        result = quest.state()["result"]
        assert (result["state"], result["result"]["percent"]) == ("finished", 100.0)
        assert not quest.state()["errors"]

        # 4. Staff see it finished; the visitor's result page has the score and job links.
        expect(card.locator(".last-session")).to_contain_text("100%", timeout=15_000)
        screenshot(page, "venue-4-dashboard-after")
        phone = browser.new_context(viewport=PHONE)
        visitor = phone.new_page()
        visitor.goto(result["result_url"] + "?lang=th")
        expect(visitor.locator("body")).to_have_attribute("data-loaded", "true")
        expect(visitor.locator("#result")).to_contain_text("100")
        expect(visitor.locator("a.job-link").first).to_be_visible()
        screenshot(visitor, "venue-5-result-th", full_page=True)
        phone.close()
        staff.close()
        assert errors == []
    finally:
        if quest is not None:
            quest.close()
        server.stop()
