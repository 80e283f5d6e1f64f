"""The login page in Chromium says, in Thai and in English, how long a throttled sign-in
must wait (the server's 429 Retry-After)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.harness import STAFF_USER, ServerProcess

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "server", [{"login_free_failures": 2, "login_backoff_s": 30}], indirect=True
)
def test_the_login_page_says_how_long_to_wait(server: ServerProcess, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/login/?lang=en")
    # the button is enabled by the page's module: fill the form only once that has run
    expect(page.locator("#login-submit")).to_be_enabled()
    error = page.locator("#login-error")
    for _ in range(2):
        page.fill("#username", STAFF_USER)
        page.fill("#password", "not the password")
        page.click("#login-submit")
        expect(error).to_have_text("Wrong username or password.")
        page.evaluate("document.getElementById('login-error').textContent = ''")
    wait_s = _throttled_attempt(page)
    expect(error).to_have_text(f"Too many failed sign-ins. Try again in {wait_s} seconds.")
    page.goto(server.url + "/login/?lang=th")
    expect(page.locator("#login-submit")).to_be_enabled()
    wait_s = _throttled_attempt(page)
    expect(error).to_have_text(re.compile(rf"^เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป .* {wait_s} วินาที$"))
    context.close()


def _throttled_attempt(page: Page) -> int:
    """Sign in with a wrong password while throttled; the seconds the server's 429 says to
    wait (its Retry-After: the page must show that number, whatever the time the attempts
    took on a loaded machine)."""
    page.fill("#username", STAFF_USER)
    page.fill("#password", "not the password")
    with page.expect_response(lambda r: r.url.endswith("/api/auth/login")) as answer:
        page.click("#login-submit")
    assert answer.value.status == 429
    wait_s = int(answer.value.headers["retry-after"])
    assert 0 < wait_s <= 30  # login_backoff_s
    return wait_s
