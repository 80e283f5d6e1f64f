"""A crash in the middle of sessions loses nothing acknowledged: a real server with live
simulated headsets is killed with SIGKILL (no shutdown of any kind) and started again on the
same data directory; every event a headset saw acknowledged is then stored exactly once and in
order, and every session resumes and finishes (the same session, not a new one)."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from headset_client import HeadsetClient, SimulatedHeadset
from tests.support.harness import ServerProcess
from vr_server.protocol.headset import Ack, ServerToHeadset
from vr_server.storage import SqlStore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

HEADSETS = 6
SPEED = 15.0
"""Visitor time runs this many times faster: a session of the test bundle lasts seconds."""

Acked = dict[str, dict[int, str]]
"""session id -> seq -> the event's kind, for every event a headset saw acknowledged."""


def record_acks(client: HeadsetClient, acked: Acked) -> None:
    """Note each event the server acknowledges to `client`, as the headset sees it."""
    dispatch = client._dispatch

    async def spy(frame: ServerToHeadset) -> None:
        if isinstance(frame, Ack):
            for event in client.pending_events:
                if event.session_id == frame.session_id and event.seq <= frame.seq:
                    acked[event.session_id][event.seq] = event.event.kind
        await dispatch(frame)

    client._dispatch = spy  # type: ignore[method-assign]


async def until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_sigkill_mid_session_loses_no_acknowledged_event(
    tmp_path: Path, test_bundles: Path
) -> None:
    server = ServerProcess(tmp_path / "server", [test_bundles], self_service="true")
    server.start()
    clients: list[HeadsetClient] = []
    try:
        code = server.enrollment_code(uses=HEADSETS)
        acked: Acked = defaultdict(dict)
        for i in range(HEADSETS):
            client = HeadsetClient(
                server.url, tmp_path / f"headset-{i}", name=f"crash-{i}", backoff_max=0.5
            )
            await client.ensure_enrolled(code)
            record_acks(client, acked)
            clients.append(client)
        sims = [
            SimulatedHeadset(c, speed=SPEED, seed=i, telemetry_hz=2, scene="test-kitchen")
            for i, c in enumerate(clients)
        ]
        runs = [asyncio.create_task(sim.run(sessions=1)) for sim in sims]

        # mid-session: every headset is in a session with acknowledged events
        def all_playing() -> bool:
            return all(c.session_id is not None and len(acked[c.session_id]) >= 3 for c in clients)

        await until(all_playing, 20)
        assert not [r for r in runs if r.done()], "a session ended before the crash"
        in_session = {c.name: c.session_id for c in clients}
        acked_before = sum(len(seqs) for seqs in acked.values())
        await asyncio.to_thread(server.stop, signal.SIGKILL)
        await asyncio.to_thread(server.start)

        reports = [r[0] for r in await asyncio.wait_for(asyncio.gather(*runs), 40)]
    finally:
        for client in clients:
            await client.close()
        server.stop()
    assert [(r.state, r.session_id) for r in reports] == [
        ("finished", in_session[c.name]) for c in clients
    ]  # every session resumed and finished, none replaced by a new one
    assert all(c.connections >= 2 for c in clients)  # each reconnected after the crash
    assert sum(len(seqs) for seqs in acked.values()) > acked_before  # play went on
    store = SqlStore.from_url(f"sqlite+aiosqlite:///{server.data_dir / 'vr.sqlite3'}")
    try:  # what is on disk
        for session_id, seqs in acked.items():
            events = await store.sessions.events(session_id)
            stored = [e.seq for e in events]
            assert stored == list(range(1, len(stored) + 1)), stored  # once each, in order
            kinds = {e.seq: e.kind for e in events}
            assert {seq: kinds.get(seq) for seq in seqs} == seqs  # every acked one, as sent
            session = await store.sessions.get(session_id)
            assert session is not None
            assert session.state == "finished"
    finally:
        await store.close()
