"""Logins, enrollment codes and the sockets' credential checks. Which credential opens which
route, socket and page: tests/e2e/server/test_access_matrix.py."""

from __future__ import annotations

import pytest

from tests.support.harness import RawSocket, ServerProcess
from tests.support.http import http
from tests.support.sockets import hello_headset, say_hello

SERVER_SETTINGS = {"api_docs": "true"}  # routes() reads the server's /openapi.json


@pytest.fixture(scope="module")
def device_token(server: ServerProcess) -> str:
    return server.enroll(server.enrollment_code(), "dev-auth")["device_token"]


def test_health_is_public(server: ServerProcess) -> None:
    health = http().get(server.url + "/health").json()
    assert (health["status"], health["blob_bucket"]) == ("ok", "none")


def test_login_with_right_password_and_logout_revokes(server: ServerProcess) -> None:
    token = server.staff_token()
    assert server.api(token, "GET", "/api/headsets").status_code == 200
    assert server.api(token, "POST", "/api/auth/logout").status_code == 204
    assert server.api(token, "GET", "/api/headsets").status_code == 401


def test_enrollment_code_is_used_up(server: ServerProcess) -> None:
    code = server.enrollment_code(uses=1)
    server.enroll(code, "dev-once")
    again = http().post(
        server.url + "/api/devices/enroll", json={"code": code, "device_id": "dev-twice"}
    )
    assert again.status_code == 401


def test_reenrollment_revokes_the_old_device_token(server: ServerProcess) -> None:
    code = server.enrollment_code(uses=2)
    first = server.enroll(code, "dev-re")["device_token"]
    second = server.enroll(code, "dev-re")["device_token"]
    assert server.api(first, "GET", "/api/catalog").status_code == 401
    assert server.api(second, "GET", "/api/catalog").status_code == 200


async def test_headset_socket_refuses_wrong_and_foreign_tokens(
    server: ServerProcess, device_token: str
) -> None:
    staff = server.staff_token()
    code = server.enrollment_code(uses=2)
    revoked = server.enroll(code, "dev-twice")["device_token"]
    server.enroll(code, "dev-twice")  # enrolling again revokes the first token
    for device_id, token in (
        ("dev-auth", "wrong"),
        ("dev-auth", staff),  # a staff token is not a device token
        ("someone-else", device_token),  # the token of another device
        ("dev-twice", revoked),
    ):
        sock = await say_hello(server, device_id, token)
        error = await sock.recv()
        assert error["code"] == "auth_failed"
        assert await sock.closed_with() == 4401


async def test_staff_socket_refuses_missing_wrong_and_device_tokens(
    server: ServerProcess, device_token: str
) -> None:
    for first in (
        {"type": "auth", "token": "wrong"},
        {"type": "auth", "token": device_token},
        {"type": "ping"},
    ):
        sock = await RawSocket.open(server.ws_url + "/ws/staff")
        await sock.send(first)
        assert (await sock.recv())["type"] == "error"
        assert await sock.closed_with() == 4401


async def test_silent_socket_is_closed_4401_after_the_auth_timeout(tmp_path, test_bundles) -> None:
    proc = ServerProcess(tmp_path, [test_bundles], auth_timeout_s=0.5)
    proc.start()
    try:
        for path in ("/ws/headset", "/ws/staff"):
            sock = await RawSocket.open(proc.ws_url + path)
            assert await sock.closed_with(timeout=5) == 4401
    finally:
        proc.stop()


async def test_missed_heartbeats_close_with_4408(tmp_path, test_bundles) -> None:
    proc = ServerProcess(tmp_path, [test_bundles], heartbeat_s=0.2, heartbeat_timeout_s=0.6)
    proc.start()
    try:
        sock, _ = await hello_headset(proc, proc.enrollment_code())
        assert await sock.closed_with(timeout=5) == 4408
    finally:
        proc.stop()


def test_api_docs_are_served_only_when_enabled(
    server: ServerProcess, tmp_path, test_bundles
) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):  # this module's server: VR_API_DOCS=true
        assert http().get(server.url + path).status_code == 200, path
    proc = ServerProcess(tmp_path, [test_bundles])  # the default
    proc.start()
    try:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert http().get(proc.url + path).status_code == 404, path
        assert http().get(proc.url + "/health").status_code == 200
    finally:
        proc.stop()
