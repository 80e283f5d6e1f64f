"""The staff and visitor pages in Chromium: screen sizes, signing in through the login form as a
person does, screenshots checked for content, and protocol clients run beside Playwright."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PIL import Image, ImageStat
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

LAPTOP: ViewportSize = {"width": 1366, "height": 860}
TABLET: ViewportSize = {"width": 1024, "height": 768}
TV: ViewportSize = {"width": 1280, "height": 720}
PHONE: ViewportSize = {"width": 390, "height": 844}


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill the login form on `page` and send it, once the page's module has run (it enables
    the button; a form filled before may be reset, one sent without it does not sign in)."""
    expect(page.locator("#login-submit")).to_be_enabled()
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


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Image.Image:
    """A screenshot that shows a page: many colours and real contrast, not a blank screen."""
    png = page.screenshot(full_page=full_page)
    folder = os.environ.get("VR_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    stddev = sum(ImageStat.Stat(image).stddev) / 3
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    assert stddev > 20, f"{name}: the screenshot is nearly uniform (stddev {stddev:.1f})"
    assert len(colours) > 200, f"{name}: only {len(colours)} colours: a blank page?"
    return image


def run_beside(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a protocol-level client beside Playwright (whose sync API owns this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
