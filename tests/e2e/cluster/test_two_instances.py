"""Two real `vr-server` processes sharing one PostgreSQL database, one Redis (a fresh prefix)
and one blob directory: a headset (the Python client) connected to instance A is run by staff
connected to instance B, both dashboards show the same live state, content published through
A is served by B, and a crashed instance's headset shows offline on the other one."""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from content_tools.cli import main as vr_content
from headset_client import HeadsetClient
from tests.support.bundles import tiny_glb, write_bundle
from tests.support.cluster import (
    Cluster,
    headset_is,
    headset_live,
    live_state,
    on_both,
    session_is,
    staff_socket,
)
from tests.support.harness import STAFF_PASSWORD, RawSocket, ServerProcess, wait_frame
from tests.support.http import http
from tests.support.sockets import assign_in_english, hello_headset, ping_ok, staff_request
from vr_server.protocol.events import Interaction, StepCompleted, StepStarted
from vr_server.protocol.headset import Assignment, Command, Result

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def token(cluster: Cluster) -> str:
    return cluster.a.staff_token()


async def connected_headset(
    cluster: Cluster, tmp_path: Path, name: str
) -> tuple[HeadsetClient, Any]:
    client = HeadsetClient(cluster.a.url, tmp_path / name, name=name, backoff_max=0.5)
    await client.ensure_enrolled(cluster.a.enrollment_code())
    inbox = client.subscribe()
    await client.start()
    async with asyncio.timeout(15):
        await client.wait_connected()
    return client, inbox


async def health(server: ServerProcess) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        body: dict[str, Any] = (await client.get(server.url + "/health")).json()
        return body


async def command(staff: RawSocket, session_id: str, name: str) -> None:
    request = {"type": "session_command", "request_id": uuid.uuid4().hex[:8]}
    await staff_request(staff, {**request, "session_id": session_id, "command": name})


async def next_command(inbox: Any, name: str) -> Command:
    async with asyncio.timeout(15):
        found: Command = await inbox.next(Command, where=lambda c: c.command == name)
        return found


async def test_a_headset_on_a_is_run_by_staff_on_b(
    cluster: Cluster, token: str, tmp_path: Path
) -> None:
    a, b = cluster.a, cluster.b
    staff_a, _ = await staff_socket(a, token)
    staff_b, _ = await staff_socket(b, token)
    both = (staff_a, staff_b)
    client, inbox = await connected_headset(cluster, tmp_path, "quest-on-a")
    try:
        # both dashboards see it come online, and its telemetry, though it is on A only
        online = await on_both(both, headset_is("quest-on-a", online=True))
        headset_id = online[0]["headset"]["id"]
        await client.send_telemetry(battery=0.42, fps=72.0, charging=False)
        figures = await on_both(both, headset_live(headset_id, battery=0.42, fps=72.0))
        assert figures[0]["headsets"] == figures[1]["headsets"]
        health_b = await health(b)
        assert (health_b["bus"], health_b["headsets_online"], health_b["headsets_here"]) == (
            "ok",
            1,
            0,
        )

        # staff on B assigns; the assignment reaches the headset on A
        session_id = await assign_in_english(staff_b, "assign-1", headset_id)
        async with asyncio.timeout(15):
            assignment = await inbox.next(Assignment)
        assert assignment.session_id == session_id
        downloaded = await client.download(assignment.manifest.glb)  # from A
        assert downloaded.cached is False
        await client.send_loading(session_id, 1.0)
        await client.send_ready(session_id)
        await next_command(inbox, "start")
        await on_both(both, session_is(session_id, state="running"))

        # progress events go to A; staff on both see the steps
        for body in (
            StepStarted(step_id="intro"),
            StepCompleted(step_id="intro"),
            StepStarted(step_id="pick-knife"),
        ):
            await client.send_event(body, session_id=session_id)
        await client.wait_acked()
        at_step = await on_both(both, session_is(session_id, step_index=1, next_seq=4))
        assert at_step[0]["session"] == at_step[1]["session"]

        # pause and resume from B reach the headset on A
        await command(staff_b, session_id, "pause")
        await next_command(inbox, "pause")
        await on_both(both, session_is(session_id, state="paused"))
        await command(staff_b, session_id, "resume")
        await next_command(inbox, "resume")
        await on_both(both, session_is(session_id, state="running"))
        for later in (
            Interaction(step_id="pick-knife", node="knife", action="select"),
            StepCompleted(step_id="pick-knife"),
        ):
            await client.send_event(later, session_id=session_id)
        await client.wait_acked()
        await on_both(both, session_is(session_id, step_index=2, next_seq=6))

        # a fresh dashboard on either instance shows the same live state (the live figures
        # reach Redis presence within a flush, 0.5 s)
        deadline = time.monotonic() + 5
        while True:
            fresh_a, snap_a = await staff_socket(a, token)
            fresh_b, snap_b = await staff_socket(b, token)
            await fresh_a.close()
            await fresh_b.close()
            if live_state(snap_a) == live_state(snap_b) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert live_state(snap_a) == live_state(snap_b)
        state = live_state(snap_b)
        assert state["headsets"][headset_id]["online"] is True
        assert state["headsets"][headset_id]["session_id"] == session_id
        assert state["sessions"][session_id]["state"] == "running"

        # end from B: the headset gets the command and the result; both see it done
        await command(staff_b, session_id, "end")
        await next_command(inbox, "end")
        async with asyncio.timeout(15):
            result = await inbox.next(Result, where=lambda r: r.session_id == session_id)
        assert result.state == "aborted"
        # (the headset's update, needs_cleaning, is published just before the session's)
        await on_both(both, session_is(session_id, state="aborted"))
        for sock in (fresh_a, fresh_b):
            await sock.close()
        fresh_a, snap_a = await staff_socket(a, token)
        fresh_b, snap_b = await staff_socket(b, token)
        await fresh_a.close()
        await fresh_b.close()
        assert live_state(snap_a) == live_state(snap_b)
        after = live_state(snap_b)["headsets"][headset_id]
        assert (after["status"], after["session_id"], after["online"]) == (
            "needs_cleaning",
            None,
            True,
        )
    finally:
        await client.close()
        await staff_a.close()
        await staff_b.close()

    # every acknowledged event is stored once, whichever instance is asked
    events_b = b.api(token, "GET", f"/api/sessions/{session_id}/events").json()
    events_a = a.api(token, "GET", f"/api/sessions/{session_id}/events").json()
    assert events_a == events_b
    assert [(e["seq"], e["kind"]) for e in events_b] == [
        (1, "step_started"),
        (2, "step_completed"),
        (3, "step_started"),
        (4, "interaction"),
        (5, "step_completed"),
    ]


def test_content_published_through_a_is_served_by_b(
    cluster: Cluster, token: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = cluster.a, cluster.b
    done = a.cli("author", "create", "author", "--password-stdin", input_text=STAFF_PASSWORD)
    assert done.returncode == 0, done.stderr
    done = a.cli("author", "token", "author", "--json")
    assert done.returncode == 0, done.stderr
    author = json.loads(done.stdout)["token"]
    glb = tiny_glb(seed=41)
    sha = hashlib.sha256(glb).hexdigest()
    write_bundle(tmp_path / "dist", scene_id="two-instances", version="1.0.0", glb=glb)

    capsys.readouterr()
    status = vr_content(
        ["publish", str(tmp_path / "dist"), "--server", a.url, "--token", author, "--json"]
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    assert [u["sha256"] for u in json.loads(out)["uploaded"]] == [sha]

    # B knows the scene (shared database) and serves its bytes (shared blob directory)
    summary = b.api(token, "GET", "/api/catalog/two-instances").json()
    assert summary["glb_sha256"] == sha
    headers = {"Authorization": f"Bearer {token}"}
    served = http().get(f"{b.url}/assets/{sha}", headers=headers)
    assert served.status_code == 200
    assert served.content == glb
    assert served.headers["etag"] == f'"{sha}"'
    assert "immutable" in served.headers["cache-control"]
    ranged = http().get(f"{b.url}/assets/{sha}", headers={**headers, "Range": "bytes=0-99"})
    assert (ranged.status_code, ranged.content) == (206, glb[:100])
    # one copy, in the shared directory, under the layout nginx can serve directly
    stored = cluster.blob_dir / sha[:2] / sha
    assert stored.read_bytes() == glb
    assert stored.stat().st_mode & 0o777 == 0o644  # readable by nginx's workers too
    assert not (a.data_dir / "blobs").exists()
    assert not (b.data_dir / "blobs").exists()


async def test_a_crashed_instances_headset_shows_offline_on_the_other(
    cluster: Cluster, token: str, tmp_path: Path
) -> None:
    """Runs last: it kills instance A (and starts it again)."""
    a, b = cluster.a, cluster.b
    staff_b, _ = await staff_socket(b, token)
    client, _inbox = await connected_headset(cluster, tmp_path, "quest-crash")
    try:
        await wait_frame(staff_b, headset_is("quest-crash", online=True))
        a.stop(signal.SIGKILL)  # no clean shutdown: the presence entry has to expire
        # heartbeat 2 s: entries live 6 s after their last refresh; B sweeps every 2 s
        await wait_frame(staff_b, headset_is("quest-crash", online=False), timeout=20)
        assert (await health(b))["headsets_online"] == 0
        a.start()  # same port: the headset reconnects by itself
        await wait_frame(staff_b, headset_is("quest-crash", online=True), timeout=30)
    finally:
        await client.close()
        await staff_b.close()
        if a.proc is None:
            a.start()


# ---------------------------------------------------------------- revocation (issue 15)
# A credential revoked through A closes its sockets on B with 4401 within a second, and B stops
# trusting the token at once (not after its 5-second trust, AuthService.trust_s).


async def test_logout_on_a_closes_the_socket_on_b(cluster: Cluster) -> None:
    token = cluster.a.staff_token()
    sock, _ = await staff_socket(cluster.b, token)
    assert cluster.b.api(token, "GET", "/api/headsets").status_code == 200  # B trusts it now
    other, _ = await staff_socket(cluster.b, cluster.b.staff_token())
    assert cluster.a.api(token, "POST", "/api/auth/logout").status_code == 204
    assert await sock.closed_with(timeout=1.0) == 4401
    assert cluster.b.api(token, "GET", "/api/headsets").status_code == 401
    await ping_ok(other)
    await other.close()


async def test_disable_and_headset_removal_on_a_close_sockets_on_b(cluster: Cluster) -> None:
    cluster.a.create_staff("admin-c", STAFF_PASSWORD, "admin")
    cluster.a.create_staff("staff-c", STAFF_PASSWORD, "staff")
    admin = cluster.a.staff_token("admin-c", STAFF_PASSWORD)
    staff = cluster.b.staff_token("staff-c", STAFF_PASSWORD)
    staff_sock, _ = await staff_socket(cluster.b, staff)
    headset, enrolled = await hello_headset(cluster.b, cluster.a.enrollment_code())
    assert cluster.a.api(admin, "POST", "/api/admin/accounts/staff-c/disable").status_code == 200
    assert await staff_sock.closed_with(timeout=1.0) == 4401
    removed = cluster.a.api(admin, "DELETE", f"/api/headsets/{enrolled['headset_id']}")
    assert removed.status_code == 204
    assert await headset.closed_with(timeout=1.0) == 4401
    assert cluster.b.api(enrolled["device_token"], "GET", "/api/catalog").status_code == 401
