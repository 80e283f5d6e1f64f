"""Bad client input: frames that cannot be encoded, clipped values, rate-limited log lines."""

from __future__ import annotations

import json
import logging

import pytest

from vr_server.badinput import InputLog, TokenBucket, clip
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.headset import Error
from vr_server.ws.frames import frame_json


def test_a_frame_with_unencodable_text_is_still_sent() -> None:
    """The last line of defence: whatever the frame holds, it is serialised (a lone surrogate
    replaced) instead of raising in the error path."""
    frame = Error(code=ErrorCode.INVALID_MESSAGE, message="bad \ud800", request_id="\udfff")
    sent = json.loads(frame_json(frame).encode())
    assert (sent["message"], sent["request_id"]) == ("bad \ufffd", "\ufffd")


def test_clipped_values_are_safe_to_log() -> None:
    assert clip("Quest\x1b[2J\nforged line") == "Quest\\x1b[2J\\x0aforged line"
    assert clip("ก" * 100, 10) == "ก" * 10 + "... (100 characters)"
    assert clip("\ud800") == "\ufffd"


def test_input_log_counts_what_it_suppressed(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    bad_input = InputLog(rate=1.0, burst=2, clock=lambda: now[0])
    connection = TokenBucket(1 / 60, 3, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="vr_server.badinput"):
        for i in range(5):
            bad_input.warning(connection, "bad %d", i)  # 2 pass the process's bucket
        assert [r.getMessage() for r in caplog.records] == ["bad 0", "bad 1"]
        assert (bad_input.process.suppressed, connection.suppressed) == (1, 2)
        now[0] = 1.0
        bad_input.warning(None, "another")
        now[0] = 60.0
        bad_input.warning(connection, "bad 5")
    assert [r.getMessage() for r in caplog.records][2:] == [
        "another (1 more suppressed)",  # the process's count
        "bad 5 (2 more suppressed)",  # the connection's
    ]
