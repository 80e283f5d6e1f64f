"""Steps shared by the socket tests: a headset that said hello, a session that is running."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.harness import RawSocket, ServerProcess, wait_frame
from vr_server.protocol import PROTOCOL_VERSION


async def say_hello(server: ServerProcess, device_id: str, token: str, **fields: Any) -> RawSocket:
    """A headset socket that has sent its hello (this protocol version unless `fields` say
    otherwise); the server's answer is left to the caller to read."""
    sock = await RawSocket.open(server.ws_url + "/ws/headset")
    hello = {"protocol": PROTOCOL_VERSION, "device_id": device_id, "device_token": token}
    await sock.send({"type": "hello", **hello, **fields})
    return sock


async def welcomed(server: ServerProcess, device_id: str, token: str) -> RawSocket:
    """A headset socket the server has welcomed."""
    sock = await say_hello(server, device_id, token, app_version="test")
    welcome = await sock.recv()
    assert welcome["type"] == "welcome", welcome
    return sock


async def hello_headset(server: ServerProcess, code: str) -> tuple[RawSocket, dict[str, str]]:
    """A newly enrolled headset, welcomed; its enrollment answer and device id."""
    device_id = f"dev-{uuid.uuid4().hex[:12]}"
    enrolled = server.enroll(code, device_id)
    sock = await welcomed(server, device_id, enrolled["device_token"])
    return sock, {**enrolled, "device_id": device_id}


async def staff(server: ServerProcess, token: str) -> RawSocket:
    """A staff socket past its snapshot."""
    sock = await RawSocket.open(server.ws_url + "/ws/staff")
    await sock.send({"type": "auth", "token": token})
    assert (await sock.recv())["type"] == "snapshot"
    return sock


async def start_session(
    server: ServerProcess, token: str, sock: RawSocket, headset_id: str
) -> dict[str, Any]:
    response = server.api(
        token, "POST", "/api/sessions", {"headset_id": headset_id, "scene_id": "test-kitchen"}
    )
    assert response.status_code == 201, response.text
    assignment = await sock.recv_type("assignment")
    session_id = assignment["session_id"]
    await sock.send({"type": "loading", "session_id": session_id, "progress": 0.0})
    await sock.send({"type": "ready", "session_id": session_id})
    start = await sock.recv_type("command")
    assert start["command"] == "start"
    return assignment


async def staff_request(staff: RawSocket, frame: dict[str, Any]) -> dict[str, Any]:
    """Send a staff request (`frame` has its request_id) and return its reply, which must be
    a `reply`, not an `error`."""
    await staff.send(frame)
    reply = await wait_frame(staff, lambda f: f.get("request_id") == frame["request_id"])
    assert reply["type"] == "reply", reply
    return reply


async def assign_in_english(staff: RawSocket, request_id: str, headset_id: str) -> str:
    """Staff assign the test scene, in English, over the staff socket; the session id."""
    frame = {"type": "assign", "request_id": request_id, "headset_id": headset_id}
    reply = await staff_request(staff, {**frame, "scene_id": "test-kitchen", "language": "en"})
    return str(reply["session_id"])


async def headset_in_session(
    server: ServerProcess, code: str, token: str
) -> tuple[RawSocket, dict[str, str], dict[str, Any]]:
    """A new headset (hello_headset) running a session staff started over HTTP: its socket,
    its enrollment and the assignment it was sent."""
    sock, enrolled = await hello_headset(server, code)
    return sock, enrolled, await start_session(server, token, sock, enrolled["headset_id"])


async def ping_ok(sock: RawSocket) -> None:
    """The connection is still alive and served."""
    await sock.send({"type": "ping", "t": 1.5})
    pong = await sock.recv_type("pong")
    assert pong["t"] == 1.5
