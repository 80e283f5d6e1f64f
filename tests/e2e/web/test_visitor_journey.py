"""A visitor's day across occupations (issue 18 part 4), against a real server and in real
Chromium: a visitor checks in on /checkin/ and plays one occupation, comes back with the visitor
code of their ticket and plays another; staff see both on the ticket (API and dashboard); the
result page on a phone shows both occupations, the RIASEC profile and the job links in Thai and
in English.

The headsets are protocol-level clients (tests/support/sockets.py). The server runs on SQLite,
then on PostgreSQL. Set VR_SCREENSHOT_DIR to keep the screenshots.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.server.test_results import finish
from tests.e2e.web.staff_pages import LAPTOP, PHONE, TABLET, signed_in
from tests.e2e.web.staff_pages import run_beside as _run
from tests.e2e.web.staff_pages import screenshot as _screenshot
from tests.support.bundles import write_bundle
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.sockets import hello_headset

CARE = {"th": "ผู้ดูแลทดสอบ", "en": "Test care home"}
OFFICE = {"th": "สำนักงานทดสอบ", "en": "Test office"}


@pytest.fixture(scope="module")
def test_bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's server (the `server` fixture) gets three occupations: a kitchen (R), a
    care home (S, E, C) and an office (C, E)."""
    dist = tmp_path_factory.mktemp("journey-bundles")
    write_bundle(dist)
    write_bundle(dist, scene_id="test-care", isco08="5322", riasec=["S", "E", "C"], title=CARE)
    write_bundle(dist, scene_id="test-office", isco08="4110", riasec=["C", "E"], title=OFFICE)
    return dist


@pytest.fixture
def desk(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    """The check-in page on a tablet, signed in as staff."""
    base = server.url
    context = signed_in(browser, base, "/checkin/", STAFF_USER, STAFF_PASSWORD, TABLET)
    page = context.new_page()
    page.goto(base + "/checkin/")
    yield page
    context.close()


def check_in(page: Page, scene_id: str, visitor_code: str = "") -> dict[str, Any]:
    """A visitor checks in (in English) for one occupation; the ticket the page got."""
    page.click(".lang-card[data-lang=en]")
    page.click(f"[data-scene={scene_id}]")
    page.fill("#visitor-code", visitor_code)
    if visitor_code:
        _screenshot(page, "journey-checkin-code", full_page=True)
    page.click("#interests-next")
    page.click("#get-ticket")
    expect(page.locator("#panel-ticket")).to_be_visible()
    ticket: dict[str, Any] = page.evaluate("() => window.__checkin.state().ticket")
    return ticket


async def play_called_ticket(
    server: ServerProcess, token: str, code: str, ticket_id: str, rating: int
) -> str:
    """Call the ticket to a new headset, which plays it to the end and rates it: the path of
    the session's result page."""
    sock, enrolled = await hello_headset(server, code)
    try:
        called = server.api(
            token,
            "POST",
            f"/api/queue/tickets/{ticket_id}/call",
            {"headset_id": enrolled["headset_id"]},
        )
        assert called.status_code == 200, called.text
        session_id = called.json()["session_id"]
        assert (await sock.recv_type("assignment"))["session_id"] == session_id
        await sock.send({"type": "loading", "session_id": session_id, "progress": 0.0})
        await sock.send({"type": "ready", "session_id": session_id})
        assert (await sock.recv_type("command"))["command"] == "start"
        result = await finish(sock, session_id)
        await sock.send({"type": "rating", "session_id": session_id, "rating": rating})
        assert (await sock.recv_type("rated"))["rating"] == rating
    finally:
        await sock.close()
    url = str(result["result_url"])
    return url[url.index("/results/") :]


@pytest.mark.parametrize("server", ["sqlite", "postgresql"], indirect=True)
def test_two_occupations_one_result_page(
    server: ServerProcess, desk: Page, browser: Browser
) -> None:
    token, code = server.staff_token(), server.enrollment_code(uses=5)
    errors: list[str] = []
    desk.on("pageerror", lambda e: errors.append(str(e)))

    first = check_in(desk, "test-kitchen")
    shown = desk.locator("#ticket-code").inner_text()
    assert shown == first["visitor_code"]
    assert len(shown) == 9  # K7QX-M4TZ
    expect(desk.locator("#ticket-tried")).to_be_hidden()
    _run(play_called_ticket(server, token, code, first["id"], rating=5))

    # Back at the desk: the code typed in lower case with a space instead of the dash.
    desk.click("#next-visitor")
    second = check_in(desk, "test-care", shown.replace("-", " ").lower())
    assert second["visitor_code"] == shown
    expect(desk.locator("#ticket-tried")).to_be_visible()
    expect(desk.locator("#ticket-tried-list")).to_have_text("Test kitchen (100%)")
    _screenshot(desk, "journey-checkin-returning", full_page=True)
    # The dashboard's waiting ticket says what this visitor already tried.
    staff = signed_in(browser, server.url, "/dashboard/?lang=en", STAFF_USER, STAFF_PASSWORD)
    board = staff.new_page()
    board.goto(server.url + "/dashboard/?lang=en")
    row = board.locator(f"#waiting [data-ticket-id='{second['id']}']")
    expect(row.locator(".ticket-tried")).to_have_text("Tried today: Test kitchen (100%)")
    expect(row.locator(".ticket-tried")).to_have_attribute("title", f"Visitor code {shown}")
    _screenshot(board, "journey-dashboard-ticket")
    staff.close()
    path = _run(play_called_ticket(server, token, code, second["id"], rating=2))

    # Staff see on the ticket what was tried.
    ticket = server.api(token, "GET", f"/api/queue/tickets/{second['id']}").json()
    assert [(t["scene_id"], t["rating"]) for t in ticket["tried"]] == [
        ("test-kitchen", 5),
        ("test-care", 2),
    ]

    # A code that cannot be one stops at the interests; one that is not today's is refused by
    # the server; both in the visitor's language.
    desk.click("#next-visitor")
    desk.click(".lang-card[data-lang=th]")
    desk.fill("#visitor-code", "K7QX-M4T")
    desk.click("#interests-next")
    expect(desk.locator("#code-error")).to_contain_text("รหัสผู้เข้าชมไม่ถูกต้อง")
    desk.fill("#visitor-code", "2222-2222")
    desk.click("#interests-next")
    desk.click("#get-ticket")
    expect(desk.locator("#checkin-error")).to_have_text(
        "ไม่พบรหัสผู้เข้าชม 2222-2222 ของวันนี้ ตรวจสอบรหัสอีกครั้ง หรือกดย้อนกลับแล้วลบรหัสออก"
    )
    expect(desk.locator("#panel-ticket")).to_be_hidden()
    assert errors == []

    phone: BrowserContext = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + path + "?lang=th")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    day = page.locator("#visit-day")
    expect(day.locator("h2")).to_have_text("วันนี้คุณลองมาแล้ว 2 อาชีพ")
    expect(day.locator("li.tried")).to_have_count(2)
    expect(day.locator("li.tried").nth(0)).to_contain_text("ครัวทดสอบ")
    expect(day.locator("li.tried").nth(1)).to_contain_text(CARE["th"])
    expect(day.locator("li.current")).to_have_attribute("data-scene", "test-care")
    expect(day.locator("li.tried").nth(1).locator(".star.on")).to_have_count(2)
    expect(page.locator("#visitor-code")).to_have_text(shown)
    profile = page.locator("#visit-profile")
    expect(profile.locator("h2")).to_contain_text("ความสนใจด้านอาชีพของคุณ")
    expect(profile.locator(".holland")).to_have_text("RSE")
    expect(profile.locator("li[data-code]")).to_have_count(6)
    expect(profile.locator("li[data-code=R] .profile-value")).to_have_text("71%")
    expect(profile.locator("li[data-code=R] .profile-bar")).to_have_attribute(
        "style", "width:71.4%"
    )
    expect(profile.locator("li.strong")).to_have_count(3)
    suggestions = page.locator("#visit-suggestions")
    expect(suggestions.locator("li.suggestion")).to_have_count(1)
    expect(suggestions).to_contain_text(OFFICE["th"])
    links = page.locator("#visit-day a.job-link")
    cook_th = "https://jobs.example/?isco=5120&q=" + quote("พ่อครัว")
    expect(links.nth(0)).to_have_attribute("href", cook_th)
    expect(links.nth(1)).to_contain_text("ISCO-08 5322")
    expect(suggestions.locator("a.job-link")).to_contain_text("ISCO-08 4110")
    _screenshot(page, "journey-result-th", full_page=True)

    page.click("#lang-switch")
    expect(day.locator("h2")).to_have_text("You tried 2 occupations today")
    expect(day.locator("li.tried").nth(1)).to_contain_text(CARE["en"])
    expect(profile.locator("h2")).to_contain_text("Your career interests")
    expect(suggestions).to_contain_text(OFFICE["en"])
    expect(links.nth(0)).to_have_attribute("href", "https://jobs.example/?isco=5120&q=cook")
    _screenshot(page, "journey-result-en", full_page=True)
    page.set_viewport_size(LAPTOP)  # the same page on a job-centre adviser's screen
    expect(profile.locator("li[data-code=R] .profile-bar")).to_be_visible()
    _screenshot(page, "journey-result-en-laptop", full_page=True)
    phone.close()
    assert errors == []
