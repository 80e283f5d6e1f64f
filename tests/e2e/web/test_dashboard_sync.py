"""The dashboard's line about the venue's sync with central (docs/sync.md), in real headless
Chromium: hidden while the venue is not paired; once paired with a central server that cannot be
reached, it says how many records wait and that central is unreachable, in Thai and English."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.web.staff_pages import signed_in
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http
from tests.support.postgres import run_async
from vr_server.settings import Settings
from vr_server.storage import SqlStore
from vr_server.storage.venue_link import VenueLinkRecord

pytestmark = pytest.mark.slow
SERVER_SETTINGS = {"sync_interval_s": "0.3", "sync_timeout_s": "1"}


@pytest.fixture(scope="module")
def staff(browser: Browser, server: ServerProcess) -> Iterator[BrowserContext]:
    context = signed_in(browser, server.url, "/dashboard/", STAFF_USER, STAFF_PASSWORD)
    yield context
    context.close()


async def pair_with_nowhere(server: ServerProcess) -> None:
    """The pairing `vr-server central pair` keeps, with a central that never answers (port 9)."""
    store = SqlStore.from_url(Settings(data_dir=server.data_dir).resolved_database_url)
    try:
        link = VenueLinkRecord("http://127.0.0.1:9", "v1", "Hall 9", "c" * 43, datetime.now(UTC), 0)
        await store.venue_link.pair(link)
    finally:
        await store.close()


def test_the_dashboard_shows_the_sync_state(staff: BrowserContext, server: ServerProcess) -> None:
    page = staff.new_page()
    page.goto(server.url + "/dashboard/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
    expect(page.locator("#sync-state")).to_be_hidden()

    server.check_in(server.staff_token())  # a ticket: one record waits for central
    run_async(pair_with_nowhere(server))  # playwright holds this thread's loop
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sync = http().get(server.url + "/health").json()["sync"]
        if sync["last_error"]:
            break
        time.sleep(0.1)
    assert sync["paired"] is True
    assert sync["waiting"] >= 1
    assert sync["last_sync_at"] is None

    page.reload()
    line = page.locator("#sync-state")
    expect(line).to_be_visible()
    expect(line).to_contain_text(f"รอส่ง {sync['waiting']} รายการ")
    expect(line).to_contain_text("ยังไม่เคย")
    expect(line).to_contain_text("ติดต่อส่วนกลางไม่ได้")
    expect(line).to_have_class("sync-state bad")
    page.goto(server.url + "/dashboard/?lang=en")
    expect(line).to_contain_text(f"{sync['waiting']} records waiting to sync")
    expect(line).to_contain_text("central unreachable; everything here keeps working")
    page.close()
