"""Signing in to the staff pages through their login form, as a person does."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

LAPTOP: ViewportSize = {"width": 1366, "height": 860}


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill the login form on `page` and send it."""
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")


def signed_in(
    browser: Browser,
    base: str,
    path: str,
    username: str,
    password: str,
    viewport: ViewportSize = LAPTOP,
) -> BrowserContext:
    """A new browser context signed in through the form that `base + path` sends a stranger
    to; the sign-in ends back on `path`."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_url(lambda url: "/login/" in url)
    submit_login(page, username, password)
    page.wait_for_url(base + path)
    page.close()
    return context
