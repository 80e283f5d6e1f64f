"""Hostile and careless socket clients (issue 15): the error path never fails, bad input is
logged briefly and rate-limited, a client that stops reading is closed with 4408 and named in
the log, and a command is answered "sent" only when the headset's open socket took it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.e2e.server.test_bad_input import healthy
from tests.support.harness import RawSocket, ServerProcess
from tests.support.sockets import hello_headset, ping_ok

OUTBOX_MAX_BYTES = 16 * 1024
"""The module's server's: a headset socket is closed past 16 KiB waiting, a staff one past
256 KiB (16 times as much)."""


SERVER_SETTINGS = {"outbox_max_bytes": OUTBOX_MAX_BYTES}
"""For this module's server (tests/conftest.py)."""


async def staff_socket(ws_url: str, token: str, **kwargs: Any) -> RawSocket:
    sock = await RawSocket.open(ws_url + "/ws/staff", **kwargs)
    await sock.send({"type": "auth", "token": token})
    assert (await sock.recv())["type"] == "snapshot"
    return sock


def log_since(server: ServerProcess, start: int) -> str:
    return server.log_path.read_text(errors="replace")[start:]


def log_size(server: ServerProcess) -> int:
    return len(server.log_path.read_text(errors="replace"))


PROCESS_REFILL_S = 5.0
"""Time for the server's process-wide bad-input bucket to hold five lines again, whatever an
earlier test of the module spent (it gains one a second)."""

INVALID_UTF8_FRAME = bytes([0x81, 0x80 | 2]) + bytes(4) + b"\xff\xfe"
"""A masked (zero mask) text frame whose payload is not UTF-8."""


# ------------------------------------------------------------------ 11: the error path


@pytest.mark.parametrize(
    "frame",
    [
        # invalid as a whole (pydantic refuses the escape), the id echoed from json.loads
        '{"type":"set_status","request_id":"\\ud800","headset_id":"x","status":"charging"}',
        '{"type":"\\udfff","request_id":"\\ud800"}',
        '{"type":"message","request_id":"\\udc00\\ud800","headset_id":"h","text":{}}',
    ],
)
async def test_lone_surrogates_get_an_error_frame_not_a_1011(
    server: ServerProcess, token: str, frame: str
) -> None:
    sock = await staff_socket(server.ws_url, token)
    await sock.send(frame)
    error = await sock.recv_type("error")
    assert error["request_id"] is None  # only what can be encoded is echoed
    await sock.send({"type": "ping", "t": 2.5})
    assert (await sock.recv_type("pong"))["t"] == 2.5  # the socket lives
    await sock.close()


# ------------------------------------------------------------------ 12: logging bad input


async def test_invalid_utf8_is_logged_in_one_rate_limited_line(server: ServerProcess) -> None:
    start = log_size(server)
    for _ in range(60):  # before hello: anyone on the network can do this
        sock = await RawSocket.open(server.ws_url + "/ws/headset")
        sock.ws.transport.write(INVALID_UTF8_FRAME)
        assert await sock.closed_with() == 1007
    await asyncio.sleep(0.3)
    log = log_since(server, start)
    assert "Traceback" not in log
    lines = [line for line in log.splitlines() if "invalid UTF-8" in line]
    assert 1 <= len(lines) <= 25, log[-2000:]  # the process's bucket: a burst of 20
    assert healthy(server)


async def test_bad_frames_are_logged_clipped_and_per_connection_limited(
    server: ServerProcess, code: str
) -> None:
    sock, enrolled = await hello_headset(server, code)
    # The test before spent the process's bucket (a burst of 20, then a line a second,
    # vr_server/badinput.py): wait until it holds more than this connection's burst again.
    await asyncio.sleep(PROCESS_REFILL_S)
    start = log_size(server)
    huge_type = "x" * 60_000
    for _ in range(10):
        await sock.send(json.dumps({"type": huge_type}))
        error = await sock.recv_type("error")
        assert error["code"] == "unknown_type"
        assert len(error["message"]) < 200  # echoed clipped too
    await ping_ok(sock)
    await sock.close()
    await asyncio.sleep(0.3)
    log = log_since(server, start)
    lines = [line for line in log.splitlines() if "bad frame from" in line]
    # the connection's bucket: 3, then one a minute ...
    assert len(lines) == 3, log[-2000:]
    # ... and what it kept out is counted when the connection closes
    summary = [line for line in log.splitlines() if "more bad frames not logged" in line]
    assert len(summary) == 1, log[-2000:]
    assert ": 7 more bad frames not logged" in summary[0]  # of the 10
    assert enrolled["headset_id"] in lines[0]
    assert all(len(line) < 400 for line in lines)


# ------------------------------------------------------------------ 13: a client that stops reading


# ------------------------------------------------------------------ 14: "sent" means taken
