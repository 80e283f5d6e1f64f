"""Every HTTP route and socket refuses a missing or wrong credential.

Routes are enumerated from the server's own OpenAPI document, so a route added later without a
credential check makes this test fail.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.harness import RawSocket, ServerProcess
from tests.server.helpers import hello_headset
from vr_server.app import create_app
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.settings import Settings

SERVER_SETTINGS = {"api_docs": "true"}  # routes() reads the server's /openapi.json

PUBLIC = {("GET", "/health")}
# A visitor's result: public, found by an unguessable token (tests/server/test_results_rating.py)
PUBLIC |= {("GET", "/api/results/{token}")}
# Routes whose credential is in the body (a password or an enrollment code), not a token.
CREDENTIAL_IN_BODY = {
    ("POST", "/api/auth/login"): {"username": "staff", "password": "wrong-password"},
    ("POST", "/api/devices/enroll"): {"code": "WRONG-CODE0", "device_id": "dev-x"},
}
DEVICE_ALLOWED = {
    "/api/catalog",
    "/api/catalog/{scene_id}",
    "/api/catalog/{scene_id}/manifest",
    "/assets/{sha256}",
}


def routes(server: ServerProcess) -> list[tuple[str, str]]:
    spec = httpx.get(server.url + "/openapi.json").json()
    return sorted((method.upper(), path) for path, item in spec["paths"].items() for method in item)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "a" * 64, path)


@pytest.fixture(scope="module")
def device_token(server: ServerProcess) -> str:
    return server.enroll(server.enrollment_code(), "dev-auth")["device_token"]


def test_the_route_list_is_what_we_expect(server: ServerProcess) -> None:
    found = routes(server)
    assert len(found) >= 16
    assert ("GET", "/api/sessions/{session_id}/events") in found


def test_every_route_refuses_missing_and_wrong_tokens(server: ServerProcess) -> None:
    checked = 0
    for method, path in routes(server):
        if (method, path) in PUBLIC:
            continue
        url = server.url + concrete(path)
        body = CREDENTIAL_IN_BODY.get((method, path), {})
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
            response = httpx.request(method, url, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers, response.text)
        checked += 1
    assert checked >= 15


def test_device_token_opens_only_device_routes(server: ServerProcess, device_token: str) -> None:
    for method, path in routes(server):
        if (method, path) in PUBLIC or (method, path) in CREDENTIAL_IN_BODY:
            continue
        response = httpx.request(
            method,
            server.url + concrete(path),
            json={},
            headers={"Authorization": f"Bearer {device_token}"},
        )
        if path in DEVICE_ALLOWED:
            assert response.status_code in (200, 404), (method, path, response.text)
        else:
            assert response.status_code == 403, (method, path, response.text)


def test_health_is_public(server: ServerProcess) -> None:
    health = httpx.get(server.url + "/health").json()
    assert (health["status"], health["blob_bucket"]) == ("ok", "none")


def test_login_with_right_password_and_logout_revokes(server: ServerProcess) -> None:
    token = server.staff_token()
    assert server.api(token, "GET", "/api/headsets").status_code == 200
    assert server.api(token, "POST", "/api/auth/logout").status_code == 204
    assert server.api(token, "GET", "/api/headsets").status_code == 401


def test_enrollment_code_is_used_up(server: ServerProcess) -> None:
    code = server.enrollment_code(uses=1)
    server.enroll(code, "dev-once")
    again = httpx.post(
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
        sock = await RawSocket.open(server.ws_url + "/ws/headset")
        await sock.send(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "device_id": device_id,
                "device_token": token,
            }
        )
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
        assert httpx.get(server.url + path).status_code == 200, path
    proc = ServerProcess(tmp_path, [test_bundles])  # the default
    proc.start()
    try:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert httpx.get(proc.url + path).status_code == 404, path
        assert httpx.get(proc.url + "/health").status_code == 200
    finally:
        proc.stop()


# /assets/{sha256} is one route for GET and HEAD, so FastAPI names one operation id twice.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID asset_assets")
def test_the_openapi_document_is_built_in_process_with_the_docs_off() -> None:
    app = create_app(Settings(api_docs=False))
    assert "/api/auth/login" in app.openapi()["paths"]
