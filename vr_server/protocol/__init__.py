"""The wire protocol: pydantic models of every frame, the protocol version and the sans-I/O
session state machine. Nothing here does I/O; the server and the Python headset client import
it, and the web client loads its exported JSON Schema."""

from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.version import PROTOCOL_VERSION

__all__ = ["PROTOCOL_VERSION", "CloseCode", "ErrorCode"]
