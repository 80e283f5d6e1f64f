"""Redis restarts in the middle of a session run across two instances (headset on A, staff on
B): the instances reconnect by themselves, the headset keeps its connection, its events are
acknowledged and stored during the outage, a command given during the outage reaches the
headset afterwards, the dashboards get a fresh snapshot, and staff commands work again.

THIS MODULE STOPS AND STARTS THE MACHINE'S REDIS (marked `restarts_services`; `-m 'not
restarts_services'` leaves it out): for a second or two every connection to it is refused, and
since it keeps nothing on disk every key is gone afterwards. The outage is kept short, and Redis
is started again whatever happens. The instances write their presence entries again by
themselves.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from headset_client import HeadsetClient
from tests.support import redis_server
from tests.support.cluster import Cluster, Dashboard
from vr_server.protocol.events import (
    Answer,
    Interaction,
    SessionEvent,
    StepCompleted,
    StepStarted,
)
from vr_server.protocol.headset import Assignment, Command, Result

pytestmark = [pytest.mark.restarts_services, pytest.mark.slow, pytest.mark.timeout(180)]


async def staff_command(board: Dashboard, session_id: str, name: str) -> dict[str, Any]:
    request_id = uuid.uuid4().hex[:8]
    await board.sock.send(
        {
            "type": "session_command",
            "request_id": request_id,
            "session_id": session_id,
            "command": name,
        }
    )
    async with asyncio.timeout(15):
        while True:
            frame = await board.sock.recv()
            if frame.get("request_id") == request_id:
                return frame
            board.apply(frame)


async def health(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        body: dict[str, Any] = (await http.get(url + "/health")).json()
        return body


async def send_all(client: HeadsetClient, session_id: str, *bodies: SessionEvent) -> None:
    for body in bodies:
        await client.send_event(body, session_id=session_id)
    async with asyncio.timeout(15):
        await client.wait_acked()


async def test_redis_restart_mid_session(cluster: Cluster, tmp_path: Path) -> None:
    a, b = cluster.a, cluster.b
    token = a.staff_token()
    board_a, board_b = await Dashboard.open(a, token), await Dashboard.open(b, token)
    client = HeadsetClient(a.url, tmp_path / "quest", name="quest-failover", backoff_max=0.5)
    await client.ensure_enrolled(a.enrollment_code())
    inbox = client.subscribe()
    await client.start()
    try:
        async with asyncio.timeout(15):
            await client.wait_connected()

        def online(board: Dashboard) -> bool:
            return any(
                h["name"] == "quest-failover" and h["online"] for h in board.headsets.values()
            )

        await board_b.until(online)
        headset_id = next(
            h["id"] for h in board_b.headsets.values() if h["name"] == "quest-failover"
        )
        await board_b.sock.send(
            {
                "type": "assign",
                "request_id": "assign",
                "headset_id": headset_id,
                "scene_id": "test-kitchen",
                "language": "th",
            }
        )
        async with asyncio.timeout(15):
            assignment = await inbox.next(Assignment)
        session_id = assignment.session_id
        await client.send_ready(session_id)
        async with asyncio.timeout(15):
            await inbox.next(Command, where=lambda c: c.command == "start")
        await send_all(
            client,
            session_id,
            StepStarted(step_id="intro"),
            StepCompleted(step_id="intro"),
            StepStarted(step_id="pick-knife"),
        )

        def session(state: str, next_seq: int) -> Any:
            return lambda board: (
                session_id in board.sessions
                and board.sessions[session_id]["state"] == state
                and board.sessions[session_id]["next_seq"] == next_seq
            )

        await board_a.until(session("running", 4))
        await board_b.until(session("running", 4))

        # ---- Redis goes away
        outage_started = time.monotonic()
        await asyncio.to_thread(redis_server.stop)
        try:
            # the headset's events are still acknowledged (stored in PostgreSQL) at once
            await send_all(
                client,
                session_id,
                Interaction(step_id="pick-knife", node="knife", action="select"),
                StepCompleted(step_id="pick-knife"),
                StepStarted(step_id="place-pan"),
            )
            # a staff command given now is stored; the bus cannot deliver it yet
            reply = await staff_command(board_b, session_id, "pause")
            assert reply["type"] == "reply", reply
            assert (await health(b.url))["bus"] == "reconnecting"
        finally:
            await asyncio.to_thread(redis_server.start)
        outage = time.monotonic() - outage_started

        # ---- Redis is back: nobody restarts anything
        # the headset (same connection) is told the session's state, paused
        async with asyncio.timeout(20):
            resync = await inbox.next(Assignment, where=lambda x: x.session_id == session_id)
        assert resync.resume.state == "paused"
        assert resync.resume.next_seq == 7
        assert client.connections == 1

        # both dashboards get a fresh snapshot, then see the headset online again
        def resynced(board: Dashboard) -> bool:
            return board.snapshots >= 2 and online(board) and session("paused", 7)(board)

        await board_a.until(resynced, timeout=20)
        await board_b.until(resynced, timeout=20)
        for url in (a.url, b.url):
            body = await health(url)
            assert (body["bus"], body["headsets_online"]) == ("ok", 1), body

        # staff commands work again across instances
        reply = await staff_command(board_b, session_id, "resume")
        assert reply["type"] == "reply", reply
        async with asyncio.timeout(15):
            await inbox.next(Command, where=lambda c: c.command == "resume")
        await send_all(
            client,
            session_id,
            Interaction(step_id="place-pan", node="pan", action="grab"),
            Interaction(step_id="place-pan", node="pan", action="release", target="stove"),
            StepCompleted(step_id="place-pan"),
            StepStarted(step_id="look-fire"),
            Interaction(step_id="look-fire", node="fire_exit", action="look"),
            StepCompleted(step_id="look-fire"),
            StepStarted(step_id="quiz"),
            Answer(step_id="quiz", question_id="q1", choice_id="a"),
        )
        await board_a.until(session("running", 15))
        reply = await staff_command(board_b, session_id, "end")
        assert reply["type"] == "reply", reply
        async with asyncio.timeout(15):
            await inbox.next(Command, where=lambda c: c.command == "end")
            result = await inbox.next(Result, where=lambda r: r.session_id == session_id)
        assert result.state == "aborted"
        await board_a.until(session("aborted", 15))
        await board_b.until(session("aborted", 15))
    finally:
        await client.close()
        await board_a.close()
        await board_b.close()

    # no acknowledged event was lost, none stored twice
    events = a.api(token, "GET", f"/api/sessions/{session_id}/events").json()
    assert [e["seq"] for e in events] == list(range(1, 15))
    assert [e["kind"] for e in events][3:6] == ["interaction", "step_completed", "step_started"]
    assert outage < 10, f"the Redis outage took {outage:.1f} s"
