"""SimulatedHeadset against the fake server, at high speed."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from content_tools.format import AssetRef, LocalizedText
from headset_client.client import HeadsetClient
from headset_client.simulator import Progress, SessionReport, SimulatedHeadset
from tests.headset_client.conftest import ClientFactory
from tests.headset_client.fake_server import FakeServer, FakeSession
from tests.headset_client.support import build_manifest, cook_script, fake_glb
from vr_server.protocol.headset import Event, Loading, Ready

LIMIT = 20.0
FAST = 1000.0


class Recorder:
    def __init__(self) -> None:
        self.lines: list[tuple[str, Progress]] = []

    def __call__(self, name: str, progress: Progress) -> None:
        self.lines.append((name, progress))

    def kinds(self) -> list[str]:
        return [p.kind for _, p in self.lines]


async def connected_headset_id(client: HeadsetClient) -> str:
    async with asyncio.timeout(LIMIT):
        welcome = await client.wait_connected()
    return welcome.headset.id


@dataclass
class Playing:
    """A simulated headset on a fresh client, connected and assigned one session."""

    client: HeadsetClient
    sim: SimulatedHeadset
    progress: Recorder
    runner: asyncio.Task[list[SessionReport]]
    headset_id: str
    session: FakeSession


async def start_playing(
    make_client: ClientFactory, fake_server: FakeServer, *, speed: float, seed: int | None = None
) -> Playing:
    client = await make_client()
    progress = Recorder()
    sim = SimulatedHeadset(client, speed=speed, seed=seed, telemetry_hz=0, on_progress=progress)
    runner = asyncio.create_task(sim.run(sessions=1))
    hid = await connected_headset_id(client)
    sid = await fake_server.assign(hid)
    return Playing(client, sim, progress, runner, hid, fake_server.sessions[sid])


async def test_plays_a_whole_session(make_client: ClientFactory, fake_server: FakeServer) -> None:
    client = await make_client()
    progress = Recorder()
    sim = SimulatedHeadset(client, speed=FAST, seed=1, on_progress=progress)
    runner = asyncio.create_task(sim.run(sessions=1))
    hid = await connected_headset_id(client)
    sid = await fake_server.assign(hid)
    async with asyncio.timeout(LIMIT):
        reports = await runner
    [report] = reports
    assert report.session_id == sid
    assert report.state == "finished"
    assert report.ok
    assert report.score is not None
    assert report.max_score == fake_server.manifest.script.max_points
    session = fake_server.sessions[sid]
    assert session.machine.state == "finished"
    assert len(session.events) == report.events_sent
    steps = fake_server.manifest.script.steps
    assert report.steps_played == len(steps)
    kinds = progress.kinds()
    assert kinds[:3] == ["connected", "assigned", "loaded"]
    assert kinds.count("step") == len(steps)  # one line per step
    assert kinds[-1] == "finished"
    assert all(name == "q1" for name, _ in progress.lines)
    assert not sim.errors
    loading = fake_server.received(Loading)
    assert loading[0].progress == 0
    assert loading[-1].progress == 1
    assert len(fake_server.received(Ready)) == 1


@dataclass
class PlayedOnce:
    client: HeadsetClient
    sim: SimulatedHeadset
    report: SessionReport
    session_id: str


@asynccontextmanager
async def played_once(server: FakeServer, cache: Path) -> AsyncIterator[PlayedOnce]:
    """Start `server`, enrol a client (cache in `cache`), let a simulated headset play the one
    session the server assigns it; the client stays open inside, the server stops after."""
    await server.start()
    try:
        async with HeadsetClient(server.url, cache, backoff_initial=0.05) as client:
            await client.ensure_enrolled("123456")
            sim = SimulatedHeadset(client, speed=FAST, seed=3, telemetry_hz=0)
            runner = asyncio.create_task(sim.run_once())
            sid = await server.assign(await connected_headset_id(client))
            async with asyncio.timeout(LIMIT):
                report = await runner
            yield PlayedOnce(client, sim, report, sid)
    finally:
        await server.stop()


async def test_the_cook_scene_plays_through(tmp_path: Path) -> None:
    glb = fake_glb(200_000)
    server = FakeServer(build_manifest(cook_script(), glb), glb)
    async with played_once(server, tmp_path) as played:
        assert played.report.state == "finished"
        assert server.sessions[played.session_id].machine.state == "finished"


def sounding_server(*, served: bool) -> tuple[FakeServer, str]:
    """A fake server of a scene with one sound file (served or not), and the sound's sha256."""
    glb = fake_glb(2_000)
    ogg = b"OggS" + bytes(500)
    sha = hashlib.sha256(ogg).hexdigest()
    sound = AssetRef(sha256=sha, size=len(ogg), media_type="audio/ogg", path=f"{sha}.ogg")
    manifest = build_manifest(cook_script(), glb).model_copy(update={"sounds": [sound]})
    server = FakeServer(manifest, glb)
    if served:
        server.assets[sha] = ogg
    return server, sha


@pytest.mark.parametrize("served", [True, False])
async def test_the_scene_sounds_are_cached_and_a_missing_one_is_left_out(
    tmp_path: Path, served: bool
) -> None:
    """The headset fetches each sound file of the manifest into its cache like the model; a
    sound the server cannot give is reported and the session plays on (as in the web app)."""
    server, sha = sounding_server(served=served)
    async with played_once(server, tmp_path) as played:
        assert played.report.state == "finished"
        assert played.client.cache.has(sha) is served
    errors = played.sim.errors
    if served:
        assert not errors
    else:
        assert [e for e in errors if e.startswith(f"sound {sha}.ogg not loaded")]


async def test_a_scene_starts_from_the_cache_only_with_its_sounds(tmp_path: Path) -> None:
    """`loaded` says `cached` (the venue benchmark counts it) only when the model and every
    sound file came from the cache: a prefetched model alone is not a cached scene."""
    server, _ = sounding_server(served=True)
    await server.start()
    try:
        async with HeadsetClient(server.url, tmp_path, backoff_initial=0.05) as client:
            await client.ensure_enrolled("123456")
            glb = server.assets[server.manifest.glb.sha256]
            client.cache.put(server.manifest.glb.sha256, glb)  # the model only, as if prefetched
            loaded = []
            for _ in range(2):
                progress = Recorder()
                sim = SimulatedHeadset(
                    client, speed=FAST, seed=3, telemetry_hz=0, on_progress=progress
                )
                runner = asyncio.create_task(sim.run_once())
                await server.assign(await connected_headset_id(client))
                async with asyncio.timeout(LIMIT):
                    assert (await runner).state == "finished"
                (p,) = [p for _, p in progress.lines if p.kind == "loaded"]
                loaded.append(p.fields["cached"])
        assert loaded == [False, True]  # the sound was downloaded, then cached too
    finally:
        await server.stop()


async def test_telemetry_is_at_most_two_per_second(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    sim = SimulatedHeadset(client, speed=FAST, telemetry_hz=2)
    runner = asyncio.create_task(sim.run(sessions=1))
    await connected_headset_id(client)
    await fake_server.wait_until(lambda: len(fake_server.telemetry_times) >= 4)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    times = fake_server.telemetry_times
    assert all(b - a >= 0.45 for a, b in itertools.pairwise(times))


async def test_pause_holds_the_visitor_until_resume(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    run = await start_playing(make_client, fake_server, speed=100, seed=2)
    session, hid, progress = run.session, run.headset_id, run.progress
    await fake_server.wait_until(lambda: len(session.events) >= 3)
    await fake_server.command(hid, "pause")
    await asyncio.sleep(0.1)
    frozen = len(fake_server.received(Event))
    await asyncio.sleep(0.4)
    assert len(fake_server.received(Event)) == frozen
    assert session.machine.state == "paused"
    await fake_server.command(hid, "resume")
    async with asyncio.timeout(LIMIT):
        [report] = await run.runner
    assert report.state == "finished"
    assert "paused" in progress.kinds()
    assert "resumed" in progress.kinds()


async def test_end_stops_the_session(make_client: ClientFactory, fake_server: FakeServer) -> None:
    run = await start_playing(make_client, fake_server, speed=50, seed=2)
    await fake_server.wait_until(lambda: len(run.session.events) >= 2)
    await fake_server.command(run.headset_id, "end")
    async with asyncio.timeout(LIMIT):
        [report] = await run.runner
    assert report.state == "aborted"
    assert report.ok
    assert report.steps_played < len(fake_server.manifest.script.steps)
    assert run.session.machine.state == "aborted"


async def test_language_and_message_commands_are_shown(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    run = await start_playing(make_client, fake_server, speed=50)
    hid, progress = run.headset_id, run.progress
    await fake_server.wait_until(lambda: "step" in progress.kinds())
    await fake_server.command(hid, "language", language="th")
    await fake_server.command(hid, "message", text=LocalizedText(th="พักสักครู่", en="Take a break"))
    await fake_server.wait_until(lambda: any("พักสักครู่" in str(p) for _, p in progress.lines))
    await fake_server.command(hid, "end")
    async with asyncio.timeout(LIMIT):
        await run.runner
    assert any("language switched to th" in str(p) for _, p in progress.lines)


async def test_a_dropped_connection_mid_session_does_not_lose_events(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    run = await start_playing(make_client, fake_server, speed=200, seed=5)
    client, session = run.client, run.session
    await fake_server.wait_until(lambda: len(session.events) >= 3)
    await client.drop_connection()
    await fake_server.wait_until(lambda: len(session.events) >= 8)
    await client.drop_connection()
    async with asyncio.timeout(LIMIT):
        [report] = await run.runner
    assert report.state == "finished", report
    assert session.machine.state == "finished"
    assert len(session.events) == report.events_sent
    assert client.connections == 3
    assert run.progress.kinds().count("reconnected") == 2
    assert not run.sim.errors


async def test_a_new_process_resumes_at_the_servers_step(
    tmp_path: Path, make_client: ClientFactory, fake_server: FakeServer
) -> None:
    first = await make_client("q1")
    sim = SimulatedHeadset(first, speed=100, seed=1, telemetry_hz=0)
    runner = asyncio.create_task(sim.run(sessions=1))
    hid = await connected_headset_id(first)
    sid = await fake_server.assign(hid)
    session = fake_server.sessions[sid]
    await fake_server.wait_until(lambda: session.machine.step_index >= 2)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    await first.close()  # the app was closed in the middle of the session
    step, seq = session.machine.step_index, session.machine.next_seq
    assert session.machine.state == "running"

    second = await make_client("q1")  # same state dir: same identity and cache
    progress = Recorder()
    sim2 = SimulatedHeadset(second, speed=FAST, seed=9, telemetry_hz=0, on_progress=progress)
    async with asyncio.timeout(LIMIT):
        [report] = await sim2.run(sessions=1)
    assert report.state == "finished"
    assert report.download is not None
    assert report.download.cached
    assert report.steps_played == len(fake_server.manifest.script.steps) - step
    assert min(session.events) == 1
    assert len(session.events) == seq - 1 + report.events_sent
    assert session.machine.state == "finished"
    assigned = next(p for _, p in progress.lines if p.kind == "assigned")
    assert f"resuming at step {step + 1}" in str(assigned)
    assert len(fake_server.asset_requests) == 1  # downloaded once


async def test_a_corrupt_download_reports_load_failed(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    fake_server.corrupt_assets = True
    progress = Recorder()
    sim = SimulatedHeadset(client, speed=FAST, telemetry_hz=0, on_progress=progress)
    runner = asyncio.create_task(sim.run(sessions=1))
    sid = await fake_server.assign(await connected_headset_id(client))
    async with asyncio.timeout(LIMIT):
        [report] = await runner
    assert report.state == "load_failed"
    assert not report.ok
    assert "corrupt" in report.detail
    assert fake_server.sessions[sid].machine.state == "aborted"
    assert any(p.error for _, p in progress.lines)


async def test_several_sessions_in_a_row(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    sim = SimulatedHeadset(client, speed=FAST, seed=4, telemetry_hz=0)
    runner = asyncio.create_task(sim.run(sessions=2))
    hid = await connected_headset_id(client)
    first = await fake_server.assign(hid)
    await fake_server.wait_until(lambda: fake_server.sessions[first].result is not None)
    second = await fake_server.assign(hid)
    async with asyncio.timeout(LIMIT):
        reports = await runner
    assert [r.session_id for r in reports] == [first, second]
    assert all(r.state == "finished" for r in reports)
    assert reports[1].download is not None
    assert reports[1].download.cached


def test_speed_must_be_positive(tmp_path: Path) -> None:
    client = HeadsetClient("http://venue", tmp_path)
    with pytest.raises(ValueError, match="speed"):
        SimulatedHeadset(client, speed=0)
