"""Slow and greedy clients against a real server (issue 15, item 5): request headers that drip
and bodies that stall are cut off after VR_HEADER_TIMEOUT_S / VR_BODY_TIMEOUT_S, one address
cannot hold more sockets or WebSockets than its caps, and the connection cap holds for
WebSockets too. Clients connect from distinct 127.0.0.0/8 addresses (127.0.0.1 is uncapped)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.harness import ServerProcess
from tests.support.raw_http import (
    closed_within,
    open_socket,
    read_available,
    read_until_closed,
    request_head,
    response_status,
)

HEADER_TIMEOUT_S = 1.5
BODY_TIMEOUT_S = 1.5
SOCKETS_PER_ADDRESS = 4
WEBSOCKETS_PER_ADDRESS = 2
SERVER_SETTINGS = {
    "header_timeout_s": HEADER_TIMEOUT_S,
    "body_timeout_s": BODY_TIMEOUT_S,
    "max_sockets_per_address": SOCKETS_PER_ADDRESS,
    "max_websockets_per_address": WEBSOCKETS_PER_ADDRESS,
    "max_connections": 40,
}


Opener = Callable[[str], socket.socket]


@pytest.fixture
def sockets(server: ServerProcess) -> Iterator[Opener]:
    """Opens a socket to the server from a local address; all are closed after the test."""
    opened: list[socket.socket] = []

    def open_from(source: str) -> socket.socket:
        opened.append(open_socket(server.port, source))
        return opened[-1]

    yield open_from
    for sock in opened:
        sock.close()


def get_health(sock: socket.socket) -> int | None:
    sock.sendall(request_head("GET", "/health"))
    return response_status(read_available(sock, 5) or b"")


def test_headers_that_drip_are_cut_off(sockets: Opener) -> None:
    socks = [sockets(f"127.0.1.{i}") for i in range(1, 21)]
    silent = sockets("127.0.1.30")  # opens and sends nothing
    start = time.monotonic()
    for sock in socks:
        sock.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\n")
    while time.monotonic() - start < HEADER_TIMEOUT_S + 2:
        for sock in socks:
            with contextlib.suppress(OSError):  # a header line every 0.2 s: never complete
                sock.sendall(b"X-A: b\r\n")
        time.sleep(0.2)
    for sock in [*socks, silent]:
        assert closed_within(sock, 3) is not None, "a slow-header client is still connected"
    assert time.monotonic() - start < HEADER_TIMEOUT_S + 6


def test_a_body_that_stalls_is_cut_off_and_a_slow_steady_one_is_not(sockets: Opener) -> None:
    head = request_head(
        "POST", "/api/auth/login", "Content-Type: application/json", "Content-Length: 1000"
    )
    staller = sockets("127.0.2.1")
    staller.sendall(head + b'{"username": "st')
    steady = sockets("127.0.2.2")
    body = b'{"username": "staff", "password": "wrong"}'
    steady.sendall(
        request_head(
            "POST",
            "/api/auth/login",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
        )
    )
    for i in range(0, len(body), 8):  # 8 bytes each 0.5 s: 3 s in all, longer than the timeout
        steady.sendall(body[i : i + 8])
        time.sleep(0.5)
    assert response_status(read_available(steady, 5) or b"") == 401
    assert closed_within(staller, BODY_TIMEOUT_S + 3) is not None


def test_one_address_holds_at_most_its_sockets(sockets: Opener) -> None:
    mine = [sockets("127.0.3.1") for _ in range(SOCKETS_PER_ADDRESS)]
    answer = read_until_closed(sockets("127.0.3.1"), 5)
    assert answer is not None, "the extra socket was not closed"
    assert response_status(answer) == 429, answer
    assert get_health(mine[0]) == 200  # the others are served
    assert get_health(sockets("127.0.3.2")) == 200  # another address too
    mine.pop().close()
    time.sleep(0.3)
    assert get_health(sockets("127.0.3.1")) == 200  # a freed place
    # the machine itself is uncapped (a reverse proxy there connects for all its clients)
    local = [sockets("127.0.0.1") for _ in range(SOCKETS_PER_ADDRESS * 2)]
    assert all(get_health(sock) == 200 for sock in local)


async def test_one_address_holds_at_most_its_websockets(server: ServerProcess) -> None:
    url = server.ws_url + "/ws/headset"
    source = ("127.0.4.1", 0)
    open_ones = [await connect(url, local_addr=source) for _ in range(WEBSOCKETS_PER_ADDRESS)]
    with pytest.raises(InvalidStatus) as refused:
        await connect(url, local_addr=source)
    assert refused.value.response.status_code == 429
    other = await connect(url, local_addr=("127.0.4.2", 0))
    await open_ones.pop().close()
    await asyncio.sleep(0.3)
    again = await connect(url, local_addr=source)  # the closed one's place is free again
    for ws in [*open_ones, other, again]:
        await ws.close()


async def test_the_connection_cap_holds_for_websockets_too(
    server: ServerProcess, sockets: Opener
) -> None:
    for i in range(1, 41):  # max_connections: 40
        sockets(f"127.0.5.{i}")
    late = sockets("127.0.5.50")
    late.sendall(request_head("GET", "/health"))
    assert response_status(read_available(late, 5) or b"") == 503
    with pytest.raises(InvalidStatus) as refused:
        await connect(server.ws_url + "/ws/headset", local_addr=("127.0.5.51", 0))
    assert refused.value.response.status_code == 503
