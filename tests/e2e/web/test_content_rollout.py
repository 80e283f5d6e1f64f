"""Content distribution on the dashboard, in headless Chromium against a real server: each
headset card shows its cached scenes, the "Scenes on headsets" card how many headsets hold each
version, and a newly published version's roll-out ("3/3 headsets have v1.0.1") as the
simulated headsets prefetch it. In Thai, then in English."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.web.distribution_cli import publish, simulate
from tests.e2e.web.staff_pages import screenshot, signed_in
from tests.support.bundles import tiny_glb, write_bundle
from tests.support.harness import (
    STAFF_PASSWORD,
    STAFF_USER,
    ServerProcess,
    end_process,
    running_server,
)

pytestmark = pytest.mark.slow

AUTHOR = "author"
HEADSETS = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Two small scenes, a staff and an author account; slots of 8 Mbit/s."""
    library = tmp_path_factory.mktemp("rollout-library")
    write_bundle(library, scene_id="roll-a", version="1.0.0", glb=tiny_glb(seed=1))
    write_bundle(library, scene_id="roll-b", version="1.0.0", glb=tiny_glb(seed=2))
    with running_server(
        tmp_path_factory.mktemp("rollout-server"),
        [library],
        authors=(AUTHOR,),
        venue_mbps=16,
        headset_mbps=8,
    ) as proc:
        yield proc


@pytest.fixture(scope="module")
def headsets(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Three simulated headsets (`vr-headset simulate`), idle in the lobby."""
    state = tmp_path_factory.mktemp("rollout-headsets")
    with (state / "simulate.log").open("wb") as log:
        proc = simulate(server, state, log, devices=HEADSETS, prefix="roll")
        try:
            yield
        finally:
            end_process(proc)


@pytest.fixture(scope="module")
def staff(browser: Browser, server: ServerProcess) -> Iterator[BrowserContext]:
    context = signed_in(browser, server.url, "/dashboard/", STAFF_USER, STAFF_PASSWORD)
    yield context
    context.close()


def rows(page: Page) -> dict[str, dict[str, Any]]:
    """The "Scenes on headsets" table as the page shows it."""
    out = {}
    for row in page.locator("#rollout tr[data-scene]").all():
        out[row.get_attribute("data-scene") or ""] = {
            "version": row.get_attribute("data-version"),
            "holders": int(row.get_attribute("data-holders") or -1),
            "text": row.locator(".rollout-text").inner_text(),
        }
    return out


def publish_new_version(server: ServerProcess, folder: Path) -> None:
    """roll-a 1.0.1 with another model, by `vr-content publish` as an author."""
    write_bundle(folder, scene_id="roll-a", version="1.0.1", glb=tiny_glb(seed=3))
    publish(server, folder, AUTHOR)


def test_the_dashboard_shows_caches_and_a_new_versions_roll_out(
    server: ServerProcess, headsets: None, staff: BrowserContext, tmp_path: Path
) -> None:
    page = staff.new_page()
    page.goto(server.url + "/dashboard/")
    cards = page.locator("article.headset")
    expect(cards).to_have_count(HEADSETS, timeout=30_000)
    # every headset prefetches both scenes: each card says so, in Thai first
    lines = page.locator("article.headset .cache-line[data-cached='2']")
    expect(lines).to_have_count(HEADSETS, timeout=60_000)
    expect(lines.first).to_contain_text("มีฉากในเครื่อง 2/2")
    expect(page.locator("#rollout tr[data-scene='roll-a'] .rollout-text")).to_have_text(
        f"{HEADSETS}/{HEADSETS} แว่นมี v1.0.0"
    )
    screenshot(page, "content-rollout-th", full_page=True)

    publish_new_version(server, tmp_path / "dist")
    # the new version appears (the catalog's picture is refreshed within seconds), then the
    # headsets prefetch it until every one holds it; the old version's holders are listed
    expect(page.locator("#rollout tr[data-scene='roll-a']")).to_have_attribute(
        "data-version", "1.0.1", timeout=30_000
    )
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        table = rows(page)
        seen.append(table["roll-a"]["holders"])
        if table["roll-a"]["holders"] == HEADSETS:
            break
        page.wait_for_timeout(300)
    assert seen[-1] == HEADSETS, seen
    assert seen == sorted(seen)  # the roll-out only grows
    expect(page.locator("#rollout tr[data-scene='roll-a'] .older")).to_contain_text("v1.0.0")
    # in English
    assert page.evaluate("document.documentElement.lang") == "th"
    page.click("#lang-switch")
    expect(page.locator("#rollout tr[data-scene='roll-a'] .rollout-text")).to_have_text(
        f"{HEADSETS}/{HEADSETS} headsets have v1.0.1"
    )
    expect(page.locator("article.headset .cache-line").first).to_contain_text("2/2 scenes cached")
    state = page.evaluate("window.__dashboard.state().distribution")
    assert state["scheduled"] is True
    assert {c["headset_id"] for c in state["caches"]} == {
        h.get_attribute("data-headset-id") for h in cards.all()
    }
    screenshot(page, "content-rollout-en", full_page=True)
    page.close()
