"""A check-in tablet paired as a kiosk and the admin page, in real headless Chromium: the admin
makes a pairing code on /admin/, the tablet pairs at /pair/ and lands on /checkin/, which links
nowhere; the dashboard sends the tablet to the staff login; unpairing it on /admin/ takes its
access back; disabling an account on /admin/ signs it out."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.web.staff_pages import LAPTOP, signed_in
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow
TABLET: ViewportSize = {"width": 1024, "height": 768}


@pytest.fixture(scope="module")
def admin(browser: Browser, kiosk_server: ServerProcess) -> Iterator[BrowserContext]:
    kiosk_server.create_staff("boss", STAFF_PASSWORD, "admin")
    context = signed_in(browser, kiosk_server.url, "/admin/", "boss", STAFF_PASSWORD)
    yield context
    context.close()


def confirm(page: Page) -> None:
    page.locator("dialog [data-confirm]").click()


def test_a_paired_tablet_reaches_only_the_check_in(
    browser: Browser, admin: BrowserContext, kiosk_server: ServerProcess
) -> None:
    base = kiosk_server.url
    admin_page = admin.new_page()
    admin_page.goto(base + "/admin/")
    admin_page.click("#new-pairing")
    shown = admin_page.locator("#pairing-shown")
    expect(shown).to_have_text(re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$"))
    code = shown.inner_text()

    tablet = browser.new_context(viewport=TABLET)
    page = tablet.new_page()
    page.goto(base + "/pair/")
    page.fill("#code", code)
    page.fill("#name", "Entrance tablet")
    page.click("#pair-submit")
    page.wait_for_url(base + "/checkin/")
    expect(page.locator(".lang-card")).to_have_count(2)
    assert page.locator("a[href]").count() == 0  # no logo link, no "staff" link
    page.click(".lang-card[data-lang=en]")
    expect(page.locator(".scene-card").first).to_be_visible()  # the catalog opens to a kiosk
    # the dashboard is for staff: the tablet gets the login form
    page.goto(base + "/dashboard/")
    page.wait_for_url(base + "/login/?next=/dashboard/")

    # unpairing on /admin/ takes the tablet's access back
    admin_page.reload()
    row = admin_page.locator("#kiosks tr", has_text="Entrance tablet")
    row.locator("button").click()
    confirm(admin_page)
    expect(admin_page.locator("#kiosks tr", has_text="Entrance tablet")).to_have_count(0)
    page.goto(base + "/checkin/")
    page.wait_for_url(base + "/login/?next=/checkin/")
    tablet.close()


def test_disabling_an_account_on_the_admin_page(
    admin: BrowserContext, kiosk_server: ServerProcess
) -> None:
    token = kiosk_server.staff_token(STAFF_USER, STAFF_PASSWORD)
    page = admin.new_page()
    page.goto(kiosk_server.url + "/admin/")
    row = page.locator("#accounts tr").filter(
        has=page.locator("td", has_text=re.compile(f"^{STAFF_USER}$"))
    )
    row.locator("button").first.click()  # disable
    confirm(page)
    expect(row.locator("td b")).to_have_count(1)  # marked disabled
    assert kiosk_server.api(token, "GET", "/api/headsets").status_code == 401
    row.locator("button").first.click()  # enable again
    expect(row.locator("td b")).to_have_count(0)
    login = {"username": STAFF_USER, "password": STAFF_PASSWORD}
    assert http().post(kiosk_server.url + "/api/auth/login", json=login).status_code == 200

    # an author made an editor on the page
    kiosk_server.create_staff("writer", STAFF_PASSWORD, "author")
    page.reload()
    writer = page.locator("#accounts tr").filter(has=page.locator("td", has_text="writer"))
    writer.locator("button").nth(2).click()  # disable, sign out, make editor
    expect(writer.locator("td").nth(1)).to_have_text("บรรณาธิการ")  # the role cell
    login = {"username": "writer", "password": STAFF_PASSWORD}
    assert http().post(kiosk_server.url + "/api/auth/login", json=login).json()["role"] == "editor"


def test_a_paired_queue_tv_follows_the_queue_live(
    browser: Browser, kiosk_server: ServerProcess
) -> None:
    staff = kiosk_server.staff_token()
    code = kiosk_server.api(staff, "POST", "/api/kiosks/pairing-code", {}).json()["code"]
    tv = browser.new_context(viewport=LAPTOP)
    page = tv.new_page()
    page.goto(kiosk_server.url + "/pair/")
    page.fill("#code", code)
    page.fill("#name", "Queue TV")
    page.select_option("#screen", "/queue-board/")
    page.click("#pair-submit")
    page.wait_for_url(kiosk_server.url + "/queue-board/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
    page.evaluate("window.__sameDocument = true")
    ticket = kiosk_server.api(
        staff, "POST", "/api/queue/tickets", {"language": "en", "interests": ["cook"]}
    ).json()
    expect(page.locator("#upcoming")).to_contain_text(ticket["label"], timeout=5_000)
    assert page.evaluate("window.__sameDocument") is True, "updated without a reload"
    assert page.locator("a[href]").count() == 0
    tv.close()
