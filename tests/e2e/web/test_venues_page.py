"""The central dashboard (/venues/) in real headless Chromium: a venue registered and paired at
this server sends a batch of today's session and ticket and its headsets online (as its sync
would), and the page shows that venue's headsets online, sessions, completion, median wait and
satisfaction, in Thai and English; a venue that has not paired shows as such. And the CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.web.staff_pages import signed_in
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def staff(browser: Browser, server: ServerProcess) -> Iterator[BrowserContext]:
    context = signed_in(browser, server.url, "/venues/", STAFF_USER, STAFF_PASSWORD)
    yield context
    context.close()


def a_venue_with_a_day(server: ServerProcess) -> str:
    """Registers "Hall North" (paired, one finished session today) and "Van 2": North's id."""
    added = server.cli("central", "venue", "add", "Hall North", "--json")
    assert added.returncode == 0, added.stderr
    assert server.cli("central", "venue", "add", "Van 2").returncode == 0
    paired = (
        http()
        .post(server.url + "/api/sync/pair", json={"code": json.loads(added.stdout)["code"]})
        .json()
    )
    now = datetime.now(UTC).replace(microsecond=0)
    checked_in = (now - timedelta(minutes=5)).isoformat()
    session = {
        "id": "s-1", "headset_id": "h-1", "scene_id": "test-kitchen", "scene_version": "1.0.0",
        "state": "finished", "result": {"percent": 90}, "created_at": now.isoformat(),
        "updated_at": now.isoformat(), "ticket_id": "t-1", "rating": 4,
        "rated_at": now.isoformat(), "sync_seq": 3,
        "started_at": now.isoformat(), "ended_at": (now + timedelta(minutes=8)).isoformat(),
    }  # fmt: skip
    ticket = {
        "id": "t-1", "venue_day": now.date().isoformat(), "number": 1, "language": "th",
        "interests": ["test-kitchen"], "status": "done", "created_at": checked_in,
        "called_at": now.isoformat(), "started_at": now.isoformat(), "sync_seq": 2,
    }  # fmt: skip
    batch = {"venue_id": paired["venue_id"], "after": 0, "upto": 3,
             "sessions": [session], "tickets": [ticket]}  # fmt: skip
    answer = http().post(
        server.url + "/api/sync/batch",
        json=batch,
        headers={"Authorization": f"Bearer {paired['credential']}"},
    )
    assert answer.status_code == 200, answer.text
    told = http().post(
        server.url + "/api/sync/presence",
        json={"headsets_online": 7},
        headers={"Authorization": f"Bearer {paired['credential']}"},
    )
    assert told.status_code == 204, told.text
    return str(paired["venue_id"])


def test_the_central_dashboard_shows_each_venues_day(
    staff: BrowserContext, server: ServerProcess
) -> None:
    north_id = a_venue_with_a_day(server)
    page = staff.new_page()
    page.goto(server.url + "/venues/")
    north = page.locator("#venues-body tr", has_text="Hall North")
    expect(north).to_contain_text("100%")
    expect(north).to_contain_text("5 นาที")
    expect(north).to_contain_text("4.0 ดาว (1 คน)")
    cells = north.locator("td")
    expect(cells.nth(2)).to_have_text("7")  # headsets online, as the venue said
    expect(cells.nth(3)).to_have_text("1")  # sessions
    expect(cells.nth(7)).to_have_text("1")  # headsets used
    expect(page.locator("#venues-body tr", has_text="Van 2")).to_contain_text("ยังไม่จับคู่")
    page.goto(server.url + "/venues/?lang=en")
    expect(north).to_contain_text("5 min")
    expect(north).to_contain_text("4.0/5 (1)")
    expect(page.locator("#venues-body tr", has_text="Van 2")).to_contain_text("not paired")
    day = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok")).date().isoformat()
    all_link = page.locator("#csv-link")
    expect(all_link).to_have_attribute("href", f"/api/central/venues.csv?from={day}&to={day}")
    page.close()

    # the CSV: every venue's sessions, or one venue's (staff token, as the link with the cookie)
    token = server.staff_token()
    everything = server.api(token, "GET", f"/api/central/venues.csv?from={day}&to={day}")
    assert everything.status_code == 200, everything.text
    rows = list(csv.DictReader(io.StringIO(everything.text.lstrip("\ufeff"))))
    assert [(r["venue"], r["session_id"], r["state"], r["rating"], r["wait_s"]) for r in rows] == [
        ("Hall North", "s-1", "finished", "4", "300")
    ]
    assert rows[0]["percent"] == "90"
    van = server.api(token, "GET", f"/api/central/venues.csv?from={day}&to={day}&venue=Van 2")
    assert van.text.lstrip("\ufeff").strip().count("\n") == 0  # the header alone
    unknown = server.api(token, "GET", "/api/central/venues.csv?venue=nowhere")
    assert unknown.status_code == 404

    # the stats page: this server's own figures by default, a venue's or all venues' on choice
    page = staff.new_page()
    page.goto(server.url + f"/stats/?lang=en&from={day}&to={day}")
    choice = page.locator("#venue")
    expect(choice).to_be_visible()
    expect(choice).to_have_value("")
    expect(page.locator('[data-kpi="sessions"] b')).to_have_text("0")
    expect(page.locator("#venue-note")).to_be_hidden()
    choice.select_option(north_id)
    expect(page.locator('[data-kpi="sessions"] b')).to_have_text("1")
    expect(page.locator("#chart-headsets")).to_contain_text("Hall North · h-1")
    expect(page.locator("#venue-note")).to_be_visible()
    csv_link = page.locator("#csv-link")
    expect(csv_link).to_have_attribute("href", re.compile(r"^/api/central/venues\.csv\?.*venue="))
    choice.select_option("all")
    expect(page.locator('[data-kpi="completion"] b')).to_have_text("100%")
    page.goto(server.url + f"/stats/?from={day}&to={day}&venue={north_id}")  # Thai, from the URL
    expect(page.locator("#venue-field")).to_contain_text("สถานที่")
    expect(page.locator("#venue")).to_have_value(north_id)
    expect(page.locator('[data-kpi="sessions"] b')).to_have_text("1")
    page.close()
    refused = server.api(token, "GET", f"/api/stats?from={day}&venue=nowhere")
    assert refused.status_code == 404
