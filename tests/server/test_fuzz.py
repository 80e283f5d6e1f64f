"""The fuzz suite: a few thousand hostile frames (tests/fuzzing.py) against a real server, on
both sockets, before and after `hello` / `auth`. The server lives and answers /health, a
control session's stored events are unchanged, and its memory stays within a bound.
bench/fuzz.py runs the same at a million frames."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import psutil
import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzzing import Credentials, Frame, Fuzzer, Target, batches, new_device_id
from tests.harness import ServerProcess
from tests.server.helpers import hello_headset, start_session

pytestmark = pytest.mark.slow

EXAMPLES = 80
BATCH = 50
"""4,000 frames a run."""
MEMORY_BOUND = 64 * 1024 * 1024
"""How much the server's resident memory may grow over the run (it stays near 0)."""


@pytest.fixture(scope="module")
def credentials(server: ServerProcess, code: str, token: str) -> Credentials:
    device_id = new_device_id()
    enrolled = server.enroll(code, device_id)
    return Credentials(device_id, enrolled["device_token"], token)


@pytest.fixture(scope="module")
def control_session(server: ServerProcess, code: str, token: str) -> tuple[str, list[Any]]:
    """A session with stored events (its headset stays connected): its id and its events."""

    async def run() -> str:
        sock, enrolled = await hello_headset(server, code)
        assignment = await start_session(server, token, sock, enrolled["headset_id"])
        session_id: str = assignment["session_id"]
        event = {"kind": "step_started", "step_id": "intro"}
        await sock.send({"type": "event", "session_id": session_id, "seq": 1, "event": event})
        assert (await sock.recv_type("ack"))["seq"] == 1
        await sock.close()
        return session_id

    session_id = asyncio.run(run())
    return session_id, stored_events(server, token, session_id)


def stored_events(server: ServerProcess, token: str, session_id: str) -> list[Any]:
    response = server.api(token, "GET", f"/api/sessions/{session_id}/events")
    assert response.status_code == 200, response.text
    events: list[Any] = response.json()
    assert events
    return events


def rss(server: ServerProcess) -> int:
    assert server.proc is not None
    return int(psutil.Process(server.proc.pid).memory_info().rss)


async def fuzz(
    server: ServerProcess, credentials: Credentials, batch: list[tuple[Target, Frame]]
) -> Fuzzer:
    fuzzer = Fuzzer(server.ws_url, credentials)
    try:
        for target, frame in batch:
            await fuzzer.send(target, frame)
    finally:
        await fuzzer.close()
    return fuzzer


def test_fuzzed_frames_leave_the_server_alive_and_the_data_intact(
    server: ServerProcess,
    token: str,
    credentials: Credentials,
    control_session: tuple[str, list[Any]],
) -> None:
    session_id, events_before = control_session
    totals = {"sent": 0, "connects": 0}
    before: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batch=batches(BATCH))
    def one_batch(batch: list[tuple[Target, Frame]]) -> None:
        fuzzer = asyncio.run(fuzz(server, credentials, batch))
        totals["sent"] += fuzzer.sent
        totals["connects"] += fuzzer.connects
        assert server.proc is not None
        assert server.proc.poll() is None, "the server died"
        if not before:
            before.append(rss(server))  # after the first batch: warmed up

    one_batch()
    assert totals["sent"] >= EXAMPLES * BATCH
    assert server.proc is not None
    assert server.proc.poll() is None
    assert httpx.get(server.url + "/health").status_code == 200
    assert stored_events(server, token, session_id) == events_before
    grown = rss(server) - before[0]
    assert grown < MEMORY_BOUND, f"the server's memory grew by {grown / 2**20:.0f} MiB"
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
