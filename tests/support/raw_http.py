"""HTTP/1.1 by hand over plain sockets, for tests of what the server does with clients that
misbehave: bodies too large, headers or bodies sent slowly, too many sockets."""

from __future__ import annotations

import select
import socket
import time


def open_socket(port: int, source: str = "127.0.0.1") -> socket.socket:
    """A connection to the server on 127.0.0.1:`port` from the local address `source` (any of
    127.0.0.0/8: the server's per-address caps count each one apart)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def request_head(method: str, path: str, *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode()


def response_status(data: bytes) -> int | None:
    """The status code of the response that `data` starts with (None when there is none)."""
    if not data.startswith(b"HTTP/1.1 "):
        return None
    return int(data[9:12])


def read_available(sock: socket.socket, wait_s: float) -> bytes | None:
    """What the server sent within `wait_s` (b"" when it closed; None when nothing came)."""
    ready, _, _ = select.select([sock], [], [], wait_s)
    if not ready:
        return None
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""


def read_until_closed(sock: socket.socket, timeout_s: float) -> bytes | None:
    """Everything the server sends until it closes `sock` (None: still open after `timeout_s`)."""
    start = time.monotonic()
    data = b""
    while (left := timeout_s - (time.monotonic() - start)) > 0:
        piece = read_available(sock, left)
        if piece == b"":
            return data
        data += piece or b""
    return None


def closed_within(sock: socket.socket, timeout_s: float) -> float | None:
    """Seconds until the server closed `sock` (reading and dropping what it sends), or None
    when it is still open after `timeout_s`."""
    start = time.monotonic()
    while (left := timeout_s - (time.monotonic() - start)) > 0:
        data = read_available(sock, left)
        if data == b"":
            return time.monotonic() - start
    return None
