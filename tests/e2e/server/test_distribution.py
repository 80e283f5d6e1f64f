"""Content distribution against a real server with every scene of scenes/: idle headsets
prefetch (most used first), a waiting visitor's download goes first, prefetching pauses while a
session loads, the Wi-Fi budget holds, and hostile reports are refused without harm."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from content_tools.bundle import iter_bundles, load_bundle
from headset_client import HeadsetClient, SimulatedHeadset
from tests.support.harness import ServerProcess, running_server
from tests.support.sockets import hello_headset
from vr_server.protocol.distribution import DownloadGrant, DownloadStop

MBPS = 1_000_000 / 8


@pytest.fixture(scope="module")
def fast(scheduling_server: ServerProcess) -> ServerProcess:
    """Two slots of 40 Mbit/s: every scene prefetches in a few seconds."""
    return scheduling_server


@pytest.fixture(scope="module")
def narrow(
    tmp_path_factory: pytest.TempPathFactory, scene_library: Path
) -> Iterator[ServerProcess]:
    """One slot of 2 Mbit/s (a quarter of a megabyte a second): the library takes some 10 s
    to prefetch, a download lasts long enough to watch."""
    with running_server(
        tmp_path_factory.mktemp("narrow"), [scene_library], venue_mbps="2", headset_mbps="2"
    ) as proc:
        yield proc


def models(scene_library: Path) -> dict[str, str]:
    """scene id -> its model's sha256."""
    return {scene_id: shas[0] for scene_id, shas in scene_assets(scene_library).items()}


def scene_assets(scene_library: Path) -> dict[str, list[str]]:
    """scene id -> the sha256 of its model, then of its sound files."""
    out = {}
    for bundle in iter_bundles(scene_library):
        manifest = load_bundle(bundle)
        out[manifest.scene.id] = [a.sha256 for a in (manifest.glb, *manifest.sounds)]
    return out


@asynccontextmanager
async def headset(
    server: ServerProcess, folder: Path, name: str, *, start: bool = True, **options: Any
) -> AsyncIterator[HeadsetClient]:
    """An enrolled headset, connected unless `start` is False (a kiosk-mode simulator
    starts it itself, so as to see its first connection)."""
    client = HeadsetClient(server.url, folder / name, name=name, **options)
    await client.ensure_enrolled(server.enrollment_code())
    try:
        if start:
            await client.start()
            await asyncio.wait_for(client.wait_connected(), 10)
        yield client
    finally:
        await client.close()


async def until(check: Any, timeout: float = 30.0, every: float = 0.05) -> None:
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110 - state of clients that offer no event
            await asyncio.sleep(every)


def view(server: ServerProcess) -> dict[str, Any]:
    body: dict[str, Any] = server.api(server.staff_token(), "GET", "/api/distribution").json()
    return body


async def test_an_idle_headset_prefetches_every_scene_most_used_first(
    fast: ServerProcess, scene_library: Path, tmp_path: Path
) -> None:
    shas = models(scene_library)
    popular = sorted(shas)[-1]  # last by name: first only because it was used
    async with headset(fast, tmp_path, "player", start=False, prefetch=False) as player:
        sim = SimulatedHeadset(player, speed=400, seed=1, telemetry_hz=0, scene=popular)
        report = (await asyncio.wait_for(sim.run(sessions=1), 60))[0]
        assert report.state == "finished", report
    await asyncio.sleep(2.1)  # the catalog's picture is at most 2 s old for staff
    assert view(fast)["scenes"][0]["scene_id"] == popular

    everything = {sha for shas in scene_assets(scene_library).values() for sha in shas}
    assert len(everything) > len(shas)  # the scenes have sounds
    async with headset(fast, tmp_path, "idle") as idle:
        await until(lambda: set(idle.distribution.prefetched) == everything, timeout=60)
        prefetched = list(idle.distribution.prefetched)
        # the most used scene first, whole: its model, then its sounds
        first = scene_assets(scene_library)[popular]
        assert prefetched[: len(first)] == first
        assert len(prefetched) == len(everything)
        assert all(idle.cache.verify(sha) for sha in prefetched)
        grants = [f for _, f in idle.distribution.log if isinstance(f, DownloadGrant)]
        assert {g.purpose for g in grants} == {"prefetch"}
        # every report was taken: a refused `done` (96 of them in a few seconds) held its slot
        # until the grant expired, and the staff view showed a finished download meanwhile
        assert [f for _, f in idle.distribution.log if isinstance(f, DownloadStop)] == []
        assert len(grants) == len(everything)

        # the server hears of the last download a moment after the headset holds it
        def whole() -> list[dict[str, Any]]:
            return [c for c in view(fast)["caches"] if len(c["held"]) == len(shas)]

        await until(lambda: len(whole()) == 1, timeout=15, every=0.2)
        seen = view(fast)
        (mine,) = [c for c in seen["caches"] if len(c["held"]) == len(shas)]
        assert mine["download"] is None
        assert all(s["holders"] >= 1 for s in seen["scenes"] if s["active"])

    # an assigned scene now starts from the cache, its sounds too: nothing is downloaded
    async with headset(fast, tmp_path, "idle", start=False) as again:  # the same cache
        loaded: list[Any] = []
        sim = SimulatedHeadset(
            again,
            speed=400,
            seed=2,
            telemetry_hz=0,
            scene=popular,
            on_progress=lambda name, p: loaded.append(p.fields) if p.kind == "loaded" else None,
        )
        report = (await asyncio.wait_for(sim.run(sessions=1), 60))[0]
        assert report.download is not None
        assert report.download.cached
        assert [f["cached"] for f in loaded] == [True]


async def test_a_waiting_visitor_goes_first_and_prefetching_pauses_while_it_loads(
    narrow: ServerProcess, scene_library: Path, tmp_path: Path
) -> None:
    token = narrow.staff_token()
    async with (
        headset(narrow, tmp_path, "prefetcher") as prefetcher,
        headset(narrow, tmp_path, "visitor", prefetch=False) as visitor,
    ):
        # the one slot goes to the prefetcher (the visitor's headset reports no cache yet)
        await until(lambda: bool(prefetcher.distribution.log))
        t_first, first = prefetcher.distribution.log[0]
        assert isinstance(first, DownloadGrant)
        assert first.purpose == "prefetch"

        visitor.distribution.enabled = True  # takes part from now on, busy: no prefetching
        await visitor.distribution.report(idle=False)
        await until(lambda: visitor.distribution.scheduled)
        sim = SimulatedHeadset(visitor, speed=400, seed=3, telemetry_hz=0)
        playing = asyncio.create_task(sim.run(sessions=1))
        assert visitor.welcome is not None
        body = {
            "headset_id": visitor.welcome.headset.id,
            "scene_id": sorted(models(scene_library))[0],
        }
        assert narrow.api(token, "POST", "/api/sessions", body).status_code == 201

        await until(lambda: _session_grant(visitor) is not None)
        t_granted = _session_grant(visitor)
        assert t_granted is not None
        stops = [(t, f) for t, f in prefetcher.distribution.log if isinstance(f, DownloadStop)]
        assert stops, "the prefetch was not stopped"
        t_stop, stop = stops[0]
        # `loading` stopped the prefetch, then the request got the slot
        assert stop.reason == "session_loading"
        assert t_first < t_stop < t_granted + 0.2

        await until(lambda: _loaded(sim), timeout=60)  # the visitor's scene is ready
        t_ready = time.monotonic()
        granted_meanwhile = [
            t
            for t, f in prefetcher.distribution.log
            if isinstance(f, DownloadGrant) and t_stop < t < t_ready - 0.2
        ]
        assert granted_meanwhile == []  # no prefetching while the session loaded
        # once it is ready, prefetching resumes
        await until(
            lambda: any(
                t > t_stop for t, f in prefetcher.distribution.log if isinstance(f, DownloadGrant)
            ),
            timeout=30,
        )
        report = (await asyncio.wait_for(playing, 60))[0]
        assert report.state == "finished", report
        assert report.download is not None
        assert not report.download.cached


def _session_grant(client: HeadsetClient) -> float | None:
    for t, frame in client.distribution.log:
        if isinstance(frame, DownloadGrant) and frame.purpose == "session":
            return t
    return None


def _loaded(sim: SimulatedHeadset) -> bool:
    run = sim._run
    return run is not None and run.loaded


async def test_the_budget_holds_while_many_headsets_prefetch(
    narrow: ServerProcess, tmp_path: Path
) -> None:
    async with (
        headset(narrow, tmp_path, "b1") as b1,
        headset(narrow, tmp_path, "b2") as b2,
        headset(narrow, tmp_path, "b3") as b3,
    ):
        await until(lambda: sum(len(c.distribution.log) for c in (b1, b2, b3)) >= 1)
        before, t0 = view(narrow), time.monotonic()
        await asyncio.sleep(4)
        after, t1 = view(narrow), time.monotonic()
    rate = (after["sent_bytes"] - before["sent_bytes"]) / (t1 - t0)
    budget = after["venue_mbps"] * MBPS
    assert 0 < rate <= budget * 1.1 + 64 * 1024 / (t1 - t0), (rate, budget)
    assert after["slots"] == 1
    assert after["peak_grants"] <= after["slots"]


async def test_hostile_reports_get_clear_errors_and_break_nothing(
    fast: ServerProcess, scene_library: Path, tmp_path: Path
) -> None:
    sock, _ = await hello_headset(fast, fast.enrollment_code())
    shas = models(scene_library)
    real = sorted(shas.values())[0]

    async def answer(frame: dict[str, Any]) -> dict[str, Any]:
        await sock.send(frame)
        reply = await sock.recv()
        while reply["type"] in ("download_grant", "download_stop"):
            reply = await sock.recv()
        return reply

    garbage = await answer({"type": "cache_inventory", "held": ["not-a-sha"], "idle": True})
    assert (garbage["type"], garbage["code"]) == ("error", "invalid_message")
    too_many = await answer({"type": "cache_inventory", "held": [real] * 2001})
    assert too_many["code"] == "frame_too_large"  # 2,001 entries do not fit in 64 KiB
    unknown = await answer({"type": "cache_inventory", "held": ["f" * 64, real], "idle": False})
    assert unknown == {
        "type": "distribution",
        "scheduled": True,
        "headset_bps": int(40 * MBPS),
        "ignored": 1,
    }
    not_granted = await answer(
        {"type": "download_progress", "grant_id": "g1", "sha256": real, "done": 5, "state": "done"}
    )
    assert not_granted["code"] == "invalid_state"
    assert "no download" in not_granted["message"]
    huge = await answer(
        {
            "type": "download_progress",
            "grant_id": "g1",
            "sha256": real,
            "done": 2**41,
            "state": "downloading",
        }
    )
    assert huge["code"] == "invalid_message"
    no_session = await answer({"type": "download_request", "sha256": real, "session_id": "nope"})
    assert no_session["code"] == "not_found"
    # too many reports: refused as rate_limited, then the error budget closes the socket
    codes = []
    for _ in range(60):
        await sock.send({"type": "cache_inventory", "held": [], "idle": False})
    for _ in range(60):
        try:
            frame = await sock.recv(timeout=5)
        except Exception:
            break
        codes.append(frame.get("code"))
    assert "rate_limited" in codes
    assert await sock.closed_with() == 4429

    # nothing of it is held: the hostile headset is gone from the view, the ignored sha
    # counts for no scene, and another headset still prefetches
    seen = view(fast)
    assert all(c["held"] == [] or len(c["held"]) <= len(shas) for c in seen["caches"])
    assert "f" * 64 not in str(seen)
    async with headset(fast, tmp_path, "after-hostile") as client:
        await until(lambda: len(client.distribution.prefetched) >= 1, timeout=30)
