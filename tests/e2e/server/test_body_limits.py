"""Request bodies are limited while they are read (issue 15, item 1): a body over a route's
limit gets 413 before it is parsed, with a Content-Length or chunked, and the server's memory
does not grow however much a client sends. A route that needs a credential refuses a request
without one before it reads the body. Routes with larger limits keep them (uploads:
tests/e2e/server/test_publish.py)."""

from __future__ import annotations

import pytest

from tests.support.harness import ServerProcess
from tests.support.http import http
from tests.support.raw_http import (
    open_socket,
    read_available,
    read_until_closed,
    request_head,
    response_status,
)
from vr_server.api.body_limits import MAX_BODY_BYTES

CHUNK = 256 * 1024
TOTAL = 96 * 1024 * 1024
"""What a client tries to send: the server would grow by far more than GROWTH reading it."""
GROWTH = 24 * 1024 * 1024


def send_until_answered(server: ServerProcess, head: bytes, *, chunked: bool) -> tuple[int, int]:
    """Send `head`, then up to TOTAL body bytes until the server answers; (status, body bytes
    sent before the answer came)."""
    sock = open_socket(server.port)
    sent = 0
    try:
        sock.sendall(head)
        while sent < TOTAL:
            answer = read_available(sock, 0.002)
            if answer is not None:
                return response_status(answer) or 0, sent
            piece = b"x" * CHUNK
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (CHUNK, piece) if chunked else piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
        answer = read_available(sock, 5)
        return response_status(answer or b"") or 0, sent
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("path", "chunked", "signed_in"),
    [
        ("/api/auth/login", False, False),
        ("/api/auth/login", True, False),
        ("/api/queue/tickets", True, False),
        ("/api/queue/tickets", True, True),
        ("/api/sessions", False, True),
        ("/api/devices/enroll", True, False),
        ("/api/devices/enroll", False, False),
    ],
)
def test_a_large_body_is_refused_and_the_server_does_not_grow(
    server: ServerProcess, token: str, path: str, chunked: bool, signed_in: bool
) -> None:
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {TOTAL}"
    auth = [f"Authorization: Bearer {token}"] if signed_in else []
    head = request_head("POST", path, "Content-Type: application/json", framing, *auth)
    before = server.rss_bytes()
    answers = [send_until_answered(server, head, chunked=chunked) for _ in range(3)]
    grown = server.rss_bytes() - before
    assert grown < GROWTH, f"the server grew by {grown // 2**20} MiB"
    refusal = 401 if path == "/api/queue/tickets" and not signed_in else 413
    for status, sent in answers:
        assert status == refusal, (status, sent)
        assert sent < TOTAL // 4, sent
    assert http().get(server.url + "/health").status_code == 200


def test_content_length_over_the_limit_is_refused_before_the_body_is_sent(
    server: ServerProcess,
) -> None:
    sock = open_socket(server.port)
    with sock:
        length = f"Content-Length: {MAX_BODY_BYTES + 1}"
        sock.sendall(request_head("POST", "/api/auth/login", length))
        answer = read_until_closed(sock, 5)  # closed: the body is not waited for
        assert answer is not None, "the server waits for the body"
        assert response_status(answer) == 413, answer
        assert b"connection: close" in answer.lower()
        assert b'"code":"frame_too_large"' in answer


def test_a_body_at_the_limit_is_parsed(server: ServerProcess) -> None:
    body = b'{"username": "staff", "password": "' + b"x" * (MAX_BODY_BYTES - 100) + b'"}'
    body = body.ljust(MAX_BODY_BYTES, b" ")
    response = http().post(
        server.url + "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (401, 422), response.text  # read and judged, not refused


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/queue/tickets", ()),
        ("/api/queue/tickets", ("Authorization: Bearer not-a-token",)),
        ("/api/sessions", ("Cookie: vr_staff=not-a-token",)),
        ("/api/content/scenes", ()),
        ("/api/content/blobs/" + "a" * 64, ()),
    ],
)
@pytest.mark.parametrize("chunked", [False, True])
def test_a_route_that_needs_a_credential_refuses_before_reading_the_body(
    server: ServerProcess, path: str, headers: tuple[str, ...], chunked: bool
) -> None:
    """Only the request's head is sent: the refusal must come without waiting for the body."""
    framing = "Transfer-Encoding: chunked" if chunked else "Content-Length: 60000"
    method = "PUT" if "/blobs/" in path else "POST"
    sock = open_socket(server.port)
    with sock:
        sock.sendall(
            request_head(method, path, "Content-Type: application/json", framing, *headers)
        )
        answer = read_until_closed(sock, 5)
        assert answer is not None, "the server waits for the body"
        assert response_status(answer) == 401, answer


def test_a_signed_in_cookie_without_the_csrf_header_is_refused_before_the_body(
    server: ServerProcess, token: str
) -> None:
    sock = open_socket(server.port)
    with sock:
        sock.sendall(
            request_head(
                "POST", "/api/queue/tickets", "Content-Length: 60000", f"Cookie: vr_staff={token}"
            )
        )
        answer = read_until_closed(sock, 5)
        assert answer is not None, "the server waits for the body"
        assert response_status(answer) == 403, answer
