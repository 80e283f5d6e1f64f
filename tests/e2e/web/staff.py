"""Staff pages in the browser tests: a browser context signed in through the login form."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext

from tests.support.harness import ServerProcess


def sign_in(
    browser: Browser, server: ServerProcess, username: str, password: str
) -> BrowserContext:
    """A laptop-sized context signed in as `username`, through the form, on /dashboard/."""
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    page = context.new_page()
    page.goto(server.url + "/login/?next=/dashboard/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(server.url + "/dashboard/")
    page.close()
    return context
