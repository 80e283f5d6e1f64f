"""Bad input on the sockets: each gets an error frame with a code (or a close code), the server
stays healthy, and nothing stored is lost or duplicated."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from tests.support.harness import RawSocket, ServerProcess
from tests.support.http import http
from tests.support.sockets import headset_in_session, hello_headset, ping_ok, say_hello
from vr_server.protocol import PROTOCOL_VERSION


def healthy(server: ServerProcess) -> bool:
    return http().get(server.url + "/health").status_code == 200


@pytest.mark.parametrize(
    ("frame", "code_expected"),
    [
        ("{not json", "invalid_json"),
        ('["a", "list"]', "invalid_message"),
        ('{"no": "type"}', "invalid_message"),
        ('{"type": "teleport"}', "unknown_type"),
        ('{"type": "telemetry", "fps": "fast"}', "invalid_message"),
        ('{"type": "ping", "t": 1, "extra": true}', "invalid_message"),
        (
            '{"type": "event", "session_id": "s", "seq": -1, "event": {"kind": "x"}}',
            "invalid_message",
        ),
        (
            '{"type": "event", "session_id": "s", "seq": 1, "event": {"kind": "explode"}}',
            "invalid_message",
        ),
        (b"\x00binary", "invalid_message"),
        ("[" * 5000 + "]" * 5000, "invalid_json"),
    ],
)
async def test_invalid_frames_get_error_and_connection_survives(
    server: ServerProcess, code: str, frame: str | bytes, code_expected: str
) -> None:
    sock, _ = await hello_headset(server, code)
    await sock.send(frame)
    error = await sock.recv_type("error")
    assert error["code"] == code_expected, error
    await ping_ok(sock)
    await sock.close()
    assert healthy(server)


async def test_oversize_frame_gets_error_then_huge_frame_closes(
    server: ServerProcess, code: str
) -> None:
    sock, _ = await hello_headset(server, code)
    big = json.dumps({"type": "ping", "t": 1, "pad": "x" * 100_000})
    await sock.send(big)
    error = await sock.recv_type("error")
    assert error["code"] == "frame_too_large"
    await ping_ok(sock)
    # Past the transport limit (1 MiB) the server closes with 1009 "message too big" as soon as
    # it reads the frame's header. Only the header and the payload's start are written (raw,
    # with a zero mask): with the whole 2 MiB in flight, the server's close would reset the
    # connection under the client's send, and the client might never read the 1009.
    length = 2 * 1024 * 1024
    header = bytes([0x81, 0x80 | 127]) + length.to_bytes(8, "big") + bytes(4)
    sock.ws.transport.write(header + b"x" * 1000)
    assert await sock.closed_with() == 1009
    assert healthy(server)


async def test_frame_before_hello_is_refused_with_4401(server: ServerProcess) -> None:
    sock = await RawSocket.open(server.ws_url + "/ws/headset")
    await sock.send({"type": "ping", "t": 1})
    error = await sock.recv()
    assert error["code"] == "hello_required"
    assert await sock.closed_with() == 4401


async def test_garbage_before_hello_is_refused_with_4401(server: ServerProcess) -> None:
    sock = await RawSocket.open(server.ws_url + "/ws/headset")
    await sock.send("{{{")
    assert (await sock.recv())["code"] == "invalid_json"
    assert await sock.closed_with() == 4401


async def test_wrong_protocol_version_closes_with_4426(server: ServerProcess, code: str) -> None:
    enrolled = server.enroll(code, "dev-old-protocol")
    token = enrolled["device_token"]
    sock = await say_hello(server, "dev-old-protocol", token, protocol=PROTOCOL_VERSION + 1)
    error = await sock.recv()
    assert error["code"] == "protocol_version"
    assert await sock.closed_with() == 4426


async def test_repeated_abuse_closes_with_4429(server: ServerProcess, code: str) -> None:
    sock, _ = await hello_headset(server, code)
    for _ in range(25):  # the default budget is 20 invalid frames a minute
        await sock.send("nope")
    assert await sock.closed_with() == 4429
    assert healthy(server)


async def test_sequence_numbers_replay_gap_conflict_and_nothing_duplicated(
    server: ServerProcess, code: str, token: str
) -> None:
    sock, _enrolled, assignment = await headset_in_session(server, code, token)
    sid = assignment["session_id"]

    def event(seq: int, body: Mapping[str, object]) -> dict[str, object]:
        return {"type": "event", "session_id": sid, "seq": seq, "event": body}

    started = {"kind": "step_started", "step_id": "intro"}
    await sock.send(event(1, started))
    assert await sock.recv_type("ack") == {
        "type": "ack",
        "session_id": sid,
        "seq": 1,
        "duplicate": False,
    }
    # replay of the same event: acknowledged again, marked duplicate, stored once
    await sock.send(event(1, started))
    assert (await sock.recv_type("ack"))["duplicate"] is True
    # same number, other content: refused
    await sock.send(event(1, {"kind": "call_staff", "reason": "x"}))
    error = await sock.recv_type("error")
    assert (error["code"], error["seq"]) == ("seq_conflict", 1)
    # a gap: refused with the number expected
    await sock.send(event(5, {"kind": "step_completed", "step_id": "intro"}))
    error = await sock.recv_type("error")
    assert (error["code"], error["expected_seq"]) == ("seq_gap", 2)
    # an event the script does not allow: refused, its number stays free
    await sock.send(event(2, {"kind": "step_started", "step_id": "quiz"}))
    assert (await sock.recv_type("error"))["code"] == "invalid_event"
    await sock.send(event(2, {"kind": "step_completed", "step_id": "intro"}))
    assert (await sock.recv_type("ack"))["seq"] == 2
    # another session's id: refused
    await sock.send({**event(3, started), "session_id": "not-a-session"})
    assert (await sock.recv_type("error"))["code"] == "not_found"

    stored = server.api(token, "GET", f"/api/sessions/{sid}/events").json()
    assert [(e["seq"], e["kind"]) for e in stored] == [(1, "step_started"), (2, "step_completed")]
    session = server.api(token, "GET", f"/api/sessions/{sid}").json()
    assert (session["state"], session["next_seq"], session["step_index"]) == ("running", 3, 1)
    await sock.close()


async def test_events_for_a_session_of_another_headset_are_refused(
    server: ServerProcess, code: str, token: str
) -> None:
    owner, _owner_ids, assignment = await headset_in_session(server, code, token)
    intruder, _ = await hello_headset(server, code)
    await intruder.send(
        {
            "type": "event",
            "session_id": assignment["session_id"],
            "seq": 1,
            "event": {"kind": "step_started", "step_id": "intro"},
        }
    )
    error = await intruder.recv_type("error")
    assert error["code"] == "wrong_session"
    assert "another headset" in error["message"]
    stored = server.api(token, "GET", f"/api/sessions/{assignment['session_id']}/events").json()
    assert stored == []
    await owner.close()
    await intruder.close()


async def test_staff_socket_bad_frames_and_unknown_targets(
    server: ServerProcess, token: str
) -> None:
    sock = await RawSocket.open(server.ws_url + "/ws/staff")
    await sock.send({"type": "auth", "token": token})
    assert (await sock.recv())["type"] == "snapshot"
    await sock.send("{oops")
    assert (await sock.recv_type("error"))["code"] == "invalid_json"
    await sock.send({"type": "assign", "request_id": "r1", "headset_id": "nope", "scene_id": "x"})
    error = await sock.recv_type("error")
    assert (error["code"], error["request_id"]) == ("not_found", "r1")
    await sock.send({"type": "assign", "request_id": "r2", "headset_id": 5})
    error = await sock.recv_type("error")
    assert (error["code"], error["request_id"]) == ("invalid_message", "r2")
    await sock.send({"type": "ping", "t": 2})
    assert (await sock.recv_type("pong"))["t"] == 2
    await sock.close()
