"""The dashboard's "Add headsets" in real headless Chromium against a real server: one button
makes a code and shows the link to type into a Quest browser and its QR code (decoded here from
a screenshot, as a phone would), a headset that opens the link appears in the dialog as it
enrolls, the address can be corrected, and "Done" stops the code. Set VR_SCREENSHOT_DIR to keep
the dialog's screenshot."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.web.qr import decode_qr
from tests.e2e.web.staff_pages import signed_in
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow
CODE = r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}"


@pytest.fixture(scope="module")
def staff(browser: Browser, server: ServerProcess) -> Iterator[BrowserContext]:
    context = signed_in(browser, server.url, "/dashboard/", STAFF_USER, STAFF_PASSWORD)
    yield context
    context.close()


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("VR_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_add_headsets_shows_a_link_and_qr_and_lists_the_headsets_that_enroll(
    browser: Browser, staff: BrowserContext, server: ServerProcess
) -> None:
    page = staff.new_page()
    page.goto(server.url + "/dashboard/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
    page.click("#add-headsets")
    url_box = page.locator("#enroll-url")
    expect(url_box).to_have_text(re.compile(rf"/p/{CODE}$"))
    url = url_box.get_attribute("data-url") or ""
    code = page.locator("#enroll-code").inner_text()
    port = server.url.rsplit(":", 1)[1]
    # opened as 127.0.0.1: the link uses one of the server's own network addresses if it has
    # one (a headset cannot use 127.0.0.1), with the page's scheme and port
    assert re.fullmatch(rf"http://[^/]+:{port}/p/{code}", url), url
    addresses = page.locator("#enroll-addresses option").evaluate_all(
        "(options) => options.map((o) => o.value)"
    )
    assert url.startswith(addresses[0] if addresses else server.url)
    assert "127.0.0.1" not in url or not addresses
    assert decode_qr(browser, page.locator("#enroll-qr svg")) == url
    expect(page.locator("#enroll-loopback")).to_be_visible()  # the test server is loopback-only
    expect(page.locator("#enroll-list")).to_contain_text("รอแว่นเครื่องแรก")

    # a headset types the link (lower case works too) and enrolls; the dialog lists it live
    quest = browser.new_context(viewport={"width": 400, "height": 300})
    headset = quest.new_page()
    headset.goto(f"{server.url}/p/{code.lower()}")
    headset.wait_for_url(re.compile(r"/headset/"))
    row = page.locator("#enroll-list li[data-headset-id]")
    expect(row).to_have_count(1, timeout=15_000)
    name = row.locator("strong").inner_text()
    assert re.fullmatch(r"Quest-\d+", name)
    expect(row).to_contain_text("ออนไลน์", timeout=15_000)  # it connected
    expect(page.locator("#enroll-count")).to_contain_text("(1)")
    expect(
        page.locator(f".headset[data-headset-id='{row.get_attribute('data-headset-id')}']")
    ).to_have_count(1)
    _screenshot(page, "add-headsets-dialog")

    # staff correct the address: the link and the QR follow, and the page remembers it
    page.fill("#enroll-base", "10.0.0.5:8443")
    page.locator("#enroll-base").dispatch_event("change")
    corrected = f"http://10.0.0.5:8443/p/{code}"
    expect(url_box).to_have_attribute("data-url", corrected)
    assert decode_qr(browser, page.locator("#enroll-qr svg")) == corrected
    page.fill("#enroll-base", "not an address/")
    expect(page.locator("#enroll-base-error")).not_to_be_empty()

    # "Done" stops the code at once: the dialog closes and revokes it (the test waits for
    # that request's answer: the dialog is gone before it is sent)
    revoke = "/api/enrollment-codes/revoke"
    with page.expect_response(lambda r: r.url.endswith(revoke)) as revoked:
        page.click("#enroll-done")
    expect(page.locator("#enroll-dialog")).not_to_be_visible()
    assert revoked.value.status == 204
    refused = http().post(
        server.url + "/api/devices/enroll", json={"code": code, "device_id": "dev-late"}
    )
    assert (refused.status_code, refused.json()["reason"]) == (401, "enrollment_refused")

    # the next code of the dialog (in English now) starts with the corrected address and an
    # empty list
    page.click("#lang-switch")
    page.click("#add-headsets")
    expect(page.locator("#enroll-title")).to_have_text("Add headsets")
    expect(url_box).to_have_attribute(
        "data-url", re.compile(rf"^http://10\.0\.0\.5:8443/p/{CODE}$")
    )
    assert page.locator("#enroll-code").inner_text() != code
    expect(page.locator("#enroll-list li[data-headset-id]")).to_have_count(0)
    # the headset enrolled before opens the new link: enrolled again, it is listed (same name)
    second = page.locator("#enroll-code").inner_text()
    headset.goto(f"{server.url}/p/{second}")
    expect(page.locator("#enroll-list li[data-headset-id] strong")).to_have_text(name)
    expect(page.locator("#enroll-list")).to_contain_text("online")
    _screenshot(page, "add-headsets-dialog-en")
    page.keyboard.press("Escape")
    expect(page.locator("#enroll-dialog")).not_to_be_visible()
    quest.close()
    page.close()
