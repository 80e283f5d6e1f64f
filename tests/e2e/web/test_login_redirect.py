"""After signing in, `/login/?next=...` only ever leads to a page of this server (issue 15,
item 3): in real Chromium, with `next` disguised in the ways browsers undo (dot segments,
backslashes, tabs and newlines, percent-encoding), the browser ends on this origin and asks
nothing of another host."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Route
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.web.staff_pages import submit_login
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess, running_server

# Each is what `next` says once the query string is decoded; raw query strings below.
HOSTILE = [
    "//evil.example/phish",
    "/\\evil.example/phish",
    "/\\/evil.example/phish",
    "/..//evil.example/phish",
    "/.%2e//evil.example/phish",
    "/%2e%2e//evil.example/phish",
    "/stats/..//..//evil.example/phish",
    "https://evil.example/phish",
    "http:evil.example/phish",
    "/\t/evil.example/phish",
    "/\n/evil.example/phish",
    "\t//evil.example/phish",
    "javascript:alert(1)",
]
RAW_QUERIES = [
    "next=/..//evil.example/phish",  # as a link would carry it
    "next=%2F%2Fevil.example/phish",
    "next=%2F%5Cevil.example/phish",
    "next=/%09/evil.example/phish",
    "next=/%0A/evil.example/phish",
]


@pytest.fixture(scope="module")
def login_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("login-server"), []) as proc:
        yield proc


def lands_on(browser: Browser, server: ServerProcess, query: str) -> tuple[str, list[str], str]:
    """Sign in at /login/?`query`; (the page's URL after, the other hosts the browser asked,
    the "continue" link's target shown when /login/ is opened again signed in)."""
    elsewhere: list[str] = []
    host = urlsplit(server.url).netloc

    def only_this_server(route: Route) -> None:
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context = browser.new_context()
    try:
        context.route("**/*", only_this_server)
        page = context.new_page()
        page.goto(f"{server.url}/login/?{query}")
        submit_login(page, STAFF_USER, STAFF_PASSWORD)
        with contextlib.suppress(PlaywrightError):  # a navigation elsewhere fails: aborted
            page.wait_for_url(lambda url: "/login/" not in url)
            page.wait_for_load_state()
        landed = page.url
        page.goto(f"{server.url}/login/?{query}")
        link = page.locator("#already a")
        link.wait_for()
        target = page.evaluate("(a) => a.href", link.element_handle())
        return landed, elsewhere, target
    finally:
        context.close()


@pytest.mark.parametrize("query", [f"next={quote(v, safe='')}" for v in HOSTILE] + RAW_QUERIES)
def test_next_never_leaves_this_server(
    browser: Browser, login_server: ServerProcess, query: str
) -> None:
    landed, elsewhere, target = lands_on(browser, login_server, query)
    assert elsewhere == []
    assert landed == login_server.url + "/dashboard/", landed
    assert target == login_server.url + "/dashboard/", target


def test_next_on_this_server_is_followed(browser: Browser, login_server: ServerProcess) -> None:
    query = "next=" + quote("/stats/?from=2026-01-01#top", safe="")
    landed, elsewhere, target = lands_on(browser, login_server, query)
    assert elsewhere == []
    assert landed.startswith(login_server.url + "/stats/")  # the page then sets its own query
    assert target == login_server.url + "/stats/?from=2026-01-01#top"
