"""HeadsetClient against the fake server: enrollment, hello, events, reconnects, downloads."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest

from content_tools.format import BundleManifest
from headset_client.cache import AssetCache
from headset_client.client import HeadsetClient
from headset_client.errors import (
    AuthRejected,
    EnrollmentRefused,
    IntegrityError,
    NoActiveSession,
    NotEnrolled,
    ProtocolMismatch,
    ServerUnreachable,
)
from headset_client.identity import load_identity
from headset_client.notices import (
    Connected,
    Disconnected,
    EventRejected,
    SessionLost,
)
from headset_client.playbook import session_events
from tests.headset_client.conftest import ClientFactory
from tests.headset_client.fake_server import FakeServer
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.events import CallStaff, SessionEvent, StepStarted
from vr_server.protocol.headset import Assignment, Command, CommandAck, Event, Ping, Result

LIMIT = 10.0


async def test_enroll_saves_identity_and_reruns_reuse_it(
    tmp_path: Path, fake_server: FakeServer
) -> None:
    async with HeadsetClient(fake_server.url, tmp_path, name="Quest A") as client:
        identity = await client.enroll("123456")
    assert identity.name == "Quest A"
    assert identity.server == fake_server.url
    saved = load_identity(tmp_path)
    assert saved == identity
    assert (tmp_path / "identity.json").stat().st_mode & 0o777 == 0o600
    async with HeadsetClient(fake_server.url, tmp_path) as again:
        assert await again.ensure_enrolled() == identity  # no code needed
        assert await again.ensure_enrolled("123456") == identity  # not enrolled twice
    assert len(fake_server.devices) == 1


async def test_enroll_with_a_bad_code_is_refused(tmp_path: Path, fake_server: FakeServer) -> None:
    async with HeadsetClient(fake_server.url, tmp_path) as client:
        with pytest.raises(EnrollmentRefused, match=r"enrollment code refused \(HTTP 401\)"):
            await client.enroll("000000")
        with pytest.raises(NotEnrolled, match="enrollment code"):
            await client.ensure_enrolled()
    assert load_identity(tmp_path) is None


async def test_unreachable_server_is_reported(tmp_path: Path) -> None:
    async with HeadsetClient("http://127.0.0.1:9", tmp_path) as client:
        with pytest.raises(ServerUnreachable, match=r"cannot reach server at http://127.0.0.1:9"):
            await client.enroll("123456")


async def test_enroll_over_a_mock_transport(tmp_path: Path) -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"headset_id": "h1", "name": "Q", "device_token": "t"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = HeadsetClient("http://venue", tmp_path / "q", http=http, device_id="quest-1")
        identity = await client.enroll("c0de", name="Q")
        await client.close()
    assert seen == [{"code": "c0de", "device_id": "quest-1", "name": "Q"}]
    assert identity.token == "t"


async def test_hello_carries_identity_and_cached_hashes(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    client.cache.put(hashlib.sha256(b"old scene").hexdigest(), b"old scene")
    async with client.subscribe() as inbox, asyncio.timeout(LIMIT):
        await client.start()
        connected = await inbox.next(Connected)
    assert not connected.reconnect
    hello = fake_server.hellos[-1]
    assert client.identity is not None
    assert hello.protocol == PROTOCOL_VERSION
    assert hello.device_id == client.identity.device_id
    assert hello.device_token == client.identity.token
    assert hello.cached == [hashlib.sha256(b"old scene").hexdigest()]
    assert client.name == "q1"


async def test_heartbeat_pings_and_measures_rtt(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    await client.start()
    await fake_server.wait_until(lambda: len(fake_server.received(Ping)) >= 2)
    await fake_server.wait_until(lambda: client.last_rtt is not None)


async def test_events_are_numbered_and_acknowledged(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    with pytest.raises(NoActiveSession):
        await client.send_event(CallStaff())
    async with client.subscribe() as inbox, asyncio.timeout(LIMIT):
        await client.start()
        await client.wait_connected()
        hid = client.welcome.headset.id if client.welcome else ""
        sid = await fake_server.assign(hid)
        assignment = await inbox.next(Assignment)
        assert assignment.session_id == sid
        assert client.session_id == sid
        await client.send_ready(sid)
        start = await inbox.next(Command)
        assert start.command == "start"
        with pytest.raises(NoActiveSession, match="other"):
            await client.send_event(StepStarted(step_id="intro"), session_id="other")
        frames = [
            await client.send_event(StepStarted(step_id="intro"), session_id=sid) for _ in range(3)
        ]
        assert [f.seq for f in frames] == [1, 2, 3]
        await client.wait_acked()
    assert client.pending_events == ()
    assert [e["kind"] for e in fake_server.events_of(sid)] == ["step_started"] * 3
    assert fake_server.command_acks == [start.command_id]
    assert len(client.command_latencies) == 1
    assert 0 <= client.command_latencies[0] < 5


async def send_all(client: HeadsetClient, bodies: Iterable[SessionEvent]) -> None:
    for body in bodies:
        await client.send_event(body)


async def play_until_connected(client: HeadsetClient, fake_server: FakeServer) -> str:
    """Start the client, assign a session, become ready; returns the session id."""
    async with client.subscribe() as inbox:
        await client.start()
        await client.wait_connected()
        assert client.welcome is not None
        sid = await fake_server.assign(client.welcome.headset.id)
        await inbox.next(Assignment)
        await client.send_ready(sid)
        await inbox.next(Command)
    return sid


async def playing(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest, seed: int
) -> tuple[HeadsetClient, list[SessionEvent], str]:
    """A new client playing an assigned session (play_until_connected), the events of a random
    visitor (`seed`) through the script, and the session id."""
    client = await make_client()
    async with asyncio.timeout(LIMIT):
        sid = await play_until_connected(client, fake_server)
    return client, session_events(manifest.script, random.Random(seed)), sid


async def test_unacked_events_are_resent_after_an_abrupt_drop(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest
) -> None:
    client, bodies, sid = await playing(make_client, fake_server, manifest, seed=0)
    async with asyncio.timeout(LIMIT):
        half = len(bodies) // 2
        await send_all(client, bodies[:3])
        await client.wait_acked()
        # the server stores the next events but its acks are lost, then the line drops
        fake_server.mute_acks = True
        await send_all(client, bodies[3:half])
        await fake_server.wait_until(lambda: len(fake_server.events_of(sid)) == half)
        assert len(client.pending_events) == half - 3
        async with client.subscribe() as inbox:
            await client.drop_connection()
            fake_server.mute_acks = False
            fake_server.swallow_events = True  # events sent meanwhile are lost too
            disconnected = await inbox.next(Disconnected)
            assert disconnected.code == 1006
            assert disconnected.will_retry
            await send_all(client, bodies[half : half + 2])  # buffered while offline
            fake_server.swallow_events = False
            reconnected = await inbox.next(Connected)
            assert reconnected.reconnect
            resumed = await inbox.next(Assignment)
            assert resumed.resume.state == "running"
            assert resumed.resume.next_seq == half + 1
        await send_all(client, bodies[half + 2 :])
        await client.wait_acked()
        await fake_server.wait_until(lambda: fake_server.sessions[sid].result is not None)
    stored = fake_server.events_of(sid)
    assert stored == [b.model_dump(mode="json") for b in bodies]
    assert fake_server.sessions[sid].machine.state == "finished"
    assert client.connections == 2
    assert client.session_id is None  # the result ended it


async def test_events_sent_while_the_server_swallowed_them_are_resent(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest
) -> None:
    client, bodies, sid = await playing(make_client, fake_server, manifest, seed=2)
    async with asyncio.timeout(LIMIT):
        fake_server.swallow_events = True
        await send_all(client, bodies[:4])
        await fake_server.wait_until(lambda: len(fake_server.received(Event)) == 4)
        assert fake_server.events_of(sid) == []
        fake_server.swallow_events = False
        # the server closes the socket itself (e.g. it restarted)
        await fake_server.kick(client.welcome.headset.id if client.welcome else "", 1012)
        await client.wait_acked()
    assert fake_server.events_of(sid) == [b.model_dump(mode="json") for b in bodies[:4]]


async def test_a_session_that_ended_while_away_is_reported_lost(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    async with asyncio.timeout(LIMIT):
        sid = await play_until_connected(client, fake_server)
        hid = client.welcome.headset.id if client.welcome else ""
        async with client.subscribe() as inbox:
            fake_server.swallow_events = True
            await client.send_event(StepStarted(step_id="intro"))
            await client.drop_connection()
            # staff ended the session meanwhile (the headset was offline)
            fake_server.sockets.pop(hid, None)
            await fake_server.command(hid, "end")
            fake_server.swallow_events = False
            lost = await inbox.next(SessionLost)
    assert lost.session_id == sid
    assert lost.dropped == 1
    assert client.session_id is None
    assert client.pending_events == ()


async def test_an_invalid_event_is_reported_and_the_stream_goes_on(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    async with asyncio.timeout(LIMIT), client.subscribe() as inbox:
        sid = await play_until_connected(client, fake_server)
        await client.send_event(StepStarted(step_id="no-such-step"))
        good = await client.send_event(StepStarted(step_id="intro"))
        assert good.seq == 2
        rejected = await inbox.next(EventRejected)
        await client.wait_acked()
    assert rejected.event.seq == 1
    assert rejected.code == "invalid_event"
    assert fake_server.events_of(sid) == [{"kind": "step_started", "step_id": "intro"}]


async def test_commands_are_acknowledged_with_latency(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    async with asyncio.timeout(LIMIT), client.subscribe() as inbox:
        await play_until_connected(client, fake_server)
        hid = client.welcome.headset.id if client.welcome else ""
        sent = [await fake_server.command(hid, name) for name in ("pause", "resume", "recenter")]
        got = [await inbox.next(Command, where=lambda c: c.command != "start") for _ in sent]
        await fake_server.wait_until(lambda: len(fake_server.command_acks) == 4)
    assert [c.command for c in got] == ["pause", "resume", "recenter"]
    assert fake_server.command_acks[1:] == [c.command_id for c in sent]
    assert len(client.command_latencies) == 4
    assert all(0 <= x < 5 for x in client.command_latencies)
    assert len(fake_server.received(CommandAck)) == 4


async def test_refused_token_stops_the_client(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    fake_server.devices.clear()  # the server forgot the headset
    await client.start()
    with pytest.raises(AuthRejected, match="4401"):
        async with asyncio.timeout(LIMIT):
            await client.wait_connected()
    await asyncio.sleep(0.3)
    assert len(fake_server.hellos) == 1  # no retry


async def test_protocol_mismatch_stops_the_client(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    fake_server.protocol = PROTOCOL_VERSION + 1
    await client.start()
    with pytest.raises(ProtocolMismatch, match="4426"):
        async with asyncio.timeout(LIMIT):
            await client.wait_connected()


async def test_reconnects_with_backoff_until_the_server_is_back(
    make_client: ClientFactory, fake_server: FakeServer
) -> None:
    client = await make_client()
    fake_server.close_after_hello = 1011
    await client.start()
    await fake_server.wait_until(lambda: len(fake_server.hellos) >= 3)
    assert not client.connected
    fake_server.close_after_hello = None
    async with asyncio.timeout(LIMIT):
        await client.wait_connected()


async def test_close_is_clean_and_idempotent(make_client: ClientFactory) -> None:
    client = await make_client()
    await client.start()
    async with asyncio.timeout(LIMIT):
        await client.wait_connected()
    await client.close()
    assert not client.connected
    await client.close()


async def test_download_verifies_and_caches(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest, glb: bytes
) -> None:
    client = await make_client()
    progress: list[tuple[int, int | None]] = []

    async def on_progress(done: int, total: int | None) -> None:
        progress.append((done, total))

    first = await client.download(manifest.glb, on_progress=on_progress)
    assert not first.cached
    assert first.downloaded_bytes == len(glb)
    assert first.path.read_bytes() == glb
    assert progress[-1] == (len(glb), len(glb))
    assert fake_server.asset_requests[0]["authorization"].startswith("Bearer ")
    again = await client.download(manifest.glb)
    assert again.cached
    assert again.downloaded_bytes == 0
    assert len(fake_server.asset_requests) == 1


async def test_download_refuses_corrupt_bytes(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest
) -> None:
    client = await make_client()
    fake_server.corrupt_assets = True
    with pytest.raises(IntegrityError, match="corrupt"):
        await client.download(manifest.glb)
    assert not client.cache.has(manifest.glb.sha256)


async def test_an_interrupted_download_resumes_with_range(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest, glb: bytes
) -> None:
    client = await make_client()
    fake_server.cut_asset_after = 600_000
    result = await client.download(manifest.glb)
    assert result.path.read_bytes() == glb
    ranges = [r.get("range") for r in fake_server.asset_requests]
    assert ranges[0] is None
    assert ranges[1] is not None
    assert ranges[1].startswith("bytes=")
    assert int(ranges[1][6:-1]) > 0


async def test_download_needs_a_valid_token(
    tmp_path: Path, fake_server: FakeServer, manifest: BundleManifest
) -> None:
    async with HeadsetClient(fake_server.url, tmp_path, backoff_initial=0.01) as client:
        await client.enroll("123456")
        fake_server.devices.clear()
        with pytest.raises(AuthRejected, match="401"):
            await client.download(manifest.glb)


async def test_the_result_ends_the_session(
    make_client: ClientFactory, fake_server: FakeServer, manifest: BundleManifest
) -> None:
    client = await make_client()
    async with asyncio.timeout(LIMIT), client.subscribe() as inbox:
        sid = await play_until_connected(client, fake_server)
        await send_all(client, session_events(manifest.script, random.Random(4)))
        result = await inbox.next(Result)
    assert result.session_id == sid
    assert result.state == "finished"
    assert result.result is not None
    assert result.result.max_score > 0
    assert client.assignment is None
    assert client.session_id is None


def test_cache_is_kept_in_the_state_dir(tmp_path: Path) -> None:
    client = HeadsetClient("http://venue", tmp_path)
    assert isinstance(client.cache, AssetCache)
    assert client.cache.root == tmp_path / "cache"
