"""Hostile and careless socket clients (issue 15): the error path never fails, and bad input
is logged briefly and rate-limited."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.harness import RawSocket, ServerProcess
from tests.server.helpers import hello_headset, ping_ok
from tests.server.test_bad_input import healthy
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.headset import Error
from vr_server.ws.connection import frame_json


async def staff_socket(ws_url: str, token: str, **kwargs: Any) -> RawSocket:
    sock = await RawSocket.open(ws_url + "/ws/staff", **kwargs)
    await sock.send({"type": "auth", "token": token})
    assert (await sock.recv())["type"] == "snapshot"
    return sock


def log_since(server: ServerProcess, start: int) -> str:
    return server.log_path.read_text(errors="replace")[start:]


def log_size(server: ServerProcess) -> int:
    return len(server.log_path.read_text(errors="replace"))


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


def test_a_frame_with_unencodable_text_is_still_sent() -> None:
    """The last line of defence: whatever the frame holds, it is serialised (a lone surrogate
    replaced) instead of raising in the error path."""
    frame = Error(code=ErrorCode.INVALID_MESSAGE, message="bad \ud800", request_id="\udfff")
    sent = json.loads(frame_json(frame).encode())
    assert (sent["message"], sent["request_id"]) == ("bad \ufffd", "\ufffd")


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
    # the connection's bucket: 3, then one a minute (fewer if the process's is spent)
    assert 1 <= len(lines) <= 3, log[-2000:]
    assert enrolled["headset_id"] in lines[0]
    assert all(len(line) < 400 for line in lines)
