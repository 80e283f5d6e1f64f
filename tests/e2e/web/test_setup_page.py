"""The first-start page (/setup/) in Chromium, from a fresh data directory: a page asked for
before setup leads to it and says to use the console's link; the link opens the form (Thai
first, English on the switch); a weak password is refused on the page; a good one creates
the admin, signs it in and opens the dashboard; the same link afterwards says setup is done.
Screenshots in both languages (VR_SCREENSHOT_DIR keeps them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.server.test_first_start import printed_links
from tests.e2e.web.staff_pages import screenshot
from tests.support.harness import ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow
PASSWORD = "a good admin password"


@pytest.fixture(scope="module")
def fresh_server(
    tmp_path_factory: pytest.TempPathFactory, test_bundles: Path
) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("first-start"), [test_bundles], first_start=True)
    server.start()
    yield server
    server.stop()


def test_the_setup_page_creates_the_first_admin(
    fresh_server: ServerProcess, browser: Browser
) -> None:
    [(base, token)] = printed_links(fresh_server)
    link = f"{base}/setup/#token={token}"
    context = browser.new_context(viewport={"width": 900, "height": 820})
    page = context.new_page()
    state = page.locator("#setup-state")

    # Before setup, any page leads here; without the link's token it says where the link is.
    page.goto(fresh_server.url + "/dashboard/?lang=en")
    assert page.url.split("?")[0].endswith("/setup/")
    expect(state).to_have_text(re.compile(r"^This server has no administrator yet\. Open the"))
    expect(page.locator("#setup-form")).to_be_hidden()

    # A wrong token: refused before any password is typed.
    page.goto(f"{fresh_server.url}/setup/?lang=en#token=not-the-token")
    expect(state).to_have_text(re.compile(r"^This link is not valid"))
    expect(page.locator("#setup-form")).to_be_hidden()

    # The console's link, in Thai: the form; the token leaves the address bar at once.
    page.goto(link)  # no ?lang=: the default, Thai
    expect(state).to_have_text("ลิงก์ใช้ได้ กรอกข้อมูลด้านล่างเพื่อสร้างบัญชีผู้ดูแลระบบ")
    expect(page.locator("#setup-submit")).to_be_enabled()
    assert token not in page.url
    expect(page.locator("h1")).to_have_text("ตั้งค่าครั้งแรก")
    page.fill("#username", "ผู้ดูแล")
    page.fill("#password", "short")
    page.fill("#password2", "short")
    page.click("#setup-submit")
    expect(page.locator("#setup-error")).to_have_text("รหัสผ่านต้องมีอย่างน้อย 8 ตัวอักษร")
    screenshot(page, "setup-th")

    # English on the switch: the same state and error, repainted.
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text("First start")
    expect(page.locator("#setup-error")).to_have_text("The password needs at least 8 characters.")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD + "!")
    page.click("#setup-submit")
    expect(page.locator("#setup-error")).to_have_text("The two passwords differ.")
    screenshot(page, "setup-en")
    assert http().get(fresh_server.url + "/api/setup").json() == {"required": True}

    page.fill("#password2", PASSWORD)
    page.click("#setup-submit")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.locator("#whoami")).to_contain_text("ผู้ดูแล")  # signed in by the cookie
    assert http().get(fresh_server.url + "/api/setup").json() == {"required": False}

    # The same link again: used up.
    page.goto(link)
    expect(state).to_have_text(re.compile(r"^Setup is complete"))
    expect(page.locator("#setup-form")).to_be_hidden()
    screenshot(page, "setup-done-en")
    context.close()
