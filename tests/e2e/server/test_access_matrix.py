"""The route x credential matrix: every HTTP route (from the app's own OpenAPI document, built
in-process), both sockets and the pages, for every credential kind, against one table.

A route missing from ROUTES makes the test fail, so a route added later must say who may call
it. "Allowed" means the credential got past the check (any answer but 401/403: a made-up id
then gives 404, an empty body 422); "denied" means 401 for no, a wrong, an expired or a revoked
token, and 403 for a valid token of a kind the route does not take.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.harness import RawSocket, ServerProcess
from tests.support.http import http
from vr_server.app import create_app
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.services.auth import token_hash
from vr_server.settings import Settings
from vr_server.storage.sql import SqlStore

# About 700 requests (every route x every credential) and the credentials' set-up: past the
# default 120 s on a loaded two-core machine (it took 82 s + 38 s of set-up on 2026-12-07).
pytestmark = pytest.mark.timeout(300)

# The matrix sends many wrong passwords and tokens on purpose: without room for them the
# sign-in throttle (tests/e2e/server/test_login_throttle.py) would answer 429 instead.
SERVER_SETTINGS = {"login_free_failures": "100000", "login_free_failures_per_address": "100000"}

PASSWORD = "matrix-password-1"
ROLES = ("device", "kiosk", "venue", "author", "editor", "staff", "staff_contact", "admin")
"""Credentials that are valid tokens; `staff_contact` is a staff account an admin allowed to
read visitors' contact data; `venue` is a venue server's credential at central (docs/sync.md):
it opens the sync routes and nothing else."""
INVALID = ("none", "wrong", "expired", "revoked")
CREDENTIALS = INVALID + ROLES

PUBLIC = "public"
BODY = "credential in the body"
"""Public routes whose credential is a password or code in the body: a wrong one is 401
whatever token comes with it."""
STAFF = {"staff", "staff_contact", "admin"}
KIOSK = STAFF | {"kiosk"}
CATALOG = KIOSK | {"device"}
ACCOUNT = STAFF | {"author", "editor"}
AUTHOR = {"author", "editor", "admin"}
ADMIN = {"admin"}
CONTACT = {"staff_contact", "admin"}
VENUE = {"venue"}

ROUTES: dict[tuple[str, str], str | set[str]] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/api/results/{token}"): PUBLIC,  # found by an unguessable token
    ("POST", "/api/auth/login"): BODY,
    # first start: public, the setup token is in the body; past setup they answer 200 / 409
    ("GET", "/api/setup"): PUBLIC,
    ("POST", "/api/setup/check"): PUBLIC,
    ("POST", "/api/setup"): PUBLIC,
    ("POST", "/api/devices/enroll"): BODY,
    ("POST", "/api/kiosks/pair"): BODY,
    ("POST", "/api/auth/logout"): ACCOUNT,
    ("GET", "/api/auth/me"): ACCOUNT,
    ("GET", "/api/catalog"): CATALOG,
    ("GET", "/api/catalog/{scene_id}"): CATALOG,
    ("GET", "/api/catalog/{scene_id}/manifest"): CATALOG,
    ("GET", "/assets/{sha256}"): CATALOG,
    ("HEAD", "/assets/{sha256}"): CATALOG,
    ("GET", "/api/headsets"): STAFF,
    ("GET", "/api/headsets/{headset_id}"): STAFF,
    ("DELETE", "/api/headsets/{headset_id}"): ADMIN,
    ("POST", "/api/headsets/{headset_id}/status"): STAFF,
    ("POST", "/api/headsets/{headset_id}/message"): STAFF,
    ("GET", "/api/sessions"): STAFF,
    ("POST", "/api/sessions"): STAFF,
    ("GET", "/api/sessions/{session_id}"): STAFF,
    ("POST", "/api/sessions/{session_id}/commands"): STAFF,
    ("GET", "/api/sessions/{session_id}/events"): STAFF,
    ("GET", "/api/admin/accounts"): ADMIN,
    ("POST", "/api/admin/accounts/{username}/disable"): ADMIN,
    ("POST", "/api/admin/accounts/{username}/enable"): ADMIN,
    ("POST", "/api/admin/accounts/{username}/sign-out"): ADMIN,
    ("POST", "/api/admin/accounts/{username}/contact-access"): ADMIN,
    ("POST", "/api/admin/accounts/{username}/role"): ADMIN,
    ("GET", "/api/admin/codes"): ADMIN,
    ("POST", "/api/admin/codes"): ADMIN,
    ("POST", "/api/admin/codes/revoke"): ADMIN,
    ("GET", "/api/admin/kiosks"): ADMIN,
    ("DELETE", "/api/admin/kiosks/{kiosk_id}"): ADMIN,
    ("GET", "/api/audit"): ADMIN,
    ("POST", "/api/kiosks/pairing-code"): STAFF,
    ("POST", "/api/enrollment-codes"): STAFF,
    ("POST", "/api/enrollment-codes/revoke"): STAFF,
    ("POST", "/api/content/blobs/missing"): AUTHOR,
    ("PUT", "/api/content/blobs/{sha256}"): AUTHOR,
    ("POST", "/api/content/scenes"): AUTHOR,
    ("GET", "/api/content/scenes/{scene_id}/versions"): AUTHOR,
    ("POST", "/api/content/scenes/{scene_id}/activate"): AUTHOR,
    ("GET", "/api/queue"): STAFF,
    ("GET", "/api/queue/board"): KIOSK,
    ("POST", "/api/queue/tickets"): KIOSK,
    ("GET", "/api/queue/tickets/{ticket_id}"): STAFF,
    ("POST", "/api/queue/tickets/{ticket_id}/call"): STAFF,
    ("POST", "/api/queue/tickets/{ticket_id}/cancel"): STAFF,
    ("GET", "/api/queue/tickets/{ticket_id}/contact"): CONTACT,
    ("GET", "/api/stats"): STAFF,
    ("GET", "/api/stats.csv"): STAFF,
    ("GET", "/api/distribution"): STAFF,
    ("POST", "/api/sync/pair"): BODY,
    ("POST", "/api/sync/batch"): VENUE,
    ("GET", "/api/sync/state"): VENUE,
    ("GET", "/api/sync/catalog"): VENUE,
    ("POST", "/api/sync/presence"): VENUE,
    ("GET", "/api/sync/blobs/{sha256}"): VENUE,
    ("GET", "/api/admin/venues"): ADMIN,
    ("POST", "/api/admin/venues"): ADMIN,
    ("GET", "/api/central/venues"): STAFF,
    ("GET", "/api/central/venues.csv"): STAFF,
}
WRONG_BODY: dict[str, dict[str, str]] = {
    "/api/auth/login": {"username": "staff", "password": "wrong-password"},
    "/api/devices/enroll": {"code": "WRONG-CODE0", "device_id": "dev-x"},
    "/api/kiosks/pair": {"code": "WRONG-CODE0", "name": "tablet"},
    "/api/sync/pair": {"code": "WRONG-CODE0"},
}
SOCKETS: dict[str, set[str]] = {"/ws/staff": KIOSK, "/ws/headset": {"device"}}
PAGES: dict[str, set[str]] = {
    "/dashboard/": STAFF,
    "/stats/": STAFF,
    "/checkin/": KIOSK,
    "/queue-board/": KIOSK,
    "/admin/": ADMIN,
    "/venues/": STAFF,
    "/audit/": STAFF,  # the page; its data (GET /api/audit) is for admins
}
"""Pages open with the `vr_staff` cookie; any other visitor is sent to the login form."""


def openapi_routes() -> list[tuple[str, str]]:
    app = create_app(Settings(data_dir=Path("/nonexistent-never-opened")))
    with warnings.catch_warnings():
        # /assets/{sha256} is one function for GET and HEAD: FastAPI warns that both get the
        # same operation id; both methods are listed all the same
        warnings.filterwarnings("ignore", "Duplicate Operation ID", UserWarning)
        paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, item in paths.items() for method in item)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "a" * 64, path)


@dataclass
class Credentials:
    server: ServerProcess
    tokens: dict[str, str | None] = field(default_factory=dict)
    device_id: str = "dev-matrix"
    admin: str = ""

    def login(self, username: str) -> str:
        return self.server.staff_token(username, PASSWORD)

    def account(self, username: str, role: str) -> str:
        self.server.create_staff(username, PASSWORD, role)
        return self.login(username)

    def kiosk(self) -> str:
        code = self.server.api(self.admin, "POST", "/api/kiosks/pairing-code", {"hours": 1})
        assert code.status_code == 201, code.text
        paired = http().post(
            self.server.url + "/api/kiosks/pair",
            json={"code": code.json()["code"], "name": "entrance tablet"},
        )
        assert paired.status_code == 201, paired.text
        token: str = paired.json()["token"]
        return token

    def fresh(self, kind: str) -> str | None:
        """A new token of this kind (for the logout route, which revokes what it gets)."""
        if kind in INVALID:
            return self.tokens[kind]
        if kind == "device":
            code = self.server.enrollment_code()
            return self.server.enroll(code, f"dev-{uuid.uuid4().hex[:8]}")["device_token"]
        if kind == "kiosk":
            return self.kiosk()
        if kind == "venue":  # refused by logout (403): not revoked
            return self.tokens[kind]
        return self.login(f"m-{kind}")

    def venue(self) -> str:
        """A venue credential: a venue registered here (`central venue add`), then paired."""
        done = self.server.cli("central", "venue", "add", "matrix venue", "--json")
        assert done.returncode == 0, done.stderr
        paired = http().post(
            self.server.url + "/api/sync/pair", json={"code": json.loads(done.stdout)["code"]}
        )
        assert paired.status_code == 201, paired.text
        token: str = paired.json()["credential"]
        return token


async def expired_admin_token(server: ServerProcess, username: str) -> str:
    """An admin token that expired a minute ago, written into the server's database."""
    store = SqlStore.from_url(Settings(data_dir=server.data_dir).resolved_database_url)
    try:
        account = await store.accounts.by_username(username)
        assert account is not None
        token = "expired-" + "x" * 40
        past = datetime.now(UTC) - timedelta(minutes=1)
        await store.tokens.put(token_hash(token), "admin", account.id, past)
    finally:
        await store.close()
    return token


@pytest.fixture(scope="module")
def creds(server: ServerProcess) -> Credentials:
    c = Credentials(server)
    t = c.tokens
    t["admin"] = c.admin = c.account("m-admin", "admin")
    for role in ("staff", "author", "editor"):
        t[role] = c.account(f"m-{role}", role)
    t["staff_contact"] = c.account("m-staff_contact", "staff")
    granted = server.api(
        c.admin, "POST", "/api/admin/accounts/m-staff_contact/contact-access", {"allowed": True}
    )
    assert granted.status_code == 200, granted.text
    t["device"] = server.enroll(server.enrollment_code(), c.device_id)["device_token"]
    t["kiosk"] = c.kiosk()
    t["venue"] = c.venue()
    t["none"] = None
    t["wrong"] = "not-a-token"
    t["expired"] = asyncio.run(expired_admin_token(server, "m-admin"))
    revoked = c.login("m-admin")
    assert server.api(revoked, "POST", "/api/auth/logout").status_code == 204
    t["revoked"] = revoked
    return c


def expected(kind: str, allowed: str | set[str]) -> str:
    if allowed == BODY:
        return "401"
    if allowed == PUBLIC or kind in allowed:
        return "allowed"
    return "401" if kind in INVALID else "403"


def outcome(status: int) -> str:
    return str(status) if status in (401, 403) else "allowed"


def test_every_route_is_in_the_table() -> None:
    found = openapi_routes()
    assert len(found) >= 40
    assert sorted(set(found) - set(ROUTES)) == []
    assert sorted(set(ROUTES) - set(found)) == []


def test_every_route_for_every_credential(creds: Credentials) -> None:
    server = creds.server
    wrong: list[tuple[str, str, str, str, str]] = []
    # logout revokes the token it is given: it goes last, with fresh tokens
    order = sorted(openapi_routes(), key=lambda r: r[1] == "/api/auth/logout")
    for method, path in order:
        allowed = ROUTES[(method, path)]
        for kind in CREDENTIALS:
            token = creds.fresh(kind) if path == "/api/auth/logout" else creds.tokens[kind]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = http().request(
                method,
                server.url + concrete(path),
                json=WRONG_BODY.get(path, {}),
                headers=headers,
            )
            want, got = expected(kind, allowed), outcome(response.status_code)
            if want != got:
                wrong.append((method, path, kind, want, f"{response.status_code} {response.text}"))
    assert wrong == []


def test_the_cookie_opens_no_more_than_the_header(creds: Credentials) -> None:
    """What the pages send: the `vr_staff` cookie (and X-Requested-With). Publishing takes the
    header only, so a cookie there counts as no credential (401)."""
    server = creds.server
    wrong = []
    routes = [r for r in openapi_routes() if r[1] != "/api/auth/logout"]
    for method, path in routes:
        allowed = ROUTES[(method, path)]
        for kind in ("kiosk", "staff", "admin"):
            response = http().request(
                method,
                server.url + concrete(path),
                json=WRONG_BODY.get(path, {}),
                cookies={"vr_staff": creds.tokens[kind] or ""},
                headers={"X-Requested-With": "test"},
            )
            # publishing and the sync routes take the header only
            want = "401" if allowed in (AUTHOR, VENUE) else expected(kind, allowed)
            if want != outcome(response.status_code):
                wrong.append((method, path, kind, want, response.status_code))
    assert wrong == []


async def socket_outcome(creds: Credentials, path: str, kind: str) -> str:
    sock = await RawSocket.open(creds.server.ws_url + path)
    token = creds.tokens[kind] or ""
    if path == "/ws/staff":
        await sock.send({"type": "auth", "token": token} if token else {"type": "ping"})
    else:
        await sock.send(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "device_id": creds.device_id,
                "device_token": token,
            }
        )
    first = await sock.recv()
    if first["type"] == "error":
        assert first["code"] in ("auth_failed", "hello_required", "invalid_message"), first
        return str(await sock.closed_with())
    await sock.close()
    return str(first["type"])


async def test_both_sockets_for_every_credential(creds: Credentials) -> None:
    opened = {"/ws/staff": {"snapshot", "queue_changed"}, "/ws/headset": {"welcome"}}
    results = {
        (path, kind): await socket_outcome(creds, path, kind)
        for path in SOCKETS
        for kind in CREDENTIALS
    }
    for (path, kind), got in results.items():
        if kind in SOCKETS[path]:
            assert got in opened[path], (path, kind, got)
        else:
            assert got == "4401", (path, kind, got)
    # a kiosk's staff socket carries the queue board only
    assert results[("/ws/staff", "kiosk")] == "queue_changed"
    assert results[("/ws/staff", "staff")] == "snapshot"


async def test_a_kiosk_socket_refuses_every_staff_request(creds: Credentials) -> None:
    sock = await RawSocket.open(creds.server.ws_url + "/ws/staff")
    await sock.send({"type": "auth", "token": creds.tokens["kiosk"]})
    assert (await sock.recv())["type"] == "queue_changed"
    await sock.send(
        {"type": "set_status", "request_id": "r1", "headset_id": "x", "status": "charging"}
    )
    error = await sock.recv_type("error")
    assert (error["code"], error["request_id"]) == ("not_allowed", "r1")
    await sock.send({"type": "ping", "t": 2.0})
    assert (await sock.recv_type("pong"))["t"] == 2.0
    await sock.close()


def test_pages_for_every_credential(creds: Credentials) -> None:
    wrong = []
    for page, allowed in PAGES.items():
        for kind in CREDENTIALS:
            token = creds.tokens[kind]
            cookies = {"vr_staff": token} if token else {}
            response = http().get(creds.server.url + page, cookies=cookies)
            got = "allowed" if response.status_code == 200 else str(response.status_code)
            want = "allowed" if kind in allowed else "303"
            if got != want:
                wrong.append((page, kind, want, got))
            if got == "303":
                assert response.headers["location"].startswith("/login/?next=")
    assert wrong == []
