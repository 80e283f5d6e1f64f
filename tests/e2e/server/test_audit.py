"""The audit trail against a real server (SQLite and PostgreSQL): logins and failures, contact
reads, CSV exports, publishes, activations and purges are recorded with who, when and from
where; `GET /api/audit` is for admin accounts only; `vr-server audit` filters and prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.harness import STAFF_USER, ServerProcess
from tests.support.http import http

ADMIN = "boss"
ADMIN_PASSWORD = "admin-password-long"
AUTHOR = "writer"
BACKENDS = ["sqlite", "postgresql"]


def entries(server: ServerProcess, token: str, **params: str) -> list[dict[str, Any]]:
    response = http().get(
        server.url + "/api/audit", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["entries"]
    return found


def cli_entries(server: ServerProcess, *args: str) -> list[dict[str, Any]]:
    done = server.cli("audit", "--json", *args)
    assert done.returncode == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> str:
    done = server.cli(
        "staff", "create", ADMIN, "--role", "admin", "--password-stdin",
        input_text=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return server.staff_token(ADMIN, ADMIN_PASSWORD)


@pytest.mark.parametrize("server", BACKENDS, indirect=True)
def test_logins_and_failures_are_recorded_with_the_address(
    server: ServerProcess, admin: str
) -> None:
    wrong = http().post(
        server.url + "/api/auth/login", json={"username": STAFF_USER, "password": "nope"}
    )
    assert wrong.status_code == 401
    server.staff_token()
    failed = entries(server, admin, action="login_failed")
    assert failed[0]["target"] == STAFF_USER
    assert failed[0]["actor"] is None
    assert failed[0]["address"] == "127.0.0.1"
    assert failed[0]["details"] == {"reason": "password"}
    logins = entries(server, admin, action="login", actor=STAFF_USER)
    assert logins[0]["actor_role"] == "staff"
    assert logins[0]["address"] == "127.0.0.1"
    assert entries(server, admin, actor=ADMIN)[-1]["action"] == "login"  # the fixture's


@pytest.mark.parametrize("server", BACKENDS, indirect=True)
def test_contact_reads_and_csv_exports_are_recorded(server: ServerProcess, admin: str) -> None:
    server.allow_contacts()
    token = server.staff_token()
    body = {"consent": True, "name": "สมหญิง", "phone": "0899999999"}
    ticket = server.api(token, "POST", "/api/queue/tickets", body).json()
    assert server.api(token, "GET", f"/api/queue/tickets/{ticket['id']}/contact").is_success
    assert server.api(token, "GET", "/api/stats.csv?from=2026-12-01&to=2026-12-06").is_success
    (read,) = entries(server, admin, action="contact_read")
    assert (read["actor"], read["actor_role"], read["target"]) == (
        STAFF_USER,
        "staff",
        ticket["id"],
    )
    assert read["details"] == {"ticket": ticket["label"]}
    assert "0899999999" not in json.dumps(entries(server, admin))  # never the data itself
    (export,) = entries(server, admin, action="csv_export")
    assert export["details"] == {"from": "2026-12-01", "to": "2026-12-06"}


@pytest.mark.parametrize("server", BACKENDS, indirect=True)
def test_publish_and_activate_are_recorded(
    server: ServerProcess, admin: str, test_bundles: Path
) -> None:
    done = server.cli("author", "create", AUTHOR, "--password-stdin", input_text="pw-long-enough\n")
    assert done.returncode == 0, done.stderr
    done = server.cli("author", "token", AUTHOR, "--json")
    author = json.loads(done.stdout)["token"]
    (bundle,) = test_bundles.iterdir()
    manifest = json.loads((bundle / "manifest.json").read_text())
    scene = manifest["scene"]["id"]
    published = server.api(author, "POST", "/api/content/scenes", {"manifest": manifest})
    assert published.status_code == 200, published.text  # imported at start: not new
    body = {"version": manifest["scene"]["version"]}
    assert server.api(author, "POST", f"/api/content/scenes/{scene}/activate", body).is_success
    (publish,) = entries(server, admin, action="publish")
    assert (publish["actor"], publish["actor_role"], publish["target"]) == (AUTHOR, "author", scene)
    assert publish["details"]["version"] == manifest["scene"]["version"]
    (activate,) = entries(server, admin, action="activate")
    assert activate["target"] == scene


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_only_admin_accounts_read_the_trail(server: ServerProcess, admin: str) -> None:
    staff = server.staff_token()
    assert server.api(staff, "GET", "/api/audit").status_code == 403
    assert http().get(server.url + "/api/audit").status_code == 401
    view = server.api(admin, "GET", "/api/audit").json()
    assert "contact_read" in view["actions"]
    page = http().get(server.url + "/audit/", follow_redirects=False)
    assert page.status_code == 303  # the page shell: signed in first


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_cli_filters_prints_and_records_its_purge(server: ServerProcess, admin: str) -> None:
    server.staff_token()
    done = server.cli("purge", "--json")
    assert done.returncode == 0, done.stderr
    (purge,) = cli_entries(server, "--action", "purge")
    assert purge["actor"].startswith("cli:")
    assert purge["details"]["deleted"] == 0
    logins = cli_entries(server, "--action", "login", "--actor", STAFF_USER, "--since", "1h")
    assert logins
    assert {e["actor"] for e in logins} == {STAFF_USER}
    assert cli_entries(server, "--since", "2999-01-01") == []
    table = server.cli("audit", "--limit", "5")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].startswith("time (UTC)")
    assert "purge" in table.stdout
    bad = server.cli("audit", "--since", "yesterday")
    assert bad.returncode == 1
    assert "neither 30m, 24h, 7d nor a date" in bad.stderr


def test_taking_access_back_is_recorded(server: ServerProcess, admin: str) -> None:
    """Each admin action of the access routes leaves one entry naming the admin and target;
    an enrollment code is recorded by its start only (it may still be in use elsewhere)."""
    code = server.api(admin, "POST", "/api/admin/codes", {"uses": 1, "hours": 1}).json()["code"]
    assert server.api(admin, "POST", "/api/admin/codes/revoke", {"code": code}).is_success
    assert server.api(admin, "POST", f"/api/admin/accounts/{STAFF_USER}/disable").is_success
    assert server.api(admin, "POST", f"/api/admin/accounts/{STAFF_USER}/enable").is_success
    body = {"allowed": True}
    path = f"/api/admin/accounts/{STAFF_USER}/contact-access"
    assert server.api(admin, "POST", path, body).is_success
    by_action = {e["action"]: e for e in entries(server, admin, actor=ADMIN)}
    for action in ("account_disabled", "account_enabled", "contact_access"):
        assert by_action[action]["target"] == STAFF_USER
        assert by_action[action]["actor_role"] == "admin"
    assert by_action["contact_access"]["details"] == {"allowed": True}
    revoked = by_action["enrollment_revoked"]
    assert revoked["target"] == f"{code[:3]}..."
    assert code not in json.dumps(entries(server, admin))
