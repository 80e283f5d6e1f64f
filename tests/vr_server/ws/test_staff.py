"""The staff snapshot serialised in pieces (vr_server.protocol.staff.snapshot_json) is byte for byte
what one `model_dump_json` call gives, for a fleet larger than several pieces, with sessions;
and it is built on the event loop a slice per turn (vr_server.slices)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench.cluster import enroll_bulk
from vr_server.app import close_services, open_services
from vr_server.protocol import staff as wire
from vr_server.protocol.staff import Snapshot
from vr_server.services import sessions as sessions_module
from vr_server.settings import Settings
from vr_server.slices import SLICE, map_in_slices
from vr_server.ws import staff


async def test_snapshot_in_pieces_equals_one_call(tmp_path: Path, test_bundles: Path) -> None:
    services = await open_services(Settings(data_dir=tmp_path, content_dirs=[test_bundles]))
    try:
        await services.catalog.import_dirs([test_bundles])
        count = wire.PIECE * 2 + 37  # three pieces, the last one short
        await enroll_bulk(f"sqlite+aiosqlite:///{tmp_path / 'vr.sqlite3'}", count)
        headsets = await services.fleet.views()
        scene_id = (await services.catalog.summaries())[0].id
        for headset in headsets[:3]:
            await services.sessions.assign(headset.id, scene_id, "en")
        snapshot = Snapshot(
            headsets=await services.fleet.views(),
            sessions=await services.sessions.views(states=staff.ACTIVE),
            catalog=await services.catalog.summaries(),
            queue=await services.queue.view(headsets),
        )
        assert len(snapshot.headsets) == count
        assert len(snapshot.sessions) == 3
        emptied = snapshot.model_copy(update={"headsets": [], "sessions": []})
        assert emptied.model_dump_json().startswith(
            wire._SNAPSHOT_START + wire._EMPTY_LISTS
        )  # the pieces are used
        assert wire.snapshot_json(snapshot) == snapshot.model_dump_json()
        assert await wire.snapshot_json_in_slices(snapshot) == snapshot.model_dump_json()
        sent = Snapshot.model_validate_json(await staff._snapshot(services))  # what staff get
        assert (len(sent.headsets), len(sent.sessions)) == (count, 3)
    finally:
        await close_services(services)


class Turns:
    """Counts the event loop's turns: a task that goes round once per turn."""

    def __init__(self) -> None:
        self.n = 0
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Turns:
        async def spin() -> None:
            while True:
                self.n += 1
                await asyncio.sleep(0)

        self.task = asyncio.create_task(spin())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def per_turn(seen: list[tuple[int, int]]) -> Counter[int]:
    """How many calls each turn of the loop saw; every call on the loop's thread."""
    assert {thread for _, thread in seen} == {threading.get_ident()}
    return Counter(turn for turn, _ in seen)


async def test_map_in_slices_lets_the_loop_run_between_slices() -> None:
    seen: list[tuple[int, int]] = []
    async with Turns() as turns:

        def note(x: int) -> int:
            seen.append((turns.n, threading.get_ident()))
            return x

        out = await map_in_slices(note, range(1001), 250)
    assert out == list(range(1001))
    assert sorted(per_turn(seen).values()) == [1, 250, 250, 250, 250]


async def test_the_snapshot_is_built_on_the_loop_in_slices(
    tmp_path: Path, test_bundles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Views and JSON are made on the loop's thread (a worker thread would hold the
    interpreter lock the loop waits for), a slice per turn of the loop."""
    services = await open_services(Settings(data_dir=tmp_path, content_dirs=[test_bundles]))
    try:
        await services.catalog.import_dirs([test_bundles])
        await enroll_bulk(f"sqlite+aiosqlite:///{tmp_path / 'vr.sqlite3'}", 1100)
        headsets = await services.fleet.views()
        scene_id = (await services.catalog.summaries())[0].id
        for headset in headsets[:3]:
            await services.sessions.assign(headset.id, scene_id, "en")
        monkeypatch.setattr(sessions_module, "SESSION_SLICE", 1)
        views: list[tuple[int, int]] = []
        dumps: list[tuple[int, int]] = []
        sessions_seen: list[tuple[int, int]] = []
        fleet_view = services.fleet._view
        dump = wire._HEADSET_LIST.dump_json
        record_view = services.sessions._record_view

        async with Turns() as turns:

            def viewing(*args: Any) -> Any:
                views.append((turns.n, threading.get_ident()))
                return fleet_view(*args)

            def dumping(items: Any) -> bytes:
                dumps.append((turns.n, threading.get_ident()))
                return dump(items)

            async def session_viewing(record: Any) -> Any:
                sessions_seen.append((turns.n, threading.get_ident()))
                return await record_view(record)

            monkeypatch.setattr(services.fleet, "_view", viewing)
            monkeypatch.setattr(wire, "_HEADSET_LIST", SimpleNamespace(dump_json=dumping))
            monkeypatch.setattr(services.sessions, "_record_view", session_viewing)
            sent = Snapshot.model_validate_json(await staff._snapshot(services))
        assert len(sent.headsets) == 1100
        assert max(per_turn(views).values()) <= SLICE  # the fleet's views (twice: queue too)
        assert len(views) >= 1100
        assert max(per_turn(dumps).values()) == 1  # each JSON piece in a turn of its own
        assert len(dumps) == 3
        assert max(per_turn(sessions_seen).values()) == 1
        assert len(sessions_seen) == 3
    finally:
        await close_services(services)
