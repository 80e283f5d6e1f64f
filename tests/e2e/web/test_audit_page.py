"""The audit page in Chromium: an admin sees the trail with Thai and English labels and the
nav link to it; a staff account gets neither the link nor the entries."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.web.staff_pages import signed_in
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow

ADMIN, ADMIN_PASSWORD = "boss", "admin-password-long"


def sign_in(browser: Browser, server: ServerProcess, username: str, password: str) -> Page:
    page = signed_in(browser, server.url, "/audit/?lang=en", username, password).new_page()
    page.goto(server.url + "/audit/?lang=en")
    return page


def test_admin_reads_the_trail_staff_does_not(server: ServerProcess, browser: Browser) -> None:
    done = server.cli(
        "staff", "create", ADMIN, "--role", "admin", "--password-stdin",
        input_text=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    server.staff_token()  # a staff login to find, and a failed one
    wrong = {"username": "nobody", "password": "wrong password"}
    assert http().post(server.url + "/api/auth/login", json=wrong).status_code == 401
    admin = sign_in(browser, server, ADMIN, ADMIN_PASSWORD)
    rows = admin.locator("#audit-table tbody tr")
    expect(rows.filter(has_text="Signed in").filter(has_text=STAFF_USER)).not_to_have_count(0)
    failed = rows.filter(has_text="Failed sign-in").filter(has_text="nobody")
    expect(failed).to_contain_text("unknown")  # not "the server"
    expect(admin.locator(".nav a[href='/audit/']")).to_have_text("Audit trail")
    admin.select_option("#action", "login")
    admin.fill("#actor", ADMIN)
    admin.click("#audit-filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("127.0.0.1")
    admin.click("#lang-switch")
    expect(admin.locator("h1")).to_have_text("บันทึกการใช้งาน")
    expect(rows.first).to_contain_text("เข้าสู่ระบบ")

    staff = sign_in(browser, server, STAFF_USER, STAFF_PASSWORD)
    expect(staff.locator("#audit-error")).to_have_text(
        "This page is for administrator accounts only."
    )
    expect(staff.locator("#audit-table tbody tr")).to_have_count(0)
    expect(staff.locator(".nav a[href='/dashboard/']")).to_be_visible()
    expect(staff.locator(".nav a[href='/audit/']")).to_have_count(0)
