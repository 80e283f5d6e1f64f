"""A venue and its central server, both real `vr-server` processes: the venue on SQLite, central
on a fresh PostgreSQL database (docs/sync.md). Central's own scene comes down to the venue with
the sync, and a simulated headset plays it there.

The venue pairs, central goes down, simulated headsets play sessions at the venue and a visitor
checks in with a name and phone; central comes back, is killed (SIGKILL) while the venue's
batches arrive, and comes back again. Central then holds every session, event and ticket of the
venue exactly once, and nothing of the visitor's name or phone.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.support.bundles import tiny_glb, write_bundle
from tests.support.harness import ServerProcess, simulate_args
from tests.support.http import http
from tests.support.postgres import Postgres
from vr_server.settings import Settings
from vr_server.storage import SqlStore
from vr_server.storage import tables as t

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

VISITOR_NAME = "สมหญิง ทดสอบซิงก์"
VISITOR_PHONE = "0897654321"


def wait_for(
    what: str, check: Callable[[], bool], timeout_s: float = 60, poll_s: float = 0.05
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(poll_s)
    raise AssertionError(f"timed out waiting for {what}")


def health_sync(server: ServerProcess) -> dict[str, Any]:
    sync: dict[str, Any] = http().get(server.url + "/health", timeout=5).json()["sync"]
    return sync


async def rows(url: str, venue_id: str | None) -> dict[str, list[tuple[Any, ...]]]:
    """The keys of the sessions, events and tickets a database holds: the venue's own tables,
    or (with `venue_id`) what central holds for that venue. Duplicates would show twice."""
    store = SqlStore.from_url(url)
    tables = (
        (t.sessions, ["id"], t.session_events, t.tickets)
        if venue_id is None
        else (t.venue_sessions, ["id"], t.venue_events, t.venue_tickets)
    )
    sessions, _, events, tickets = tables
    try:
        async with store.engine.connect() as conn:

            async def keys(table: Any, *columns: str) -> list[tuple[Any, ...]]:
                query = select(*(table.c[c] for c in columns))
                if venue_id is not None:
                    query = query.where(table.c.venue_id == venue_id)
                return sorted(tuple(r) for r in (await conn.execute(query)).all())

            return {
                "sessions": await keys(sessions, "id"),
                "events": await keys(events, "session_id", "seq"),
                "tickets": await keys(tickets, "id"),
            }
    finally:
        await store.close()


async def every_value(url: str) -> str:
    store = SqlStore.from_url(url)
    try:
        async with store.engine.connect() as conn:
            texts = []
            for table in t.metadata.sorted_tables:
                count = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
                texts.append(f"{table.name}:{count}")
                texts += [repr(tuple(r)) for r in (await conn.execute(select(table))).all()]
            return "\n".join(texts)
    finally:
        await store.close()


@pytest.fixture
def central(tmp_path: Path, test_bundles: Path, postgres: Postgres) -> Iterator[ServerProcess]:
    """Central, with a scene of its own (test-central) that the venue does not have."""
    own = tmp_path / "central-dist"
    write_bundle(own, scene_id="test-central", glb=tiny_glb(11))
    server = ServerProcess(
        tmp_path / "central", [test_bundles, own], database_url=postgres.create()
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def venue(tmp_path: Path, test_bundles: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(
        tmp_path / "venue",
        [test_bundles],
        self_service="true",
        sync_interval_s="0.3",
        sync_batch_records="3",  # many small batches: the kill lands among them
        sync_timeout_s="3",
    )
    server.create_staff()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def run_headsets(
    venue: ServerProcess, state_dir: Path, *, devices: int, scene: str = "test-kitchen"
) -> None:
    """Simulated headsets each play one self-service session (kiosk mode), then exit."""
    code = venue.enrollment_code(uses=devices)
    args = simulate_args(venue.url, code, state_dir, speed=200, sessions=1)
    args[args.index("--devices") + 1] = str(devices)
    done = subprocess.run(
        [sys.executable, "-m", "headset_client.cli", *args, "--scene", scene],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_offline_venue_syncs_everything_once_across_a_killed_central(
    venue: ServerProcess, central: ServerProcess, tmp_path: Path
) -> None:
    added = central.cli("central", "venue", "add", "Hall 1", "--json")
    assert added.returncode == 0, added.stderr
    made = json.loads(added.stdout)
    paired = venue.cli("central", "pair", central.url, made["code"])
    assert paired.returncode == 0, paired.stderr
    venue_id = made["venue"]["id"]
    central_db = central.env["VR_DATABASE_URL"]
    venue_db = Settings(data_dir=venue.data_dir).resolved_database_url
    admin = central.admin_token()
    wait_for("the first sync", lambda: health_sync(venue)["last_sync_at"] is not None)

    # central down: the venue goes on alone
    central.stop()
    staff = venue.staff_token()
    venue.check_in(staff, consent=True, name=VISITOR_NAME, phone=VISITOR_PHONE, language="th")
    run_headsets(venue, tmp_path / "headsets", devices=12)
    here = asyncio.run(rows(venue_db, None))
    assert len(here["sessions"]) == 12
    waiting = sum(len(v) for v in here.values())
    wait_for("a failed round", lambda: health_sync(venue)["last_error"] is not None)
    offline = health_sync(venue)
    assert offline["waiting"] == waiting
    assert offline["paired"] is True

    # central back, and killed while the batches arrive
    central.start()

    def some_arrived() -> bool:
        listed = central.api(admin, "GET", "/api/admin/venues").json()
        return bool(listed[0]["records"] > 0)

    wait_for("central to receive some records", some_arrived, poll_s=0.01)
    central.stop(sig=signal.SIGKILL)
    midway = health_sync(venue)["waiting"]
    assert 0 < midway < waiting, "the kill landed after the whole sync: make more records"
    wait_for("a failed round", lambda: health_sync(venue)["last_error"] is not None)

    central.start()
    wait_for("the whole sync", lambda: health_sync(venue)["waiting"] == 0, timeout_s=120)
    synced = health_sync(venue)
    assert synced["last_error"] is None
    assert synced["last_sync_at"] is not None

    there = asyncio.run(rows(central_db, venue_id))
    assert there == here  # every session, event and ticket, each once (sorted lists)

    # central's stats page for this venue counts what the venue's own page counts
    own = venue.api(staff, "GET", "/api/stats").json()
    assert own["sessions"] == 12
    day = own["from"]
    at_central = central.api(admin, "GET", f"/api/stats?from={day}&venue={venue_id}").json()
    same = ("sessions", "completed", "completion_rate", "average_duration_s", "average_wait_s")
    assert {k: at_central[k] for k in same} == {k: own[k] for k in same}
    assert at_central["visitors_per_hour"] == own["visitors_per_hour"]
    assert at_central["satisfaction"] == own["satisfaction"]
    held = asyncio.run(every_value(central_db))
    assert VISITOR_NAME not in held
    assert VISITOR_PHONE not in held
    listed = central.api(admin, "GET", "/api/admin/venues").json()
    assert [(v["name"], v["records"] >= waiting) for v in listed] == [("Hall 1", True)]

    # central's own scene came down with the sync, checked, and a headset plays it here
    catalog = venue.api(staff, "GET", "/api/catalog").json()
    assert "test-central" in [scene["id"] for scene in catalog]
    run_headsets(venue, tmp_path / "headsets-2", devices=1, scene="test-central")

    async def played() -> list[str]:
        store = SqlStore.from_url(venue_db)
        try:
            async with store.engine.connect() as conn:
                query = select(t.sessions.c.state).where(t.sessions.c.scene_id == "test-central")
                return list((await conn.execute(query)).scalars().all())
        finally:
            await store.close()

    assert asyncio.run(played()) == ["finished"]

    # the venue's staff token means nothing at central
    for method, path in (
        ("GET", "/api/admin/venues"),
        ("GET", "/api/sync/state"),
        ("GET", "/api/stats"),
    ):
        assert central.api(staff, method, path).status_code == 401
