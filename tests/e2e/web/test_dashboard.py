"""The staff pages and the visitor's result page in real headless Chromium, against a real
server and a simulated headset (headset_client's simulator, as a subprocess).

One end-to-end scenario: a staff member signs in, sees the headset come online, checks a
visitor in on /checkin/, calls the ticket to that headset from /dashboard/, watches the steps
advance live, pauses and ends the session, and finds it on /stats/ and in the CSV. Around it:
access without login, a "call staff" alert, the queue board updating live, and /results/.

The pages run under their real Content-Security-Policy (no eval), so the tests wait through
locators and `page.evaluate`, never `wait_for_function` strings. Set VR_SCREENSHOT_DIR to keep
the screenshots.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.web.staff_pages import LAPTOP, PHONE, TABLET, TV, submit_login
from tests.e2e.web.staff_pages import run_beside as _run
from tests.e2e.web.staff_pages import screenshot as _screenshot
from tests.support.harness import (
    STAFF_PASSWORD,
    STAFF_USER,
    RawSocket,
    ServerProcess,
    end_process,
    running_server,
    simulate_args,
)
from tests.support.http import http
from vr_server.protocol.version import PROTOCOL_VERSION

pytestmark = pytest.mark.slow

SCENES = ("cook", "electrician")
SCENES_DIR = Path(__file__).resolve().parents[3] / "scenes"
CSV_HEADER = (
    "session_id,date,started_at,ended_at,headset,scene_id,language,state,score,percent,"
    "duration_s,wait_s,rating,ticket"
)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pages_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real scenes (with thumbnails), packaged once for the module."""
    from content_tools.package import package_scene

    dist = tmp_path_factory.mktemp("pages-library")
    for scene in SCENES:
        package_scene(SCENES_DIR / scene, dist)
    return dist


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, pages_library: Path
) -> Iterator[ServerProcess]:
    """This module's server (in place of tests/conftest.py's; tests/e2e/conftest.py's `token`
    and `code` are for it): the pages' scene library, a short sign-in time-out."""
    with running_server(
        tmp_path_factory.mktemp("pages-server"),
        [pages_library],
        auth_timeout_s=2,
        retention_days=14,
    ) as proc:
        yield proc


@pytest.fixture(scope="module")
def staff(browser: Browser, server: ServerProcess) -> Iterator[BrowserContext]:
    """A browser signed in through the login form, after being sent there by /dashboard/."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(server.url + "/dashboard/")
    assert page.url == server.url + "/login/?next=/dashboard/"
    submit_login(page, STAFF_USER, "not the password")
    expect(page.locator("#login-error")).not_to_be_empty()
    submit_login(page, STAFF_USER, STAFF_PASSWORD)
    page.wait_for_url(server.url + "/dashboard/")
    page.close()
    yield context
    context.close()


class Simulator:
    """`vr-headset simulate` in a subprocess: real enrollment, socket, downloads and play."""

    def __init__(self, server: ServerProcess, code: str, state: Path, prefix: str, speed: float):
        self.log = state / f"{prefix}.log"
        state.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "headset_client.cli",
                    *simulate_args(
                        server.url,
                        code,
                        state,
                        speed=speed,
                        sessions=0,
                        extra=("--name-prefix", prefix, "--max-backoff", "1"),
                    ),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.name = f"{prefix}-01"

    def stop(self) -> None:
        end_process(self.proc)


def _wait(predicate: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def _headset(server: ServerProcess, token: str, name: str) -> dict[str, Any] | None:
    for h in server.api(token, "GET", "/api/headsets").json():
        if h["name"] == name:
            found: dict[str, Any] = h
            return found
    return None


def _session_with_result(
    server: ServerProcess, token: str, session_id: str
) -> dict[str, Any] | None:
    session: dict[str, Any] = server.api(token, "GET", f"/api/sessions/{session_id}").json()
    return session if session.get("result_url") else None


def _step(card: Any) -> tuple[int, int]:
    text = card.locator(".step").get_attribute("data-step") or ""
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    return (int(match[1]), int(match[2])) if match else (0, 0)


# ---------------------------------------------------------------- access


STAFF_PAGES = ["/dashboard/", "/checkin/", "/queue-board/", "/stats/"]
STAFF_APIS = [
    "/api/auth/me",
    "/api/queue",
    "/api/queue/board",
    "/api/stats",
    "/api/stats.csv",
    "/api/headsets",
    "/api/sessions",
    "/api/catalog",
]


def test_nothing_is_reachable_without_login(server: ServerProcess, browser: Browser) -> None:
    base = server.url
    with httpx.Client(base_url=base) as client:
        for path in STAFF_PAGES:
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == f"/login/?next={path}"
            # A forged or expired cookie is no better than none.
            response = client.get(path, headers={"Cookie": "vr_staff=forged-token"})
            assert response.status_code == 303, path
        assert client.get("/stats/?from=2026-01-01").headers["location"] == (
            "/login/?next=/stats/%3Ffrom%3D2026-01-01"
        )
        for path in STAFF_APIS:
            assert client.get(path).status_code == 401, path
        # Public: the login page, the page scripts (no data in them) and the result page shell.
        assert client.get("/login/").status_code == 200
        assert client.get("/ui/dashboard/dashboard.js").status_code == 200
        assert client.get("/results/AAAAAAAAAAAAAAAAAAAAAA").status_code == 200
        assert client.get("/api/results/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
        # HTML only through the routes that check the login; no way out of the folder.
        for path in ["/ui/dashboard/page.html", "/ui/../api/pages.py", "/ui/%2e%2e/app.py"]:
            assert client.get(path).status_code == 404, path

    async def socket_close_codes() -> list[int | None]:
        codes = []
        for headers in ({}, {"Cookie": "vr_staff=forged-token"}):
            ws = await RawSocket.open(
                server.ws_url + "/ws/staff", additional_headers=headers, origin=None
            )
            codes.append(await ws.closed_with(timeout=15))
        return codes

    assert _run(socket_close_codes()) == [4401, 4401]

    # In a browser: every staff page lands on the login form, and `next` brings it back.
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    for path in STAFF_PAGES:
        page.goto(base + path)
        expect(page).to_have_url(f"{base}/login/?next={path}")
        expect(page.locator("#login-form")).to_be_visible()
    # `next` never leads off this server, however it is disguised (the URL parser drops tabs
    # and newlines, so "/<TAB>/evil.example" would be "//evil.example").
    vectors = [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\\evil.example/",
        "//evil.example/",
        "https://evil.example/",
        "/ /evil.example/",
        "javascript:alert(1)",
        "/login/?next=/stats/",
        "/stats/?from=2026-01-01#top",
    ]
    verdicts = page.evaluate(
        "async (vectors) => { const m = await import('/ui/login/login.js');"
        " return vectors.map((v) => m.safeNext(v)); }",
        vectors,
    )
    assert verdicts == [f"{base}/dashboard/"] * 8 + [f"{base}/stats/?from=2026-01-01#top"]
    submit_login(page, STAFF_USER, STAFF_PASSWORD)
    page.wait_for_url(base + "/stats/")
    # Signing out ends it: the cookie is gone and the pages send to the login form again.
    page.click("#logout")
    # To the login form: straight, or with `next` when the page's own refresh met the 401 first
    # (the stats page reloads its figures; either way the visitor is signed out, checked below).
    page.wait_for_url(re.compile(re.escape(base) + r"/login/(\?next=%2Fstats%2F.*)?$"))
    page.goto(base + "/dashboard/")
    expect(page).to_have_url(f"{base}/login/?next=/dashboard/")
    context.close()


# ---------------------------------------------------------------- the scenario


def test_check_in_call_watch_pause_end_and_find_it_in_the_figures(
    server: ServerProcess,
    staff: BrowserContext,
    token: str,
    code: str,
    tmp_path: Path,
) -> None:
    base = server.url
    dashboard = staff.new_page()
    errors: list[str] = []
    dashboard.on("pageerror", lambda e: errors.append(str(e)))
    dashboard.goto(base + "/dashboard/")
    expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "online")

    # A headset comes online: its card appears by itself, ready.
    sim = Simulator(server, code, tmp_path / "sim", "Quest", speed=20)
    try:
        card = dashboard.locator("article.headset", has_text=sim.name)
        expect(card).to_have_attribute("data-status", "ready", timeout=20_000)
        expect(card.locator(".dot.on")).to_be_visible()
        expect(card.locator(".fps")).to_contain_text("fps", timeout=5_000)

        # A visitor checks in at the entrance tablet (same signed-in browser).
        checkin = staff.new_page()
        checkin.set_viewport_size(TABLET)
        checkin.on("pageerror", lambda e: errors.append(str(e)))
        checkin.goto(base + "/checkin/")
        checkin.click(".lang-card[data-lang=en]")
        expect(checkin.locator("#panel-interests h1")).to_have_text(
            "Which jobs would you like to try?"
        )
        checkin.click("[data-scene=cook]")
        expect(checkin.locator(".scene-card.selected")).to_have_count(1)
        thumbnails = (
            "[...document.querySelectorAll('.thumb img')]"
            ".every((i) => i.complete && i.naturalWidth > 0)"
        )
        _wait(lambda: checkin.evaluate(thumbnails), 10, "the thumbnails")
        _screenshot(checkin, "checkin-interests")
        checkin.click("#interests-next")
        expect(checkin.locator("#visitor-name")).to_be_disabled()
        expect(checkin.locator("#visitor-phone")).to_be_disabled()
        # The consent text states the server's retention period (VR_RETENTION_DAYS).
        expect(checkin.locator("#pdpa-how-long")).to_contain_text("after 14 days")
        checkin.check("#consent")
        checkin.fill("#visitor-name", "Somchai Jaidee")
        checkin.fill("#visitor-phone", "081 234 5678")
        checkin.click("#get-ticket")
        label_el = checkin.locator("#ticket-label")
        expect(label_el).to_have_text(re.compile(r"^A\d{3}$"))
        label = label_el.inner_text()
        expect(checkin.locator("#ticket-qr svg.qr")).to_have_attribute(
            "data-qr", re.compile(f"^VRQ:{label}:")
        )
        expect(checkin.locator("#ticket-wait")).not_to_be_empty()
        expect(checkin.locator("#ticket-interests")).to_contain_text("cook", ignore_case=True)
        _screenshot(checkin, "checkin-ticket")
        ticket = next(
            t
            for t in server.api(token, "GET", "/api/queue").json()["waiting"]
            if t["label"] == label
        )
        assert ticket["has_personal_data"] is True
        assert "Somchai" not in json.dumps(ticket)

        # The dashboard's queue shows the ticket; staff call it to the headset.
        expect(dashboard.locator("#waiting")).to_contain_text(label)
        call = card.locator("button[data-action=call_next]")
        expect(call).to_contain_text(label)
        call.click()
        expect(dashboard.locator("#now-serving")).to_contain_text(label, timeout=10_000)
        expect(card).to_have_attribute("data-state", "running", timeout=30_000)
        expect(card.locator(".scene-title")).not_to_be_empty()
        expect(card).to_contain_text(label)

        # The steps advance live on the card (the simulated visitor plays them), and the time
        # in session ticks.
        elapsed = card.locator(".elapsed > span")
        shown = elapsed.inner_text()
        assert re.fullmatch(r"\d+:\d\d", shown), shown
        _wait(lambda: elapsed.inner_text() != shown, 5, "the time in session to tick")
        _wait(lambda: _step(card)[0] >= 2, 30, "step 2 on the card")
        before, total = _step(card)
        assert total >= 5
        _wait(lambda: _step(card)[0] > before, 30, "the next step on the card")

        # The visitor's language, switched remotely (the ticket was checked in in English).
        expect(card.locator(".session .lang-badge")).to_have_text("EN")
        card.locator("button[data-action=language]").click()
        expect(card.locator(".session .lang-badge")).to_have_text("TH", timeout=5_000)

        # Pause: the card says so and the visitor's progress stops.
        card.locator("button[data-action=pause]").click()
        expect(card).to_have_attribute("data-state", "paused", timeout=5_000)
        expect(card.locator("button[data-action=resume]")).to_be_visible()
        # a step the visitor finished just before the pause reached the headset may still be
        # on its way (seen under load: 7 became 8 after the card said paused); after that,
        # nothing moves
        time.sleep(1.0)
        held = _step(card)
        time.sleep(2.5)
        assert _step(card) == held
        _screenshot(dashboard, "dashboard-paused")

        # A short message for the visitor, in Thai and English (a ready-made one).
        card.locator("button[data-action=message]").click()
        dashboard.click("#message-presets .chip >> nth=0")
        expect(dashboard.locator("#message-th")).not_to_be_empty()
        expect(dashboard.locator("#message-en")).not_to_be_empty()
        dashboard.click("#message-ok")
        expect(dashboard.locator("#message-dialog")).to_be_hidden()
        expect(dashboard.locator(".toast.good").last).to_contain_text(sim.name)
        expect(card.locator(".session")).to_contain_text(f"{held[0]}/{held[1]}")

        # End, after confirming: the headset needs cleaning, the ticket is done.
        card.locator("button[data-action=end]").click()
        dashboard.click(".confirm-dialog [data-confirm]")
        expect(card).to_have_attribute("data-status", "needs_cleaning", timeout=10_000)
        expect(dashboard.locator("#now-serving")).not_to_contain_text(label, timeout=10_000)
        card.locator("button[data-action=cleaned]").click()
        expect(card).to_have_attribute("data-status", "ready", timeout=5_000)
        session = next(
            s
            for s in server.api(token, "GET", "/api/sessions?state=aborted").json()
            if s["ticket_label"] == label
        )
    finally:
        sim.stop()
    # The headset is gone: its card says offline.
    expect(card).to_have_attribute("data-status", "offline", timeout=15_000)
    expect(card.locator(".dot.off")).to_be_visible()

    # The figures of today include it, and so does the CSV.
    stats = staff.new_page()
    stats.on("pageerror", lambda e: errors.append(str(e)))
    stats.goto(base + "/stats/")
    expect(stats.locator("body")).to_have_attribute("data-loaded", "true")
    figures = stats.evaluate("window.__stats.figures()")
    assert figures["sessions"] >= 1
    assert any(s["scene_id"] == "cook" for s in figures["sessions_per_scene"])
    expect(stats.locator("[data-kpi=sessions] b")).to_have_text(str(figures["sessions"]))
    expect(stats.locator("#chart-scenes")).to_contain_text(
        server.api(token, "GET", "/api/catalog/cook").json()["title"]["th"]
    )
    expect(stats.locator("#chart-hours svg rect").first).to_be_attached()
    _screenshot(stats, "stats", full_page=True)
    with stats.expect_download() as download:
        stats.click("#csv-link")
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["session_id"] == session["id"])
    assert row["scene_id"] == "cook"
    assert row["ticket"] == label
    assert row["state"] == "aborted"
    assert row["headset"] == sim.name
    assert "Somchai" not in text
    assert "081" not in text
    assert errors == []


# ---------------------------------------------------------------- alerts


def test_call_staff_alert_stays_until_acknowledged(
    server: ServerProcess, staff: BrowserContext, code: str
) -> None:
    device = server.enroll(code, "desk-quest")
    name = device["name"]
    page = staff.new_page()
    page.goto(server.url + "/dashboard/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")

    async def call_staff() -> None:
        ws = await RawSocket.open(server.ws_url + "/ws/headset")
        await ws.send(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "device_id": "desk-quest",
                "device_token": device["device_token"],
            }
        )
        await ws.recv_type("welcome")
        await ws.send({"type": "call_staff", "reason": "visitor feels dizzy"})
        await asyncio.sleep(1)
        await ws.close()

    _run(call_staff())
    alert = page.locator("#alert-list .alert-call_staff", has_text=name)
    expect(alert).to_be_visible(timeout=5_000)
    expect(page.locator("article.headset", has_text=name)).to_have_class(re.compile("alerting"))
    # Still there after the headset left and the page was reloaded.
    page.reload()
    expect(alert).to_be_visible()
    alert.locator("button[data-ack]").click()
    expect(alert).to_have_count(0)
    page.reload()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
    expect(alert).to_have_count(0)
    page.close()


# ---------------------------------------------------------------- queue board


def test_queue_board_follows_the_queue_live(
    server: ServerProcess, staff: BrowserContext, token: str
) -> None:
    board = staff.new_page()
    board.set_viewport_size(TV)
    board.goto(server.url + "/queue-board/")
    expect(board.locator("body")).to_have_attribute("data-loaded", "true")
    expect(board.locator("#live-status")).to_have_attribute("data-state", "online")
    board.evaluate("window.__sameDocument = true")

    made = [
        server.api(
            token, "POST", "/api/queue/tickets", {"language": lang, "interests": ["electrician"]}
        ).json()
        for lang in ("th", "en")
    ]
    for ticket in made:
        expect(board.locator("#upcoming")).to_contain_text(ticket["label"], timeout=5_000)
    expect(board.locator("#serving-title")).to_contain_text("Now serving")
    _screenshot(board, "queue-board")

    first = made[0]
    server.api(token, "POST", f"/api/queue/tickets/{first['id']}/cancel", {"no_show": True})
    expect(board.locator("#upcoming")).not_to_contain_text(first["label"], timeout=5_000)
    expect(board.locator("#upcoming")).to_contain_text(made[1]["label"])
    assert board.evaluate("window.__sameDocument") is True, "updated without a reload"
    server.api(token, "POST", f"/api/queue/tickets/{made[1]['id']}/cancel", {})
    board.close()


# ---------------------------------------------------------------- results


def test_result_page_for_the_visitor(
    server: ServerProcess, browser: Browser, token: str, code: str, tmp_path: Path
) -> None:
    sim = Simulator(server, code, tmp_path / "fast", "Fast", speed=200)
    try:
        headset = _wait(
            lambda: (h := _headset(server, token, sim.name)) and h["online"] and h,
            20,
            "the fast headset online",
        )
        assigned = server.api(
            token,
            "POST",
            "/api/sessions",
            {"headset_id": headset["id"], "scene_id": "electrician", "language": "th"},
        )
        assert assigned.status_code == 201, assigned.text
        session_id = assigned.json()["id"]
        finished = _wait(lambda: _session_with_result(server, token, session_id), 60, "the result")
    finally:
        sim.stop()
    result_url = finished["result_url"]
    path = result_url[result_url.index("/results/") :]
    api_result = http().get(server.url + "/api" + path).json()

    # A phone with no login opens it (from the QR code).
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    response = page.goto(server.url + path)
    assert response is not None
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.locator("h1.scene-title")).to_have_text(api_result["title"]["th"])
    expect(page.locator(".ring-text")).to_have_text(f"{round(api_result['percent'])}%")
    expect(page.locator(".steps-done li")).to_have_count(len(api_result["steps"]))
    expect(page.locator(".riasec li")).to_have_count(len(api_result["riasec"]))
    expect(page.locator(".riasec")).to_contain_text("ชอบ")  # each type explained
    expect(page.locator("#job-link")).to_have_attribute("href", api_result["job_links"]["th"])
    expect(page.locator("#job-link")).to_have_attribute("rel", "noopener noreferrer")
    body = page.locator("body").inner_text()
    assert sim.name not in body
    assert headset["id"] not in body
    _screenshot(page, "result-th", full_page=True)

    page.click("#lang-switch")
    expect(page.locator("h1.scene-title")).to_have_text(api_result["title"]["en"])
    expect(page.locator(".riasec")).to_contain_text("Likes")
    expect(page.locator("#job-link")).to_have_attribute("href", api_result["job_links"]["en"])
    _screenshot(page, "result-en")

    page.goto(server.url + "/results/" + "B" * 22)
    expect(page.locator("body")).to_have_attribute("data-loaded", "error")
    expect(page.locator(".result-missing h1")).to_be_visible()
    context.close()


# ---------------------------------------------------------------- reconnecting


def test_dashboard_shows_offline_and_reconnects(
    server: ServerProcess, staff: BrowserContext
) -> None:
    page = staff.new_page()
    page.goto(server.url + "/dashboard/")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "online")
    expect(page.locator("article.headset").first).to_be_visible()
    server.stop()
    try:
        expect(status).to_have_attribute("data-state", "offline", timeout=10_000)
        expect(page.locator("#offline-banner")).to_be_visible()
        expect(page.locator("#fleet")).to_have_class(re.compile("stale"))
    finally:
        server.start()
    # Back by itself (backoff), with a fresh snapshot; the cookie still signs it in.
    expect(status).to_have_attribute("data-state", "online", timeout=40_000)
    expect(page.locator("#offline-banner")).to_be_hidden()
    expect(page.locator("article.headset").first).to_be_visible()
    assert page.url == server.url + "/dashboard/"
    page.close()
