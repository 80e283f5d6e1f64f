"""Connection.fail: the one mapping of an exception to the error frame and close code."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from vr_server.errors import (
    FrameError,
    NotFound,
    Refused,
    Rejected,
    ServerError,
    Unavailable,
)
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.headset import Event, Hello
from vr_server.protocol.staff import Assign
from vr_server.ws.connection import Closed

from .fakes import connection, sent, sent_json

EVENT = Event.model_validate(
    {"session_id": "s1", "seq": 7, "event": {"kind": "step_started", "step_id": "a"}}
)
ASSIGN = Assign(request_id="r-1", headset_id="h1", scene_id="kitchen")


async def test_closed_sends_nothing_and_closes_nothing() -> None:
    conn = connection()
    conn.fail(Closed())
    assert sent(conn) == []
    assert conn.close_code is None


async def test_a_refusal_sends_its_frame_then_closes_with_its_code() -> None:
    conn = connection()
    conn.fail(Refused(ErrorCode.AUTH_FAILED, "no such device", CloseCode.UNAUTHORIZED, "wrong"))
    assert sent(conn) == [
        '{"type":"error","code":"auth_failed","message":"no such device","seq":null,'
        '"request_id":null,"expected_seq":null}'
    ]
    assert (conn.close_code, conn.close_reason) == (4401, "wrong")


async def test_a_bad_frame_is_answered_logged_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    conn = connection(error_budget=2)
    with caplog.at_level(logging.WARNING, logger="vr_server.badinput"):
        for _ in range(2):
            conn.fail(FrameError(ErrorCode.UNKNOWN_TYPE, "unknown frame type 'x'", "r-9"))
    assert conn.close_code is None  # two errors: within the budget of two
    assert "bad frame from a client before authenticating (192.0.2.7:50123)" in caplog.text
    conn.fail(FrameError(ErrorCode.INVALID_JSON, "the frame is not valid JSON"))
    assert (conn.close_code, conn.close_reason) == (4429, "too many invalid frames")
    frames = sent_json(conn)
    assert [f["code"] for f in frames] == ["unknown_type", "unknown_type", "invalid_json"]
    assert [f["request_id"] for f in frames] == ["r-9", "r-9", None]


async def test_an_error_echoes_the_seq_and_request_id_of_the_frame_it_answers() -> None:
    conn = connection()
    conn.fail(NotFound("no session s1"), EVENT)
    conn.fail(NotFound("no headset h1"), ASSIGN)
    conn.fail(FrameError(ErrorCode.NOT_ALLOWED, "a kiosk only shows the queue board"), ASSIGN)
    conn.fail(Rejected(ErrorCode.SEQ_GAP, "expected event 3", expected_seq=3), EVENT)
    first, second, third, fourth = sent_json(conn)
    assert (first["seq"], first["request_id"], first["code"]) == (7, None, "not_found")
    assert (second["seq"], second["request_id"]) == (None, "r-1")
    assert (third["code"], third["request_id"]) == ("not_allowed", "r-1")
    assert (fourth["code"], fourth["seq"], fourth["expected_seq"]) == ("seq_gap", 7, 3)


async def test_a_service_error_costs_the_budget_only_when_the_route_says_so() -> None:
    conn = connection(error_budget=1)
    for _ in range(5):
        conn.fail(Unavailable("the database is unreachable"), EVENT)
    assert conn.close_code is None
    conn.fail(NotFound("no session s1"), EVENT, budget="too many invalid events")
    assert conn.close_code is None
    conn.fail(NotFound("no session s1"), EVENT, budget="too many invalid events")
    assert (conn.close_code, conn.close_reason) == (4429, "too many invalid events")
    assert [f["code"] for f in sent_json(conn)] == ["internal_error"] * 5 + ["not_found"] * 2


async def test_a_fault_of_ours_closes_with_1011_and_no_frame(
    caplog: pytest.LogCaptureFixture,
) -> None:
    conn = connection()
    with caplog.at_level(logging.ERROR, logger="vr_server.ws.connection"):
        conn.fail(KeyError("oops"), Hello(protocol=1, device_id="d", device_token="t"))
    assert sent(conn) == []
    assert (conn.close_code, conn.close_reason) == (1011, "internal error")
    assert "socket failed" in caplog.text
    assert "KeyError" in caplog.text  # with its traceback


async def test_a_fatal_server_error_closes_with_1011_but_a_refusal_keeps_its_code() -> None:
    conn = connection()
    conn.fail(Unavailable("the database is unreachable"), fatal=True)
    assert sent(conn) == []
    assert conn.close_code == CloseCode.INTERNAL_ERROR
    refused = connection()
    refused.fail(
        Refused(ErrorCode.PROTOCOL_VERSION, "not 1", CloseCode.PROTOCOL_MISMATCH, "mismatch"),
        fatal=True,
    )
    assert refused.close_code == 4426
    assert sent_json(refused)[0]["code"] == "protocol_version"


def test_every_server_error_has_a_wire_code() -> None:
    def subclasses(cls: type[ServerError]) -> list[type[ServerError]]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    for cls in subclasses(ServerError):
        assert isinstance(cls.code, ErrorCode), cls


def test_error_frames_are_built_in_one_place() -> None:
    """Only vr_server/ws/frames.py constructs the `error` frame model."""
    root = Path(__file__).resolve().parents[3] / "vr_server"
    builds = re.compile(r"(?<![A-Za-z_])Error\(")
    places = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted(root.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if builds.search(line) and not line.lstrip().startswith("class ")
    ]
    assert len(places) == 1, places
    assert places[0].startswith("ws/frames.py:"), places
