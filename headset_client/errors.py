"""Exceptions of the headset client.

* `HeadsetClientError`: base of everything below.
    * `NotEnrolled`: no identity in the state dir and no enrollment code to get one.
    * `ServerUnreachable`: the server did not answer (connection refused, DNS, timeout).
    * `EnrollmentRefused`: the enrollment code was refused (HTTP 401).
    * `EnrollmentFailed`: enrollment failed for another reason (HTTP status, bad reply).
    * `ConnectionRejected`: the server refused the WebSocket for good; do not retry.
        * `AuthRejected`: the device token was refused (close code 4401).
        * `ProtocolMismatch`: the server speaks another protocol version (close 4426).
        * `Replaced`: another connection with the same identity took over (close 4409).
    * `DownloadError`: an asset could not be downloaded.
        * `IntegrityError`: downloaded bytes do not match their sha256.
    * `NoActiveSession`: an event was sent while no session is assigned.
"""

from __future__ import annotations


class HeadsetClientError(Exception):
    """Base of the headset client's exceptions; `str(exc)` is a message fit for a person."""


class NotEnrolled(HeadsetClientError):
    pass


class ServerUnreachable(HeadsetClientError):
    pass


class EnrollmentRefused(HeadsetClientError):
    pass


class EnrollmentFailed(HeadsetClientError):
    pass


class ConnectionRejected(HeadsetClientError):
    """The server refused the connection in a way that retrying cannot fix."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class AuthRejected(ConnectionRejected):
    pass


class ProtocolMismatch(ConnectionRejected):
    pass


class Replaced(ConnectionRejected):
    pass


class DownloadError(HeadsetClientError):
    pass


class IntegrityError(DownloadError):
    pass


class NoActiveSession(HeadsetClientError):
    pass


def describe(exc: BaseException) -> str:
    """`Type: message` (or just `Type` when the message is empty), for error messages."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
