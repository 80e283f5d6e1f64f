"""Error codes carried by `error` frames, and the WebSocket close codes the server uses.

Error frames keep the connection open; close codes end it. One table maps each protocol
exception to its code (`vr_server/errors.py` raises, the socket layer reports).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ErrorCode(StrEnum):
    INVALID_JSON = "invalid_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_MESSAGE = "invalid_message"
    FRAME_TOO_LARGE = "frame_too_large"
    HELLO_REQUIRED = "hello_required"
    AUTH_FAILED = "auth_failed"
    PROTOCOL_VERSION = "protocol_version"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID_STATE = "invalid_state"
    INVALID_EVENT = "invalid_event"
    WRONG_SESSION = "wrong_session"
    SEQ_GAP = "seq_gap"
    SEQ_CONFLICT = "seq_conflict"
    RATE_LIMITED = "rate_limited"
    HEADSET_OFFLINE = "headset_offline"
    NOT_ALLOWED = "not_allowed"
    INTERNAL = "internal_error"


class CloseCode(IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    UNAUTHORIZED = 4401
    """Missing or wrong credentials, or no hello/auth in time."""
    PROTOCOL_MISMATCH = 4426
    """The client speaks another protocol version."""
    REPLACED = 4409
    """The same headset connected again; the older connection is closed."""
    TOO_MANY_ERRORS = 4429
    """The client sent too many invalid frames."""
    TOO_SLOW = 4408
    """The client did not read its messages fast enough, or missed its heartbeats."""
