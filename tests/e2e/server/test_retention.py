"""The purge command of a real server, and purged data leaving its database files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.harness import ServerProcess


def database_files_hold(data_dir: Path, needle: bytes) -> list[str]:
    """Which of the SQLite database's files (db, -wal, -shm) hold `needle`, byte for byte."""
    names = ["vr.sqlite3", "vr.sqlite3-wal", "vr.sqlite3-shm"]
    return [n for n in names if (data_dir / n).is_file() and needle in (data_dir / n).read_bytes()]


def test_purge_command(server: ServerProcess, token: str) -> None:
    made = server.check_in(token, consent=True, phone="0811111111")
    kept = server.cli("purge", "--json")
    assert kept.returncode == 0, kept.stderr
    report = json.loads(kept.stdout)
    assert (report["deleted"], report["days"]) == (0, 30)
    admin = server.admin_token()
    contact = server.api(admin, "GET", f"/api/queue/tickets/{made['id']}/contact")
    assert contact.status_code == 200

    wiped = server.cli("purge", "--days", "0", "--json")
    assert json.loads(wiped.stdout)["deleted"] >= 1
    assert server.api(admin, "GET", f"/api/queue/tickets/{made['id']}/contact").status_code == 404
    ticket = server.api(token, "GET", f"/api/queue/tickets/{made['id']}").json()
    assert ticket["has_personal_data"] is False

    human = server.cli("purge")
    assert human.returncode == 0
    assert "tickets and statistics are kept" in human.stdout
    bad = server.cli("purge", "--days", "-1")
    assert bad.returncode == 1
    assert "--days" in bad.stderr


def test_purged_phone_numbers_leave_the_database_files(server: ServerProcess, token: str) -> None:
    phone = "0823456789"
    for name in ("ผู้มาเยือน", "visitor"):
        server.check_in(token, consent=True, name=name, phone=phone)
    assert database_files_hold(server.data_dir, phone.encode())  # the grep below can see it

    wiped = server.cli("purge", "--days", "0", "--json")
    assert wiped.returncode == 0, wiped.stderr
    assert json.loads(wiped.stdout)["deleted"] >= 2
    # the server is still running, its connections open: nothing was closed to get here
    assert database_files_hold(server.data_dir, phone.encode()) == []
    assert database_files_hold(server.data_dir, "ผู้มาเยือน".encode()) == []
