"""Error codes carried by `error` frames, the visitor-facing reasons beside them, and the
WebSocket close codes the server uses.

Error frames keep the connection open; close codes end it. One table maps each protocol
exception to its code (`vr_server/errors.py` raises, the socket layer reports).

`code` is the class of an error, for a client's logic (retry, resend, give up); `message` is
English for developers and logs. Where a visitor in a headset can meet the error, it also
carries a `reason` with `params`: the headset app words each reason in Thai and English
(`headset_client/web/errors.json`; a test fails when one is missing) and never shows `message`.
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


class Reason(StrEnum):
    """Why a request from a headset (or its enrollment) was refused, in terms the headset app
    can word for the visitor. Sent as `reason` with `params` (strings); new reasons may be added
    within protocol version 1, so a client words an unknown one with its generic text."""

    HEADSET_NEEDS_CLEANING = "headset_needs_cleaning"
    """The headset waits to be cleaned before the next visitor. params: `headset` (its name)."""
    HEADSET_CHARGING = "headset_charging"
    """The headset is marked as charging. params: `headset`."""
    HEADSET_BUSY = "headset_busy"
    """The headset already has an active session. params: `headset`."""
    SCENE_UNAVAILABLE = "scene_unavailable"
    """The scene is not (or no longer) in the catalog. params: `scene_id`."""
    SELF_SERVICE_OFF = "self_service_off"
    """Visitors cannot pick a scene on this server: staff assign them."""
    RATING_CLOSED = "rating_closed"
    """The rating cannot be given or changed any more (or not yet)."""
    ENROLLMENT_REFUSED = "enrollment_refused"
    """`POST /api/devices/enroll`: the code is wrong, used up, expired or revoked."""
    ENROLLMENT_THROTTLED = "enrollment_throttled"
    """`POST /api/devices/enroll` (429): too many wrong codes from this address; params:
    `seconds` (until the next try is checked)."""


REASON_PARAMS: dict[Reason, frozenset[str]] = {
    Reason.HEADSET_NEEDS_CLEANING: frozenset({"headset"}),
    Reason.HEADSET_CHARGING: frozenset({"headset"}),
    Reason.HEADSET_BUSY: frozenset({"headset"}),
    Reason.SCENE_UNAVAILABLE: frozenset({"scene_id"}),
    Reason.SELF_SERVICE_OFF: frozenset(),
    Reason.RATING_CLOSED: frozenset(),
    Reason.ENROLLMENT_REFUSED: frozenset(),
    Reason.ENROLLMENT_THROTTLED: frozenset({"seconds"}),
}
"""The `params` each reason is sent with: what a client may put in its wording."""


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
