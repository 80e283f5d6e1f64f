from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.web.driver import Headset, launch
from tests.support.e2e import e2e_only
from tests.support.harness import ServerProcess


@pytest.fixture(scope="module")
def enrollment_code(kiosk_server: ServerProcess) -> str:
    """One code for every emulated headset of the module (each context enrolls anew)."""
    return kiosk_server.enrollment_code(uses=100)


@pytest.fixture(scope="module")
def staff_token(kiosk_server: ServerProcess) -> str:
    return kiosk_server.staff_token()


@pytest.fixture(scope="module")
@e2e_only
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's, never a downloaded one) per test module."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def headset(browser: Browser, kiosk_server: ServerProcess) -> Iterator[Headset]:
    """An emulated Quest 3 with the headset app, against the kiosk server."""
    h = Headset(browser, kiosk_server.url)
    yield h
    h.close()
