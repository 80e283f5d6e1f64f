"""The fuzz suite: a few thousand hostile frames (tests/support/fuzzing.py) against a real server,
on both sockets, before and after `hello` / `auth`. The server lives and answers /health, a
control session's stored events are unchanged, and its memory stays within a bound.
bench/fuzz.py runs the same at a million frames."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.support.fuzzing import (
    Credentials,
    Frame,
    Fuzzer,
    Target,
    batches,
    control_session,
    fuzz_credentials,
    rss,
    stored_events,
)
from tests.support.harness import ServerProcess
from tests.support.http import http

pytestmark = pytest.mark.slow

EXAMPLES = 80
BATCH = 50
"""4,000 frames a run."""
MEMORY_BOUND = 64 * 1024 * 1024
"""How much the server's resident memory may grow over the run (it stays near 0)."""


@pytest.fixture(scope="module")
def credentials(server: ServerProcess, code: str, token: str) -> Credentials:
    return fuzz_credentials(server, code, token)


@pytest.fixture(scope="module")
def control(server: ServerProcess, code: str, token: str) -> tuple[str, list[Any]]:
    """The control session's id and its stored events before the fuzzing."""
    session_id = asyncio.run(control_session(server, code, token))
    return session_id, stored_events(server, token, session_id)


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
    control: tuple[str, list[Any]],
) -> None:
    session_id, events_before = control
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
    assert http().get(server.url + "/health").status_code == 200
    assert stored_events(server, token, session_id) == events_before
    grown = rss(server) - before[0]
    assert grown < MEMORY_BOUND, f"the server's memory grew by {grown / 2**20:.0f} MiB"
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
