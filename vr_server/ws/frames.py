"""Frames the sockets build themselves: the one `error` frame (from an exception), `pong`, and
the JSON of any outgoing frame.

Services return and publish the frames of their own results (`ack`, `assignment`, `reply`
data, ...) but never an error frame: they raise (vr_server/errors.py), and
`Connection.fail` answers with `error_frame`.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from vr_server.badinput import encodable
from vr_server.errors import FrameError, Rejected, ServerError
from vr_server.protocol.headset import Error, Pong

log = logging.getLogger(__name__)


def error_frame(exc: ServerError, about: object = None) -> Error:
    """The `error` frame for `exc`, raised while handling the frame `about` (if any): it echoes
    that frame's `seq` (an event's) and `request_id` (a staff request's)."""
    request_id = exc.request_id if isinstance(exc, FrameError) else None
    if request_id is None:
        request_id = getattr(about, "request_id", None)
    return Error(
        code=exc.code,
        message=exc.message,
        seq=getattr(about, "seq", None),
        request_id=request_id,
        expected_seq=exc.expected_seq if isinstance(exc, Rejected) else None,
        reason=exc.reason,
        params=exc.params,
    )


def pong(t: float | None) -> Pong:
    """The answer to a `ping` on either socket."""
    return Pong(t=t, server_time=time.time())


def frame_json(frame: BaseModel) -> str:
    """The frame's JSON. One whose strings UTF-8 cannot encode (a lone surrogate, which JSON's
    escapes let a client send) is sent with them replaced: sending never fails."""
    try:
        return frame.model_dump_json()
    except PydanticSerializationError:
        log.warning("a %s frame had text UTF-8 cannot encode; replaced", type(frame).__name__)
        data = _encodable_json(frame.model_dump(mode="json"))
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _encodable_json(value: Any) -> Any:
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {encodable(k): _encodable_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable_json(v) for v in value]
    return value
