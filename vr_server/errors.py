"""The server's exception tree. Services raise these; the HTTP layer and the socket layer map
them to status codes and error frames in one place each (`api/errors.py`, `ws/frames.py`).

    ServerError                 code, http_status
    ├── Unauthorized            401  missing, wrong or expired credentials
    ├── Forbidden               403  valid credentials of the wrong kind
    ├── NotFound                404
    ├── WrongSession            403  a headset reported on another headset's session
    ├── Conflict                409  e.g. the headset already has an active session
    ├── HeadsetOffline          409  a command for a headset that is not connected
    ├── NotAllowed              403  a feature this server has switched off (self-service)
    ├── InvalidState            409  a command the session's state does not allow
    ├── Invalid                 422  input that parses but makes no sense
    ├── TooLarge                413
    ├── TooManyRequests         429  e.g. too many failed logins; `retry_after_s` says when
    ├── BadGateway              502  a backing store answered wrongly (bytes not matching
    │                                their sha256 in the S3 bucket); nothing was served or kept
    └── Unavailable             503  the database, bus or S3 bucket is unreachable for now; retry
"""

from __future__ import annotations

from vr_server.protocol.errors import ErrorCode


class ServerError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL
    http_status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
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
