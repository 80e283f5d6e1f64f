"""The server's one exception tree. Services raise these; the HTTP layer maps them to status
codes (`api/errors.py`) and the socket layer to error frames and close codes, in one place each
(`Connection.fail` in `ws/connection.py`, which builds the frame with `ws/frames.py`).

    ServerError                 code, http_status, message
    ├── Unauthorized            401  missing, wrong or expired credentials
    ├── Forbidden               403  valid credentials of the wrong kind
    ├── NotFound                404
    │   └── BlobNotFound             neither the blob directory nor the bucket has it (blobs.py)
    ├── WrongSession            403  a headset reported on another headset's session
    ├── Conflict                409  e.g. the headset already has an active session
    │   ├── StaleSession             the session row moved since it was read (storage/base.py;
    │   │                            the session service reads again and re-decides)
    │   └── DuplicateEvent           an event with this (session, seq) is stored (storage/base.py)
    ├── HeadsetOffline          409  a command for a headset that is not connected
    ├── NotAllowed              403  a feature this server has switched off (self-service)
    ├── InvalidState            409  a command the session's state does not allow
    ├── Rejected                409  the session's state machine refused a headset's report or
    │                                event; `code` says why (seq_gap, invalid_event, ...)
    ├── Invalid                 422  input that parses but makes no sense
    │   └── BlobMismatch             bytes that do not hash to the sha256 offered (blobs.py)
    ├── TooLarge                413
    ├── TooManyRequests         429  e.g. too many failed logins; `retry_after_s` says when
    ├── BadGateway              502  a backing store answered wrongly (bytes not matching
    │                                their sha256 in the S3 bucket); nothing was served or kept
    ├── Unavailable             503  the database, bus or S3 bucket is unreachable for now; retry
    │   └── RedisUnreachable         Redis did not answer at start (bus/redis.py)
    ├── FrameError                   a socket frame the client should not have sent (not JSON,
    │                                unknown type, invalid, too large, out of turn): an error
    │                                frame, counted towards the connection's error budget (4429)
    └── Refused                      the socket refuses the client: an error frame, then the
                                     close code `close_code` (4401, 4426, 1011)

Not server errors, and never reported to a client (control flow):
    ws.connection.Closed             the peer went away or the connection is closing: stop
                                     handling it
    serving.pathsend.ClientGone      the connection dropped while a file was being sent
"""

from __future__ import annotations

from typing import TypeVar

from vr_server.protocol.errors import ErrorCode, Reason

T = TypeVar("T")


class ServerError(Exception):
    """`message` is English for developers and logs. Where a visitor can meet the error (a
    headset's request), the raiser also gives `reason` and its `params`: the headset app words
    those in the visitor's language (protocol/errors.py: `Reason`)."""

    code: ErrorCode = ErrorCode.INTERNAL
    http_status: int = 500
    reason: Reason | None = None

    def __init__(
        self, message: str, *, reason: Reason | None = None, params: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.params = params or {}


class Unauthorized(ServerError):
    code = ErrorCode.AUTH_FAILED
    http_status = 401


class Forbidden(ServerError):
    code = ErrorCode.AUTH_FAILED
    http_status = 403


class NotFound(ServerError):
    code = ErrorCode.NOT_FOUND
    http_status = 404


class Conflict(ServerError):
    code = ErrorCode.CONFLICT
    http_status = 409


class WrongSession(ServerError):
    code = ErrorCode.WRONG_SESSION
    http_status = 403


class HeadsetOffline(ServerError):
    code = ErrorCode.HEADSET_OFFLINE
    http_status = 409


class NotAllowed(ServerError):
    code = ErrorCode.NOT_ALLOWED
    http_status = 403


class InvalidState(ServerError):
    code = ErrorCode.INVALID_STATE
    http_status = 409


class Invalid(ServerError):
    code = ErrorCode.INVALID_MESSAGE
    http_status = 422


class TooLarge(ServerError):
    code = ErrorCode.FRAME_TOO_LARGE
    http_status = 413


class TooManyRequests(ServerError):
    code = ErrorCode.RATE_LIMITED
    http_status = 429

    def __init__(
        self,
        message: str,
        *,
        retry_after_s: float,
        reason: Reason | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, reason=reason, params=params)
        self.retry_after_s = retry_after_s


class BadGateway(ServerError):
    """A backing store gave an answer that cannot be used, such as an S3 object whose bytes do
    not hash to its name. Retrying will not help until an operator repairs the store."""

    code = ErrorCode.INTERNAL
    http_status = 502


class Unavailable(ServerError):
    """A backing service is down (e.g. PostgreSQL restarting). Nothing was stored; the
    headset client resends an event refused with this code (`internal_error`) after a pause."""

    code = ErrorCode.INTERNAL
    http_status = 503


class Rejected(ServerError):
    """The session's state machine refused a headset's `loading`/`ready`/`load_failed` or
    `event`; `code` is the machine's reason, `expected_seq` the seq it expects after a gap."""

    http_status = 409

    def __init__(self, code: ErrorCode, message: str, *, expected_seq: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.expected_seq = expected_seq


class FrameError(ServerError):
    """A socket frame the client should not have sent: not JSON, an unknown type, invalid
    fields, too large, or out of turn (a second `hello`). Answered with an error frame (with the
    frame's `request_id` when it could be read) and counted towards the error budget."""

    http_status = 400

    def __init__(self, code: ErrorCode, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.request_id = request_id


class Refused(ServerError):
    """The socket refuses the client (no valid `hello`/`auth`, wrong credentials, another
    protocol version, the database down while logging in): the error frame, then close with
    `close_code` and `close_reason`."""

    def __init__(self, code: ErrorCode, message: str, close_code: int, reason: str) -> None:
        super().__init__(message)
        self.code = code
        self.close_code = close_code
        self.close_reason = reason


def found(value: T | None, message: str) -> T:
    """`value` (e.g. a row a repository looked up), or NotFound(message) when it is None."""
    if value is None:
        raise NotFound(message)
    return value
