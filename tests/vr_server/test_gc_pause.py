"""The collector pause (vr_server/gc_pause.py) and its use by the staff snapshot: the views
of thousands of headsets are made and dropped while the cyclic collector is off, so no
collection walks them (bench/sessions.py: the stalls when a dashboard connects)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.cluster import enroll_bulk
from vr_server.app import close_services, open_services
from vr_server.gc_pause import collector_paused
from vr_server.protocol import staff as wire
from vr_server.protocol.staff import Snapshot
from vr_server.settings import Settings
from vr_server.ws import staff


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_pauses_nest_and_the_collector_runs_again_after_the_outermost() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_failing_block_still_ends_its_pause() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
async def test_the_snapshot_is_built_and_dropped_with_the_collector_paused(
    tmp_path: Path, test_bundles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = await open_services(Settings(data_dir=tmp_path, content_dirs=[test_bundles]))
    try:
        await services.catalog.import_dirs([test_bundles])
        await enroll_bulk(f"sqlite+aiosqlite:///{tmp_path / 'vr.sqlite3'}", 600)
        seen: list[bool] = []
        fleet_views = services.fleet.views
        in_slices = wire.snapshot_json_in_slices

        async def views() -> Any:
            seen.append(gc.isenabled())
            return await fleet_views()

        async def serialising(snapshot: Snapshot) -> str:
            text = await in_slices(snapshot)
            seen.append(gc.isenabled())
            return text

        monkeypatch.setattr(services.fleet, "views", views)
        monkeypatch.setattr(staff, "snapshot_json_in_slices", serialising)
        sent = Snapshot.model_validate_json(await staff._snapshot(services))
        assert len(sent.headsets) == 600
        assert seen == [False, False]  # paused while the views are made and serialised
        assert gc.isenabled()  # and running again afterwards
    finally:
        await close_services(services)
