"""Hostile text from visitors and devices stays text on the staff pages, in real Chromium.

Markup and script are planted wherever a visitor or a device chooses the words: a visitor's
name (typed on /checkin/), headset names given at enrollment, a kiosk's name given at pairing,
a headset's "call staff" reason and the usernames of failed sign-ins. Then /checkin/,
/dashboard/ (fleet, alerts, queue), /queue-board/, /admin/ and /audit/ are opened with the right
account, and each page must show the literal text, create no element from it (`img[src=x]`,
`svg[onload]`, an inline `script`, any `on*` handler), run nothing (`window.__pwned`), open no
dialog, report no Content-Security-Policy violation and request no `x` image.

The pages run under their real CSP, which already blocks inline handlers: the element counts,
not `window.__pwned`, are what catch a page that puts unescaped text into innerHTML.

Where the rules refuse such text (scene ids as interests, phone numbers, device ids) the
refusal is asserted instead. Scene titles come from authors, not visitors: not covered here.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    expect,
)

from tests.e2e.web.staff_pages import signed_in
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, RawSocket, ServerProcess
from tests.support.http import http
from vr_server.protocol.version import PROTOCOL_VERSION

pytestmark = pytest.mark.slow

SCENE = "test-kitchen"  # tests/support/bundles.py
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
SVG = '"><svg onload=window.__pwned=1>'
THAI = "สมชาย ใจดี"
INLINE_SCRIPT = 'script:not([src]):not([type="importmap"])'
"""A script made from a payload; a page's own import map (pages with three.js ship one in
their HTML, `vr_server/api/pages.py`) is the one inline script a page may have."""

VISITOR_NAME = f"{THAI} {IMG} {SVG}"  # typed on /checkin/
VISITOR_NAME_2 = f"{SCRIPT} {THAI}"  # checked in over the API
LIVE_HEADSET = f"แว่น 1 {IMG}"  # online during the test: cards, the call select, the queue
HEADSET_NAMES = (LIVE_HEADSET, f"{SCRIPT} แว่น 2", f"{SVG} แว่น 3")
KIOSK_NAME = f"จอคิว {SVG}"
CALL_REASON = f"{THAI}: {IMG} {SCRIPT} {SVG}"
LOGIN_NAMES = (IMG, SCRIPT, SVG, f"{THAI} {IMG}")  # failed sign-ins, on the audit trail
PHONE = "081 234 5678"


# ---------------------------------------------------------------- helpers


class Watch:
    """What a page must never do: open a dialog, break its CSP, throw, or fetch the `x` image."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on("request", self._request)

    def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def _request(self, request: Request) -> None:
        if urlsplit(request.url).path.endswith("/x"):
            self.problems.append(f"fetched {request.url}")

    def assert_inert(self, *shown: tuple[str, str | re.Pattern[str]]) -> None:
        """Nothing came alive on the page, and each (selector, text) shows the text literally
        with no element inside it (a str matches a substring, a pattern the whole text)."""
        page = self.page
        assert page.evaluate("typeof window.__pwned") == "undefined", "a payload ran"
        for made in ('img[src="x"]', "svg[onload]", "[onerror], [onload]", INLINE_SCRIPT):
            assert page.locator(made).count() == 0, f"{made}: an element made from a payload"
        assert page.locator('script[type="importmap"]').count() <= 1, "a second import map"
        for selector, _ in shown:
            inside = page.locator(f"{selector} :is(img, svg, script)")
            assert inside.count() == 0, f"an element inside {selector}"
        assert self.problems == []
        for selector, text in shown:
            expect(page.locator(selector, has_text=text).first).to_be_visible()


def exact(text: str) -> re.Pattern[str]:
    """Matches an element whose whole text is `text` (has_text alone matches substrings)."""
    return re.compile(f"^{re.escape(text)}$")


def sign_in(
    browser: Browser, server: ServerProcess, username: str, password: str
) -> BrowserContext:
    return signed_in(browser, server.url, "/dashboard/", username, password)


class LiveHeadset:
    """A headset's socket kept open (pinging, its frames drained) on an event loop in another
    thread: Playwright's sync API owns this thread's loop."""

    def __init__(self, server: ServerProcess, device_id: str, device_token: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.tasks: list[asyncio.Task[None]] = []
        self.sock: RawSocket = self._do(self._hello(server, device_id, device_token))

    def _do(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=20)

    async def _hello(self, server: ServerProcess, device_id: str, token: str) -> RawSocket:
        sock = await RawSocket.open(server.ws_url + "/ws/headset")
        hello = {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "device_id": device_id,
            "device_token": token,
        }
        await sock.send(hello)
        await sock.recv_type("welcome")
        self.tasks = [asyncio.create_task(self._ping(sock)), asyncio.create_task(self._drain(sock))]
        return sock

    @staticmethod
    async def _ping(sock: RawSocket) -> None:
        while True:
            await sock.send({"type": "ping"})
            await asyncio.sleep(3)

    @staticmethod
    async def _drain(sock: RawSocket) -> None:
        while True:
            await sock.ws.recv()

    def send(self, frame: dict[str, Any]) -> None:
        self._do(self.sock.send(frame))

    async def _close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(BaseException):
                await task
        await self.sock.close()

    def close(self) -> None:
        self._do(self._close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


# ---------------------------------------------------------------- refusals


def test_the_rules_refuse_markup_where_only_ids_and_digits_belong(server: ServerProcess) -> None:
    staff = server.staff_token()
    tickets = "/api/queue/tickets"
    for body in (
        {"interests": [IMG]},
        {"interests": [SVG]},
        {"consent": True, "name": THAI, "phone": SCRIPT},
        {"consent": True, "name": THAI, "phone": f"081 {IMG}"},
        {"name": IMG},  # a name without consent is refused whatever it says
        {"consent": True, "name": f"{THAI}\x1b[31m"},  # control characters
    ):
        response = server.api(staff, "POST", tickets, body)
        assert response.status_code == 422, (body, response.text)
    code = server.enrollment_code(uses=3)
    for body in (
        {"code": code, "device_id": SVG},
        {"code": code, "device_id": "quest-ok", "name": f"{THAI}\x07"},
    ):
        response = http().post(server.url + "/api/devices/enroll", json=body)
        assert response.status_code == 422, (body, response.text)


# ---------------------------------------------------------------- the pages


def test_hostile_text_renders_as_text_on_the_staff_pages(
    server: ServerProcess, browser: Browser
) -> None:
    base = server.url
    staff_token = server.staff_token()
    admin_token = server.admin_token()  # creates the admin account `admin`

    # Devices name themselves at enrollment; the rules accept < > " (no control characters).
    code = server.enrollment_code(uses=len(HEADSET_NAMES))
    enrolled = []
    for i, name in enumerate(HEADSET_NAMES):
        response = http().post(
            base + "/api/devices/enroll",
            json={"code": code, "device_id": f"hostile-{i}", "name": name},
        )
        assert response.status_code == 200, response.text
        assert response.json()["name"] == name
        enrolled.append(response.json())
    # A queue TV paired under a hostile name.
    pairing = server.api(staff_token, "POST", "/api/kiosks/pairing-code", {}).json()["code"]
    paired = http().post(base + "/api/kiosks/pair", json={"code": pairing, "name": KIOSK_NAME})
    assert paired.status_code == 201, paired.text
    assert paired.json()["name"] == KIOSK_NAME
    # Sign-ins that fail under hostile usernames: the audit trail shows them.
    for username in LOGIN_NAMES:
        wrong = {"username": username, "password": "wrong password"}
        assert http().post(base + "/api/auth/login", json=wrong).status_code == 401
    # A second visitor, checked in over the API, waits in the queue.
    second = server.api(
        staff_token,
        "POST",
        "/api/queue/tickets",
        {"interests": [SCENE], "consent": True, "name": VISITOR_NAME_2, "phone": PHONE},
    )
    assert second.status_code == 201, second.text

    staff = sign_in(browser, server, STAFF_USER, STAFF_PASSWORD)
    live: LiveHeadset | None = None
    try:
        # /checkin/: the visitor types the name; a phone number made of markup is refused.
        checkin = staff.new_page()
        checkin_watch = Watch(checkin)
        checkin.goto(base + "/checkin/")
        checkin.click(".lang-card[data-lang=en]")
        checkin.click(f"[data-scene={SCENE}]")
        checkin.click("#interests-next")
        checkin.check("#consent")
        checkin.fill("#visitor-name", VISITOR_NAME)
        checkin.fill("#visitor-phone", SCRIPT)
        checkin.click("#get-ticket")
        expect(checkin.locator("#checkin-error")).to_contain_text("phone number")
        checkin.fill("#visitor-phone", PHONE)
        checkin.click("#get-ticket")
        expect(checkin.locator("#ticket-label")).to_have_text(re.compile(r"^A\d{3}$"))
        label = checkin.locator("#ticket-label").inner_text()
        checkin_watch.assert_inert(("#ticket-interests", "Test kitchen"))
        # Kept verbatim, as text (the contact route is JSON; no page shows the name).
        waiting = server.api(staff_token, "GET", "/api/queue").json()["waiting"]
        ticket = next(t for t in waiting if t["label"] == label)
        assert THAI not in str(waiting)
        contact = server.api(admin_token, "GET", f"/api/queue/tickets/{ticket['id']}/contact")
        assert contact.json()["name"] == VISITOR_NAME
        contact = server.api(
            admin_token, "GET", f"/api/queue/tickets/{second.json()['id']}/contact"
        )
        assert contact.json()["name"] == VISITOR_NAME_2

        # /dashboard/: the cards, the call select, a "call staff" alert and the queue.
        dashboard = staff.new_page()
        dashboard_watch = Watch(dashboard)
        dashboard.goto(base + "/dashboard/")
        expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "online")
        live = LiveHeadset(server, "hostile-0", enrolled[0]["device_token"])
        card = dashboard.locator(f"article.headset[data-headset-id='{enrolled[0]['headset_id']}']")
        expect(card).to_have_attribute("data-status", "ready", timeout=10_000)
        expect(dashboard.locator("article.headset")).to_have_count(len(HEADSET_NAMES))
        row = dashboard.locator("#waiting li", has_text=label)
        expect(row.locator("select option")).to_have_count(1)  # the one free headset
        live.send({"type": "call_staff", "reason": CALL_REASON})
        expect(dashboard.locator("#alert-list .alert-call_staff small")).to_be_visible()
        dashboard_watch.assert_inert(("#waiting li select", exact(LIVE_HEADSET)))
        row.locator("button[data-call]").click()
        serving = dashboard.locator("#now-serving li", has_text=label)
        expect(serving).to_have_count(1, timeout=10_000)
        dashboard_watch.assert_inert(
            *((".headset-name", exact(name)) for name in HEADSET_NAMES),
            ("#alert-list .alert-call_staff small", exact(CALL_REASON)),
            ("#alert-list .alert-call_staff strong", LIVE_HEADSET),
            ("#now-serving li strong", exact(LIVE_HEADSET)),
        )

        # /queue-board/: the headset a called ticket walks to.
        board = staff.new_page()
        board_watch = Watch(board)
        board.goto(base + "/queue-board/")
        expect(board.locator(f"#serving li[data-label={label}]")).to_be_visible()
        board_watch.assert_inert((f"#serving li[data-label={label}] b", exact(LIVE_HEADSET)))
    finally:
        if live is not None:
            live.close()
        staff.close()

    admin = sign_in(browser, server, "admin", STAFF_PASSWORD)
    try:
        # /admin/: headset and kiosk names, and a confirmation that names a headset.
        page = admin.new_page()
        admin_watch = Watch(page)
        page.goto(base + "/admin/?lang=en")
        expect(page.locator("#headsets tr")).to_have_count(len(HEADSET_NAMES))
        expect(page.locator("#kiosks tr")).to_have_count(1)
        admin_watch.assert_inert(
            *(("#headsets td", exact(name)) for name in HEADSET_NAMES),
            ("#kiosks td", exact(KIOSK_NAME)),
        )
        page.locator("#headsets tr", has_text="แว่น 3").locator("button").click()
        admin_watch.assert_inert(("dialog.confirm-dialog h2", HEADSET_NAMES[2]))
        page.locator("dialog.confirm-dialog button[value=no]").click()
        expect(page.locator("dialog.confirm-dialog")).to_have_count(0)

        # /audit/: the failed sign-ins under their hostile usernames.
        audit = admin.new_page()
        audit_watch = Watch(audit)
        audit.goto(base + "/audit/?lang=en")
        failed = audit.locator("#audit-table tbody tr[data-action=login_failed]")
        expect(failed).to_have_count(len(LOGIN_NAMES))
        audit_watch.assert_inert(
            *(("#audit-table tbody tr[data-action=login_failed] td", exact(u)) for u in LOGIN_NAMES)
        )
    finally:
        admin.close()
