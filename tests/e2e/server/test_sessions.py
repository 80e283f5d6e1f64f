"""Whole sessions against a real server: the simulated headset (headset_client) plays the
script it is assigned from a staff connection; events are stored once and in order, also when
the connection is killed mid-session or the server restarts. The first test runs on SQLite and
on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from headset_client import HeadsetClient, SimulatedHeadset
from tests.support.harness import RawSocket, ServerProcess, wait_frame
from tests.support.scripts import every_action_script
from tests.support.sockets import assign_in_english, headset_in_session, hello_headset, say_hello
from tests.support.sockets import staff as staff_socket


def headset_online(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda f: (
        f["type"] == "headset_update" and f["headset"]["name"] == name and f["headset"]["online"]
    )


def session_state(session_id: str, state: str) -> Callable[[dict[str, Any]], bool]:
    return lambda f: (
        f["type"] == "session_update"
        and f["session"]["id"] == session_id
        and f["session"]["state"] == state
    )


def past_step(session_id: str, step_index: int) -> Callable[[dict[str, Any]], bool]:
    return lambda f: (
        f["type"] == "session_update"
        and f["session"]["id"] == session_id
        and f["session"]["step_index"] >= step_index
    )


def new_session(server: ServerProcess, token: str, headset_id: str) -> str:
    """Staff start a session of the test scene on `headset_id` over HTTP; its id."""
    body = {"headset_id": headset_id, "scene_id": "test-kitchen"}
    response = server.api(token, "POST", "/api/sessions", body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def assert_stored_once_in_order(events: list[dict[str, Any]], script_steps: list[str]) -> None:
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    started = [e["step_id"] for e in events if e["kind"] == "step_started"]
    completed = [e["step_id"] for e in events if e["kind"] == "step_completed"]
    assert started == script_steps  # every step started once, in script order
    assert completed == script_steps
    assert events[-1]["kind"] == "session_completed"


async def start_simulator(
    server: ServerProcess, code: str, tmp_path: Path, name: str, **kwargs: Any
) -> tuple[HeadsetClient, asyncio.Task[Any]]:
    client = HeadsetClient(server.url, tmp_path / name, name=name, backoff_max=0.5)
    await client.ensure_enrolled(code)
    sim = SimulatedHeadset(client, seed=7, telemetry_hz=2, **kwargs)
    return client, asyncio.create_task(sim.run(sessions=1))


@dataclass
class Watched:
    staff: RawSocket
    client: HeadsetClient
    run: asyncio.Task[Any]
    """The simulator playing its one session; its reports when done."""
    headset_id: str


@asynccontextmanager
async def watched_simulator(
    server: ServerProcess, token: str, code: str, tmp_path: Path, name: str, speed: float
) -> AsyncIterator[Watched]:
    """A staff socket, then a simulated headset `name` set to play one session; yields them
    once staff see the headset online. Both are closed on leaving."""
    staff = await staff_socket(server, token)
    client, run = await start_simulator(server, code, tmp_path, name, speed=speed)
    try:
        online = await wait_frame(staff, headset_online(name))
        yield Watched(staff, client, run, online["headset"]["id"])
    finally:
        await client.close()
        await staff.close()


def stored_events(
    server: ServerProcess, token: str, session_id: str, events_sent: int
) -> list[dict[str, Any]]:
    """The session's stored events, checked: as many as the headset sent, each step's
    events once and in script order."""
    events: list[dict[str, Any]] = server.api(
        token, "GET", f"/api/sessions/{session_id}/events"
    ).json()
    assert len(events) == events_sent
    assert_stored_once_in_order(events, [s.id for s in every_action_script().steps])
    return events


@pytest.mark.parametrize("server", ["sqlite", "postgresql"], indirect=True)
async def test_headset_completes_a_session_assigned_from_a_staff_socket(
    server: ServerProcess, code: str, token: str, tmp_path: Path
) -> None:
    async with watched_simulator(server, token, code, tmp_path, "sim-e2e", 200) as sim:
        headset_id = sim.headset_id
        session_id = await assign_in_english(sim.staff, "a1", headset_id)
        # staff watches the session go through its states live
        await wait_frame(sim.staff, session_state(session_id, "running"))
        finished = await wait_frame(sim.staff, session_state(session_id, "finished"))
        reports = await asyncio.wait_for(sim.run, 30)
    report = reports[0]
    assert (report.session_id, report.state) == (session_id, "finished")
    assert report.download is not None
    assert report.download.cached is False

    stored_events(server, token, session_id, report.events_sent)
    session = server.api(token, "GET", f"/api/sessions/{session_id}").json()
    assert session["state"] == "finished"
    assert session["result"] == finished["session"]["result"]
    assert session["result"]["max_score"] == 50
    assert session["result"]["score"] == report.score
    headset = server.api(token, "GET", f"/api/headsets/{headset_id}").json()
    assert headset["status"] == "needs_cleaning"
    # staff clears it, and the next visitor can be assigned
    cleared = server.api(
        token, "POST", f"/api/headsets/{headset_id}/status", {"status": "available"}
    )
    assert cleared.json()["status"] == "available"


async def test_killed_connection_reconnects_and_resumes_at_the_same_step(
    server: ServerProcess, code: str, token: str, tmp_path: Path
) -> None:
    async with watched_simulator(server, token, code, tmp_path, "sim-drop", 40) as sim:
        staff, client = sim.staff, sim.client
        session_id = new_session(server, token, sim.headset_id)
        mid = await wait_frame(staff, past_step(session_id, 2))
        before = mid["session"]["step_index"]
        await client.drop_connection()  # no close frame: the server sees the socket die
        offline = await wait_frame(
            staff,
            lambda f: (
                f["type"] == "headset_update"
                and f["headset"]["name"] == "sim-drop"
                and not f["headset"]["online"]
            ),
        )
        assert offline["headset"]["session_id"] == session_id
        await wait_frame(staff, headset_online("sim-drop"))
        reports = await asyncio.wait_for(sim.run, 60)
    assert client.connections >= 2
    assert reports[0].state == "finished"
    events = stored_events(server, token, session_id, reports[0].events_sent)
    # the step where it dropped was not started again after the reconnect
    started_steps = [e["step_id"] for e in events if e["kind"] == "step_started"]
    assert started_steps.count(every_action_script().steps[before].id) == 1


async def test_server_restart_mid_session_resumes_from_the_database(
    tmp_path: Path, test_bundles: Path
) -> None:
    server = ServerProcess(tmp_path / "server", [test_bundles])
    server.create_staff()
    server.start()
    try:
        token = server.staff_token()
        code = server.enrollment_code()
        staff = await staff_socket(server, token)  # first: it sees the headset come online
        client, run = await start_simulator(server, code, tmp_path, "sim-restart", speed=20)
        online = await wait_frame(staff, headset_online("sim-restart"))
        session_id = new_session(server, token, online["headset"]["id"])
        await wait_frame(staff, past_step(session_id, 1))
        await staff.close()
        server.stop()  # the headset loses its server mid-session
        server.start()  # same port, same database
        reports = await asyncio.wait_for(run, 60)
        await client.close()
        assert reports[0].state == "finished"
        stored_events(server, server.staff_token(), session_id, reports[0].events_sent)
    finally:
        server.stop()


async def test_message_right_after_welcome_arrives(
    server: ServerProcess, code: str, token: str
) -> None:
    """Regression: the headset's channel must be subscribed before welcome is sent."""
    sock, enrolled = await hello_headset(server, code)
    response = server.api(
        token,
        "POST",
        f"/api/headsets/{enrolled['headset_id']}/message",
        {"text": {"th": "สวัสดีครับ", "en": "Hello"}},
    )
    assert response.status_code == 202, response.text
    command = await sock.recv_type("command")
    assert (command["command"], command["text"]["th"]) == ("message", "สวัสดีครับ")
    await sock.close()


async def test_message_to_an_offline_headset_is_refused(
    server: ServerProcess, code: str, token: str
) -> None:
    enrolled = server.enroll(code, "dev-never-connected")
    response = server.api(
        token,
        "POST",
        f"/api/headsets/{enrolled['headset_id']}/message",
        {"text": {"th": "สวัสดี", "en": "Hi"}},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "headset_offline"


async def test_second_connection_of_a_headset_replaces_the_first(
    server: ServerProcess, code: str
) -> None:
    first, enrolled = await hello_headset(server, code)
    second = await say_hello(server, enrolled["device_id"], enrolled["device_token"])
    assert (await second.recv())["type"] == "welcome"
    assert await first.closed_with() == 4409
    await second.send({"type": "ping", "t": 3})
    assert (await second.recv_type("pong"))["t"] == 3
    await second.close()


async def test_staff_commands_pause_resume_end_reach_the_headset(
    server: ServerProcess, code: str, token: str
) -> None:
    sock, _enrolled, assignment = await headset_in_session(server, code, token)
    sid = assignment["session_id"]
    for command, state in (
        ("pause", "paused"),
        ("resume", "running"),
        ("language", "running"),
        ("recenter", "running"),
        ("end", "aborted"),
    ):
        body = {"command": command, **({"language": "en"} if command == "language" else {})}
        response = server.api(token, "POST", f"/api/sessions/{sid}/commands", body)
        assert response.status_code == 200, response.text
        assert response.json()["state"] == state
        frame = await sock.recv_type("command")
        assert frame["command"] == command
    result = await sock.recv_type("result")
    assert result["state"] == "aborted"
    again = server.api(token, "POST", f"/api/sessions/{sid}/commands", {"command": "pause"})
    assert again.status_code == 409
    await sock.close()


async def test_request_scene_is_refused_unless_self_service_is_on(
    server: ServerProcess, code: str, token: str
) -> None:
    sock, enrolled = await hello_headset(server, code)
    await sock.send({"type": "request_scene", "scene_id": "test-kitchen"})
    assert (await sock.recv_type("error"))["code"] == "not_allowed"
    sessions = server.api(token, "GET", f"/api/sessions?headset_id={enrolled['headset_id']}")
    assert sessions.json() == []
    await sock.close()


async def test_kiosk_headset_starts_and_completes_a_scene_by_itself(
    tmp_path: Path, test_bundles: Path
) -> None:
    server = ServerProcess(tmp_path / "server", [test_bundles], self_service="true")
    server.create_staff()
    server.start()
    try:
        client, run = await start_simulator(
            server,
            server.enrollment_code(),
            tmp_path,
            "kiosk-01",
            speed=200,
            scene="test-kitchen",
            language="en",
        )
        reports = await asyncio.wait_for(run, 30)
        await client.close()
        assert client.welcome is not None
        assert client.welcome.self_service is True
        report = reports[0]
        assert report.state == "finished"
        token = server.staff_token()
        session = server.api(token, "GET", f"/api/sessions/{report.session_id}").json()
        assert (session["scene_id"], session["language"], session["state"]) == (
            "test-kitchen",
            "en",
            "finished",
        )
        # an unknown scene is refused with a clear error, nothing is created
        sock, enrolled = await hello_headset(server, server.enrollment_code())
        await sock.send({"type": "request_scene", "scene_id": "no-such-scene"})
        assert (await sock.recv_type("error"))["code"] == "not_found"
        listed = server.api(token, "GET", f"/api/sessions?headset_id={enrolled['headset_id']}")
        assert listed.json() == []
        await sock.close()
    finally:
        server.stop()
