"""`http()` calls behave as httpx's top-level calls (tests/support/http.py): nothing carries
over from one call to the next, neither a cookie nor a connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.http import http


class _Handler(BaseHTTPRequestHandler):
    """Sets a cookie on /set; answers every request with the Cookie header it got and the
    number of the connection it came on."""

    protocol_version = "HTTP/1.1"  # keep-alive unless the client says otherwise
    connections = 0

    def setup(self) -> None:
        super().setup()
        type(self).connections += 1
        self.connection_number = type(self).connections

    def do_GET(self) -> None:
        body = f"{self.headers.get('Cookie', '')}|{self.connection_number}".encode()
        self.send_response(200)
        if self.path == "/set":
            self.send_header("Set-Cookie", "vr_staff=from-the-server; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_cookie_the_server_set_is_not_sent_again(url: str) -> None:
    assert http().get(url + "/set").status_code == 200
    cookie, _ = http().get(url + "/").text.split("|")
    assert cookie == ""


def test_cookies_given_to_a_call_go_with_that_call_alone(url: str) -> None:
    cookie, _ = http().get(url + "/", cookies={"vr_staff": "abc", "lang": "th"}).text.split("|")
    assert cookie == "vr_staff=abc; lang=th"
    cookie, _ = http().get(url + "/").text.split("|")
    assert cookie == ""


def test_every_call_opens_its_own_connection(url: str) -> None:
    numbers = {http().get(url + "/").text.split("|")[1] for _ in range(3)}
    assert len(numbers) == 3


def test_each_thread_has_its_own_client() -> None:
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(http()))
    thread.start()
    thread.join()
    assert seen[0] is not http()
    assert http() is http()
