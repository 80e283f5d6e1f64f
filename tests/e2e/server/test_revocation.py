"""Taking access back: logout, account disable, headset and kiosk removal, code revocation and
token expiry, against a real server; the open sockets of a revoked credential close with 4401
within a second (on two instances: tests/test_revocation_cluster.py)."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx

from tests.support.cluster import staff_socket
from tests.support.harness import STAFF_PASSWORD, RawSocket, ServerProcess
from tests.support.http import http
from tests.support.sockets import hello_headset, ping_ok

CLOSE_WITHIN_S = 1.0
"""Issue 15: every open socket of a revoked credential closes within a second."""


def new_staff(server: ServerProcess, role: str = "staff") -> tuple[str, str]:
    username = f"{role}-{uuid.uuid4().hex[:8]}"
    server.create_staff(username, STAFF_PASSWORD, role)
    return username, server.staff_token(username, STAFF_PASSWORD)


def pair(server: ServerProcess, token: str, name: str = "TV") -> httpx.Response:
    """A new pairing code (made with `token`) exchanged for a kiosk token."""
    code = server.api(token, "POST", "/api/kiosks/pairing-code", {}).json()["code"]
    return http().post(server.url + "/api/kiosks/pair", json={"code": code, "name": name})


def login_status(server: ServerProcess, username: str) -> int:
    body = {"username": username, "password": STAFF_PASSWORD}
    return http().post(server.url + "/api/auth/login", json=body).status_code


async def kiosk_socket(server: ServerProcess, admin: str) -> tuple[RawSocket, dict[str, str]]:
    paired = pair(server, admin)
    assert paired.status_code == 201, paired.text
    kiosk: dict[str, str] = paired.json()
    sock = await RawSocket.open(server.ws_url + "/ws/staff")
    await sock.send({"type": "auth", "token": kiosk["token"]})
    assert (await sock.recv())["type"] == "queue_changed"
    return sock, kiosk


async def test_logout_closes_the_tokens_staff_socket_at_once(server: ServerProcess) -> None:
    _, token = new_staff(server)
    sock, _ = await staff_socket(server, token)
    other, _ = await staff_socket(server, server.staff_token())
    assert server.api(token, "POST", "/api/auth/logout").status_code == 204
    assert await sock.closed_with(timeout=CLOSE_WITHIN_S) == 4401
    assert server.api(token, "GET", "/api/headsets").status_code == 401
    await ping_ok(other)  # another token's socket stays
    await other.close()


async def test_disabling_an_account_closes_its_sockets_and_refuses_it(
    server: ServerProcess,
) -> None:
    admin = server.admin_token()
    username, token = new_staff(server)
    cookie_sock = await RawSocket.open(
        server.ws_url + "/ws/staff", additional_headers={"Cookie": f"vr_staff={token}"}
    )
    assert (await cookie_sock.recv())["type"] == "snapshot"
    second = server.staff_token(username, STAFF_PASSWORD)
    sock, _ = await staff_socket(server, second)
    disabled = server.api(admin, "POST", f"/api/admin/accounts/{username}/disable")
    assert disabled.json()["disabled"] is True
    codes = await asyncio.gather(
        sock.closed_with(timeout=CLOSE_WITHIN_S), cookie_sock.closed_with(timeout=CLOSE_WITHIN_S)
    )
    assert codes == [4401, 4401]
    for t in (token, second):
        assert server.api(t, "GET", "/api/headsets").status_code == 401
    assert login_status(server, username) == 401
    assert server.api(admin, "POST", f"/api/admin/accounts/{username}/enable").status_code == 200
    assert server.staff_token(username, STAFF_PASSWORD)


async def test_removing_a_headset_closes_its_socket_and_its_token_stops(
    server: ServerProcess, code: str, token: str
) -> None:
    admin = server.admin_token()
    sock, enrolled = await hello_headset(server, code)
    removed = server.api(admin, "DELETE", f"/api/headsets/{enrolled['headset_id']}")
    assert removed.status_code == 204, removed.text
    assert await sock.closed_with(timeout=CLOSE_WITHIN_S) == 4401
    assert server.api(enrolled["device_token"], "GET", "/api/catalog").status_code == 401
    listed = server.api(token, "GET", "/api/headsets").json()
    assert enrolled["headset_id"] not in {h["id"] for h in listed}
    # enrolling the device again brings it back, with a new token
    again = server.enroll(code, enrolled["device_id"])
    assert again["headset_id"] == enrolled["headset_id"]
    assert server.api(again["device_token"], "GET", "/api/catalog").status_code == 200


async def test_removing_a_kiosk_closes_its_board(server: ServerProcess) -> None:
    admin = server.admin_token()
    sock, kiosk = await kiosk_socket(server, admin)
    listed = server.api(admin, "GET", "/api/admin/kiosks").json()
    assert kiosk["kiosk_id"] in {k["id"] for k in listed}
    assert server.api(admin, "DELETE", f"/api/admin/kiosks/{kiosk['kiosk_id']}").status_code == 204
    assert await sock.closed_with(timeout=CLOSE_WITHIN_S) == 4401
    assert server.api(kiosk["token"], "GET", "/api/queue/board").status_code == 401


def test_a_revoked_code_enrolls_nothing(server: ServerProcess) -> None:
    admin = server.admin_token()
    by_code = server.enrollment_code(uses=5)
    by_label = server.api(admin, "POST", "/api/admin/codes", {"uses": 5, "label": "truck 2"})
    assert by_label.status_code == 201
    for what in (by_code, "truck 2"):
        revoked = server.api(admin, "POST", "/api/admin/codes/revoke", {"code": what})
        assert revoked.status_code == 204, revoked.text
    for code in (by_code, by_label.json()["code"]):
        refused = http().post(
            server.url + "/api/devices/enroll", json={"code": code, "device_id": "dev-revoked"}
        )
        assert refused.status_code == 401
    labels = {c["label"] for c in server.api(admin, "GET", "/api/admin/codes").json()}
    assert "truck 2" not in labels


def test_a_pairing_code_pairs_one_kiosk_and_enrolls_no_headset(server: ServerProcess) -> None:
    code = server.api(server.staff_token(), "POST", "/api/kiosks/pairing-code", {}).json()["code"]
    enroll = http().post(server.url + "/api/devices/enroll", json={"code": code, "device_id": "d"})
    assert enroll.status_code == 401
    first = http().post(server.url + "/api/kiosks/pair", json={"code": code, "name": "tablet"})
    assert first.status_code == 201
    assert first.cookies.get("vr_staff") == first.json()["token"]
    again = http().post(server.url + "/api/kiosks/pair", json={"code": code, "name": "tablet 2"})
    assert again.status_code == 401


def test_contact_access_is_granted_and_taken_back(server: ServerProcess) -> None:
    admin = server.admin_token()
    username, token = new_staff(server)
    made = server.check_in(token, consent=True, phone="0812223333")
    path = f"/api/queue/tickets/{made['id']}/contact"
    assert server.api(token, "GET", path).status_code == 403
    grant = f"/api/admin/accounts/{username}/contact-access"
    assert server.api(admin, "POST", grant, {"allowed": True}).json()["contact_access"]
    assert server.api(token, "GET", path).json()["phone"] == "0812223333"
    assert server.api(admin, "POST", grant, {"allowed": False}).status_code == 200
    assert server.api(token, "GET", path).status_code == 403


async def test_device_and_kiosk_tokens_expire(tmp_path, test_bundles) -> None:
    proc = ServerProcess(
        tmp_path, [test_bundles], device_token_days=1.5 / 86400, kiosk_token_days=1.5 / 86400
    )
    proc.create_staff()
    proc.start()
    try:
        device = proc.enroll(proc.enrollment_code(), "dev-expiring")["device_token"]
        kiosk = pair(proc, proc.staff_token()).json()
        assert proc.api(device, "GET", "/api/catalog").status_code == 200
        assert proc.api(kiosk["token"], "GET", "/api/catalog").status_code == 200
        await asyncio.sleep(2.0)
        assert proc.api(device, "GET", "/api/catalog").status_code == 401
        assert proc.api(kiosk["token"], "GET", "/api/catalog").status_code == 401
    finally:
        proc.stop()


def test_cli_revokes_what_it_names(server: ServerProcess, tmp_path) -> None:
    admin = server.admin_token()
    username, token = new_staff(server)
    env = {"VR_SERVER_URL": server.url, "VR_STAFF_TOKEN": admin, "XDG_CONFIG_HOME": str(tmp_path)}
    server.env.update(env)
    try:
        done = server.cli("staff", "disable", username, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["disabled"] is True
        assert server.api(token, "GET", "/api/headsets").status_code == 401
        code = server.api(admin, "POST", "/api/admin/codes", {"label": "cli"}).json()["code"]
        done = server.cli("enroll", "revoke", code)
        assert done.returncode == 0, done.stderr
        listed = server.cli("enroll", "list", "--json")
        assert "cli" not in {c["label"] for c in json.loads(listed.stdout)}
        _, own = new_staff(server)
        done = server.cli("token", "revoke", "--token", own)
        assert done.returncode == 0, done.stderr
        assert server.api(own, "GET", "/api/headsets").status_code == 401
        refused = server.cli("kiosk", "list", "--token", server.staff_token())
        assert refused.returncode == 1
        assert "403" in refused.stderr
    finally:
        for k in env:
            server.env.pop(k, None)
