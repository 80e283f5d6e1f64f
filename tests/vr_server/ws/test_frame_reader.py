"""FrameReader: received text to a validated message, or FrameError with the right code."""

from __future__ import annotations

import json

import pytest

from vr_server.errors import FrameError
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.headset import Ping, Telemetry, headset_message_adapter
from vr_server.protocol.staff import Assign, staff_message_adapter
from vr_server.ws.connection import Closed, FrameReader
from vr_server.ws.headset import HEADSET
from vr_server.ws.staff import STAFF

HEADSET_READER = HEADSET.reader(headset_message_adapter, 1000)
STAFF_READER = STAFF.reader(staff_message_adapter, 1000)


def refusal(reader: FrameReader[object], message: str | bytes | None) -> FrameError:
    with pytest.raises(FrameError) as caught:
        reader.parse_message(message)
    return caught.value


def test_a_valid_frame_is_its_model() -> None:
    assert HEADSET_READER.parse_message('{"type":"ping","t":2}') == Ping(t=2)
    telemetry = HEADSET_READER.parse_message('{"type":"telemetry","battery":0.5}')
    assert isinstance(telemetry, Telemetry)
    assert telemetry.battery == 0.5


def test_asgi_events() -> None:
    assert HEADSET_READER.parse({"type": "websocket.receive", "text": '{"type":"ping"}'}) == Ping()
    with pytest.raises(Closed):
        HEADSET_READER.parse({"type": "websocket.disconnect", "code": 1000})
    err = refusal(HEADSET_READER, b'{"type":"ping"}')
    assert (err.code, err.message) == (
        ErrorCode.INVALID_MESSAGE,
        "send JSON text frames, not binary",
    )


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("{nope", ErrorCode.INVALID_JSON, "the frame is not valid JSON"),
        ("[1, 2]", ErrorCode.INVALID_MESSAGE, "a frame must be a JSON object"),
        ('{"t": 1}', ErrorCode.INVALID_MESSAGE, "the frame has no 'type'"),
        ('{"type": "dance"}', ErrorCode.UNKNOWN_TYPE, "unknown frame type 'dance'"),
        ('{"type": 5}', ErrorCode.UNKNOWN_TYPE, "unknown frame type int"),
        ("[" * 5000 + "]" * 5000, ErrorCode.FRAME_TOO_LARGE, None),
    ],
)
def test_what_is_wrong_is_told_by_its_code(text: str, code: ErrorCode, message: str | None) -> None:
    err = refusal(HEADSET_READER, text)
    assert err.code == code
    if message is not None:
        assert err.message == message


def test_too_large_frames() -> None:
    err = refusal(HEADSET_READER, "x" * 1001)
    assert err.message == "the frame has 1001 characters; the limit is 1000"
    assert refusal(HEADSET_READER, b"x" * 1001).code == ErrorCode.FRAME_TOO_LARGE


def test_an_invalid_frame_names_its_fields_and_echoes_a_usable_request_id() -> None:
    frame = {"type": "assign", "request_id": "r-7", "headset_id": "h1", "scene_id": ""}
    err = refusal(STAFF_READER, json.dumps(frame))
    assert err.code == ErrorCode.INVALID_MESSAGE
    assert err.message.startswith("invalid assign: ")
    assert "scene_id" in err.message
    assert err.request_id == "r-7"
    unusable = refusal(STAFF_READER, json.dumps({**frame, "request_id": "x" * 65}))
    assert unusable.request_id is None  # longer than a reply could carry
    surrogate = refusal(STAFF_READER, '{"type":"assign","request_id":"\\ud800"}')
    assert surrogate.request_id is None  # UTF-8 cannot encode it


def test_a_frame_of_the_other_socket_is_an_unknown_type() -> None:
    assert Assign.model_fields["type"].default == "assign"
    err = refusal(HEADSET_READER, '{"type":"assign","request_id":"r"}')
    assert (err.code, err.request_id) == (ErrorCode.UNKNOWN_TYPE, "r")
