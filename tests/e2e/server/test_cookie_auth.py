"""Staff pages sign in with a cookie: login sets `vr_staff`, every staff route and the staff
socket accept it like the bearer token, logout revokes it, and a socket opened from another
site's page is not signed in by it."""

from __future__ import annotations

import httpx

from tests.support.harness import STAFF_PASSWORD, STAFF_USER, RawSocket, ServerProcess
from tests.support.http import http
from vr_server.protocol.errors import CloseCode


def login(server: ServerProcess) -> httpx.Response:
    response = http().post(
        server.url + "/api/auth/login", json={"username": STAFF_USER, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response


def test_login_sets_a_strict_http_only_cookie_with_the_token(server: ServerProcess) -> None:
    response = login(server)
    header = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert header.startswith(f"vr_staff={response.json()['token']};")
    assert {"httponly", "path", "samesite", "max-age"} <= attributes
    assert "samesite=strict" in header.lower()
    assert "path=/" in header.lower()
    assert "max-age=43200" in header.lower()  # the token's life: 12 hours
    assert "secure" not in attributes  # plain http here (https sets Secure)


def test_the_cookie_opens_staff_routes_and_me(server: ServerProcess) -> None:
    token = login(server).json()["token"]
    cookies = {"vr_staff": token}
    me = http().get(server.url + "/api/auth/me", cookies=cookies)
    assert me.status_code == 200, me.text
    assert (me.json()["username"], me.json()["role"]) == (STAFF_USER, "staff")
    assert me.json()["expires_at"]
    assert http().get(server.url + "/api/queue", cookies=cookies).status_code == 200
    assert http().get(server.url + "/api/headsets", cookies=cookies).status_code == 200
    # the bearer header still works, and a wrong header is not rescued by a good cookie
    headers = {"Authorization": f"Bearer {token}"}
    assert http().get(server.url + "/api/auth/me", headers=headers).status_code == 200
    wrong = {"Authorization": "Bearer wrong"}
    assert http().get(server.url + "/api/queue", headers=wrong, cookies=cookies).status_code == 401
    assert http().get(server.url + "/api/auth/me", cookies={"vr_staff": "wrong"}).status_code == 401
    # author routes take the header only
    versions = http().get(server.url + "/api/content/scenes/x/versions", cookies=cookies)
    assert versions.status_code == 401


def test_logout_with_the_cookie_revokes_it_and_clears_it(server: ServerProcess) -> None:
    token = login(server).json()["token"]
    cookies = {"vr_staff": token}
    out = http().post(
        server.url + "/api/auth/logout", cookies=cookies, headers={"X-Requested-With": "fetch"}
    )
    assert out.status_code == 204, out.text
    cleared = out.headers["set-cookie"].lower()
    assert cleared.startswith('vr_staff="";') or "max-age=0" in cleared
    assert http().get(server.url + "/api/auth/me", cookies=cookies).status_code == 401
    assert http().get(server.url + "/api/queue", cookies=cookies).status_code == 401


def test_a_cookie_alone_changes_nothing_without_the_csrf_header(
    server: ServerProcess,
) -> None:
    """Another site can make a browser send the cookie with a form or a simple request, but not
    with a custom header: cookie-signed POSTs need `X-Requested-With`; bearer ones do not."""
    token = login(server).json()["token"]
    cookies = {"vr_staff": token}
    bearer = {"Authorization": f"Bearer {token}"}
    before = http().get(server.url + "/api/queue", headers=bearer).json()
    body = {"interests": [], "language": "th"}
    for content, content_type in (
        ('{"interests": [], "language": "th"}', "application/json"),
        ("language=th", "application/x-www-form-urlencoded"),
        ('{"language": "th"}', "text/plain"),
    ):
        refused = http().post(
            server.url + "/api/queue/tickets",
            cookies=cookies,
            content=content,
            headers={"Content-Type": content_type},
        )
        assert refused.status_code == 403, (content_type, refused.text)
        assert "X-Requested-With" in refused.json()["detail"]
    logout = http().post(server.url + "/api/auth/logout", cookies=cookies)
    assert logout.status_code == 403, logout.text
    after = http().get(server.url + "/api/queue", cookies=cookies)  # reading needs no header
    assert after.status_code == 200, after.text  # and the cookie was not revoked
    assert len(after.json()["waiting"]) == len(before["waiting"])  # no ticket was made

    made = http().post(
        server.url + "/api/queue/tickets",
        cookies=cookies,
        headers={"X-Requested-With": "fetch"},
        json=body,
    )
    assert made.status_code == 201, made.text
    by_bearer = http().post(server.url + "/api/queue/tickets", headers=bearer, json=body)
    assert by_bearer.status_code == 201, by_bearer.text
    # without any credential it stays 401, header or not
    anonymous = http().post(
        server.url + "/api/queue/tickets", headers={"X-Requested-With": "fetch"}, json=body
    )
    assert anonymous.status_code == 401


async def staff_socket_with_cookie(server: ServerProcess, origin: str) -> RawSocket:
    """A staff socket opened with a fresh login's cookie, as a page on `origin` opens it."""
    token = login(server).json()["token"]
    headers = {"Cookie": f"vr_staff={token}", "Origin": origin}
    return await RawSocket.open(server.ws_url + "/ws/staff", additional_headers=headers)


async def test_staff_socket_with_the_cookie_gets_the_snapshot_at_once(
    server: ServerProcess,
) -> None:
    sock = await staff_socket_with_cookie(server, origin=server.url)
    try:
        snapshot = await sock.recv()
        assert snapshot["type"] == "snapshot"
        assert "queue" in snapshot
        await sock.send({"type": "ping", "t": 1})
        assert (await sock.recv_type("pong"))["t"] == 1
    finally:
        await sock.close()


async def test_staff_socket_ignores_a_cookie_sent_from_another_site(
    server: ServerProcess,
) -> None:
    sock = await staff_socket_with_cookie(server, origin="https://evil.example")
    await sock.send({"type": "ping"})
    error = await sock.recv()
    assert error["type"] == "error"
    assert error["code"] == "hello_required"
    assert await sock.closed_with() == CloseCode.UNAUTHORIZED


async def test_staff_socket_without_cookie_or_auth_is_closed_with_4401(
    server: ServerProcess,
) -> None:
    for headers in ({}, {"Cookie": "vr_staff=not-a-token"}):
        sock = await RawSocket.open(server.ws_url + "/ws/staff", additional_headers=headers)
        await sock.send({"type": "auth", "token": "not-a-token"})
        error = await sock.recv()
        assert (error["type"], error["code"]) == ("error", "auth_failed")
        assert await sock.closed_with() == CloseCode.UNAUTHORIZED
    # the old flow stays: an invalid cookie, then a valid auth frame
    token = login(server).json()["token"]
    sock = await RawSocket.open(
        server.ws_url + "/ws/staff", additional_headers={"Cookie": "vr_staff=stale"}
    )
    await sock.send({"type": "auth", "token": token})
    assert (await sock.recv())["type"] == "snapshot"
    await sock.close()
