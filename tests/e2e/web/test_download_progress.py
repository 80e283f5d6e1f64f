"""Downloads as staff watch them, in headless Chromium against a real server with a slow
shaped link (one slot of 0.3 Mbit/s: a file of some 370 KB takes about 10 s):

1. a simulated headset prefetches a scene; the dashboard's card of that headset shows the
   download growing (read from the DOM, Thai then English, screenshots checked), then the
   scene cached and no download;
2. a new version of the scene is published with the same model and a new sound file: the
   "Scenes on headsets" card shows its roll-out at 0/1 while the headset fetches the sound
   (a scene is cached only with its sounds), then 1/1."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.web.distribution_cli import publish, simulate
from tests.e2e.web.staff_pages import screenshot, signed_in
from tests.support import harness
from tests.support.bundles import NODES, write_bundle
from tests.support.harness import ServerProcess

pytestmark = pytest.mark.slow

MBPS = "0.3"
AUTHOR = "author"
SCENE = "slow-scene"


def bulky_glb() -> bytes:
    """The test scene's nodes and a noisy sphere of some 370 KB (noise: nothing compresses)."""
    scene = trimesh.Scene()
    for i, name in enumerate((*NODES, "spawn")):
        box = trimesh.creation.box(extents=(0.2, 0.1, 0.3))
        box.apply_translation(np.array([i * 0.5, 1.0, -1.0]))
        scene.add_geometry(box, node_name=name, geom_name=f"{name}-mesh")
    sphere = trimesh.creation.icosphere(subdivisions=5)
    noise = np.random.default_rng(1).normal(0, 0.001, sphere.vertices.shape)
    sphere.vertices = sphere.vertices + noise
    scene.add_geometry(sphere, node_name="bulk", geom_name="bulk-mesh")
    data: bytes = scene.export(file_type="glb")
    return data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    library = tmp_path_factory.mktemp("progress-library")
    write_bundle(library, scene_id=SCENE, version="1.0.0", glb=bulky_glb())
    with harness.running_server(
        tmp_path_factory.mktemp("progress-server"),
        [library],
        authors=(AUTHOR,),
        venue_mbps=MBPS,
        headset_mbps=MBPS,
    ) as proc:
        yield proc


@pytest.fixture(scope="module")
def staff(browser: Browser, server: ServerProcess) -> Iterator[BrowserContext]:
    context = signed_in(
        browser, server.url, "/dashboard/", harness.STAFF_USER, harness.STAFF_PASSWORD
    )
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(staff: BrowserContext, server: ServerProcess) -> Iterator[Page]:
    """The dashboard, open before the headset enrolls (so it sees the first download)."""
    page = staff.new_page()
    page.goto(server.url + "/dashboard/")
    yield page
    page.close()


@pytest.fixture(scope="module")
def headset(
    server: ServerProcess, page: Page, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """One simulated headset, idle in the lobby: it prefetches whatever the server grants."""
    state = tmp_path_factory.mktemp("progress-headset")
    with (state / "simulate.log").open("wb") as log:
        proc = simulate(server, state, log, devices=1, prefix="slow")
        try:
            yield
        finally:
            harness.end_process(proc)


def reading(card: Locator) -> dict[str, Any] | None:
    """The download badge of a headset card, None when it shows none."""
    # One read of the page: the card re-renders every few hundred ms, so the attributes and the
    # text read one by one could come from two renders.
    found: dict[str, Any] | None = card.evaluate(
        """(el) => {
          const b = el.querySelector('.cache-line .badge.download');
          if (!b) return null;
          const d = b.dataset;
          return { done: Number(d.done ?? -1), size: Number(d.size ?? -1), purpose: d.download,
                   scene: d.scene, asset: d.asset, text: b.innerText };
        }"""
    )
    return found


def holders(page: Page) -> int:
    row = page.locator(f"#rollout tr[data-scene='{SCENE}']")
    return int(row.get_attribute("data-holders") or -1)


def test_a_headset_card_shows_the_download_in_progress_then_the_scene_cached(
    server: ServerProcess, page: Page, headset: None
) -> None:
    assert page.evaluate("document.documentElement.lang") == "th"
    card = page.locator("article.headset")
    expect(card).to_have_count(1, timeout=30_000)
    expect(card.locator(".badge.download")).to_have_count(1, timeout=30_000)
    seen: list[dict[str, Any]] = []
    shot = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = reading(card)
        if now is None:
            break
        seen.append(now)
        if not shot and 0 < now["done"] < now["size"]:
            screenshot(page, "download-progress-th", full_page=True)
            shot = True
            page.click("#lang-switch")  # the rest of the download in English
        page.wait_for_timeout(250)
    assert shot, seen  # a reading part of the way through
    assert {(r["purpose"], r["scene"], r["asset"]) for r in seen} == {("prefetch", SCENE, "model")}
    done = [r["done"] for r in seen]
    assert done == sorted(done), done  # it only grows
    assert len(set(done)) >= 2, done  # the card followed it
    for r in seen:
        pct = min(100, round(r["done"] / r["size"] * 100))
        assert re.search(rf"(กำลังดาวน์โหลด|Downloading) .+ {pct}%", r["text"]), r
    assert "(ล่วงหน้า)" in seen[0]["text"]
    english = [r for r in seen if r["text"].startswith("Downloading")]
    assert english, seen
    assert "(ahead of need)" in english[0]["text"]

    # done: the scene is cached and the card shows no download
    line = card.locator(".cache-line")
    expect(line).to_have_attribute("data-cached", "1", timeout=30_000)
    expect(line).to_contain_text("1/1 scenes cached")
    expect(card.locator(".badge.download")).to_have_count(0)
    assert holders(page) == 1
    screenshot(page, "download-done-en", full_page=True)


def test_a_new_version_with_a_new_sound_rolls_out_as_the_sound_arrives(
    server: ServerProcess, page: Page, headset: None, tmp_path: Path
) -> None:
    card = page.locator("article.headset")
    expect(card.locator(".cache-line")).to_have_attribute("data-cached", "1", timeout=60_000)
    sound = b"OggS" + np.random.default_rng(2).bytes(300_000)  # some 8 s at 0.3 Mbit/s
    write_bundle(tmp_path, scene_id=SCENE, version="1.0.1", glb=bulky_glb(), sounds=(sound,))
    publish(server, tmp_path, AUTHOR)

    row = page.locator(f"#rollout tr[data-scene='{SCENE}']")
    expect(row).to_have_attribute("data-version", "1.0.1", timeout=30_000)
    seen: list[tuple[int, dict[str, Any] | None]] = []
    shot = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = (holders(page), reading(card))
        seen.append(now)
        if now[0] == 1:
            break
        if not shot and now[1] is not None and 0 < now[1]["done"] < now[1]["size"]:
            # the model is held already: the version is not, until its sound is
            expect(row.locator(".rollout-text")).to_have_text("0/1 headsets have v1.0.1")
            expect(row.locator(".older")).to_contain_text("v1.0.0: 1")
            screenshot(page, "rollout-sound-en", full_page=True)
            shot = True
        page.wait_for_timeout(250)
    assert shot, seen
    assert seen[-1][0] == 1, seen
    assert [h for h, _ in seen] == sorted(h for h, _ in seen)  # the roll-out only grows
    downloads = {(r["asset"], r["scene"], r["size"]) for _, r in seen if r is not None}
    assert downloads == {("sound", SCENE, len(sound))}  # the model was not fetched again
    assert "(sound)" in next(r["text"] for _, r in seen if r is not None)
    expect(row.locator(".rollout-text")).to_have_text("1/1 headsets have v1.0.1")
    page.click("#lang-switch")
    expect(row.locator(".rollout-text")).to_have_text("1/1 แว่นมี v1.0.1")
    expect(card.locator(".cache-line")).to_contain_text("มีฉากในเครื่อง 1/1")
