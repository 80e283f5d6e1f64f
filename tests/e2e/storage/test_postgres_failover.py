"""PostgreSQL goes down under a running session, and comes back (issue 7).

THIS MODULE STOPS AND STARTS THE MACHINE'S POSTGRESQL SERVER (`pg_ctlcluster`, marked
`restarts_services`): for about two seconds every connection to it, from any test run on the
machine, is refused. The outage is kept short, and PostgreSQL is started again whatever happens.
`-m 'not restarts_services'` leaves it out.

A real `vr-server` on a fresh PostgreSQL database serves a simulated headset (headset_client)
through a session; PostgreSQL stops mid-session and starts again. Checked: /health says
`degraded` while it is down and `ok` after, the server reconnects by itself (same process),
the session goes on to its end, events sent during the outage get an error or no ack (never an
ack for an event that is not stored) and are resent by the client, and every acknowledged event
is stored, exactly once and in order.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from headset_client import HeadsetClient, SimulatedHeadset
from headset_client.transport import Connector, Transport, make_websocket_connector
from tests.e2e.server.test_sessions import assert_stored_once_in_order, headset_online
from tests.support.harness import RawSocket, ServerProcess, wait_frame
from tests.support.postgres import Postgres
from tests.support.scripts import every_action_script
from tests.support.sockets import staff as staff_socket
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.errors import CloseCode

pytestmark = [pytest.mark.restarts_services, pytest.mark.slow, pytest.mark.timeout(180)]


def cluster_version() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    assert versions, "no PostgreSQL cluster in /etc/postgresql"
    return versions[-1]


def pg_ctl(action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action]
    if action == "stop":
        command += ["-m", "fast"]  # disconnect clients at once, as a crash or failover does
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 or "already running" in done.stderr, done.stderr


class Tap:
    """Every frame the headset client sends and receives, with the time (a Connector seam)."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, str, dict[str, Any]]] = []
        self._inner = make_websocket_connector()

    def connector(self) -> Connector:
        async def connect(url: str) -> Transport:
            return TappedTransport(await self._inner(url), self)

        return connect

    def record(self, direction: str, text: str) -> None:
        self.frames.append((time.monotonic(), direction, json.loads(text)))

    def received(self, kind: str) -> list[tuple[float, dict[str, Any]]]:
        return [(t, f) for t, d, f in self.frames if d == "in" and f["type"] == kind]

    def sent_events(self) -> list[tuple[float, dict[str, Any]]]:
        return [(t, f) for t, d, f in self.frames if d == "out" and f["type"] == "event"]


class TappedTransport:
    def __init__(self, inner: Transport, tap: Tap) -> None:
        self.inner = inner
        self.tap = tap

    async def send(self, text: str) -> None:
        await self.inner.send(text)
        self.tap.record("out", text)

    async def recv(self) -> str:
        text = await self.inner.recv()
        self.tap.record("in", text)
        return text

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self.inner.close(code, reason)

    def abort(self) -> None:
        self.inner.abort()


async def health(server: ServerProcess) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(server.url + "/health")
    return response.status_code, response.json()


async def hello(server: ServerProcess, device_id: str, token: str) -> tuple[str, int | None]:
    """Say hello as a headset; the error code and close code the server answers with."""
    sock = await RawSocket.open(server.ws_url + "/ws/headset")
    await sock.send(
        {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "device_id": device_id,
            "device_token": token,
            "app_version": "probe",
        }
    )
    error = await sock.recv_type("error")
    return error["code"], await sock.closed_with()


async def until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def until_healthy(server: ServerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (await health(server))[0] != 200:
        if time.monotonic() > deadline:
            raise AssertionError("/health did not say ok again")
        await asyncio.sleep(0.1)


@pytest.fixture
def pg_database(postgres: Postgres) -> Iterator[str]:
    url = postgres.create()
    yield url
    postgres.drop(url)


async def test_session_survives_a_postgresql_restart(
    pg_database: str, test_bundles: Path, tmp_path: Path
) -> None:
    server = ServerProcess(
        tmp_path / "server", [test_bundles], database_url=pg_database, database_retry_s=0.5
    )
    server.create_staff()
    server.start()
    tap = Tap()
    client = HeadsetClient(
        server.url, tmp_path / "sim-pg", name="sim-pg", backoff_max=0.5, connector=tap.connector()
    )
    run: asyncio.Task[Any] | None = None
    staff = None
    try:
        token = server.staff_token()
        await client.ensure_enrolled(server.enrollment_code())
        sim = SimulatedHeadset(client, seed=7, telemetry_hz=2, speed=12)
        run = asyncio.create_task(sim.run(sessions=1))
        staff = await staff_socket(server, token)
        online = await wait_frame(staff, headset_online("sim-pg"))
        response = server.api(
            token,
            "POST",
            "/api/sessions",
            {"headset_id": online["headset"]["id"], "scene_id": "test-kitchen"},
        )
        assert response.status_code == 201, response.text
        session_id = response.json()["id"]
        await staff.close()
        staff = None
        # a few events stored and acknowledged before the outage
        await until(lambda: len(tap.received("ack")) >= 3, 30, "three acks")
        probe = server.enroll(server.enrollment_code(), "dev-probe")

        pg_ctl("stop")
        try:
            down_at = time.monotonic()
            status, body = await health(server)
            assert (status, body["status"], body["database"]) == (503, "degraded", "unreachable")
            # a headset connecting now is told to come back later, not that its token is wrong
            refused = await hello(server, "dev-probe", probe["device_token"])
            assert refused == ("internal_error", CloseCode.INTERNAL_ERROR)
            # Hold the outage until the headset has sent an event into it and been refused
            # (usually a second or two): the path where nothing can be stored is exercised.
            await until(
                lambda: any(f.get("seq") is not None for _, f in tap.received("error")),
                6,
                "an event sent during the outage to be refused",
            )
        finally:
            up_at = time.monotonic()
            pg_ctl("start")
        sent_while_down = [f["seq"] for t, f in tap.sent_events() if down_at <= t <= up_at]
        await until_healthy(server, 30)
        reports = await asyncio.wait_for(run, 120)
        events = server.api(token, "GET", f"/api/sessions/{session_id}/events").json()
    finally:
        if staff is not None:
            await staff.close()
        if run is not None and not run.done():
            run.cancel()
        await client.close()
        server.stop()
        log = server.log_path.read_text()

    # the session went on to its end, on the same server process
    assert reports[0].state == "finished", (reports[0], log[-3000:])
    assert client.connections >= 1
    assert sent_while_down, "no event was sent while PostgreSQL was down"
    # no acknowledgement for an event while the database was down ...
    acks_while_down = [f["seq"] for t, f in tap.received("ack") if down_at + 0.5 < t < up_at]
    assert acks_while_down == []
    # ... the refusals of that time said why (the client resent those events later)
    errors = [f for _, f in tap.received("error")]
    assert all(e["code"] in ("internal_error", "seq_gap") for e in errors), errors

    # every acknowledged event is stored, once and in order; so is every event the headset sent
    stored = {e["seq"]: e for e in events}
    acked = {f["seq"] for _, f in tap.received("ack") if f["session_id"] == session_id}
    assert acked <= set(stored)
    assert_stored_once_in_order(events, [s.id for s in every_action_script().steps])
    assert len(events) == reports[0].events_sent
    for _, frame in tap.sent_events():  # what is stored under a seq is what was sent under it
        if frame["seq"] in acked:
            assert stored[frame["seq"]]["kind"] == frame["event"]["kind"]
