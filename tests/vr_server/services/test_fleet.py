"""FleetService on the in-memory store: presence and staff updates on connect and disconnect,
last-seen times written in one batch, statuses staff may set."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.vr_server.services.support import SCENE, world
from vr_server.errors import Invalid, NotFound


async def test_connect_and_disconnect_reach_staff_and_presence(tmp_path: Path) -> None:
    w = await world(tmp_path)
    headset = await w.headset("Quest-A", online=False)
    await w.fleet.connected(headset, "conn-1", "2.1", None)
    assert (await w.fleet.view(headset.id)).online
    assert await w.fleet.online_count() == 1
    await w.fleet.disconnected(headset.id, "old-connection")  # a newer one took over: ignored
    assert await w.fleet.online_count() == 1
    await w.fleet.disconnected(headset.id, "conn-1")
    view = await w.fleet.view(headset.id)
    assert not view.online
    updates = [f["headset"] for f in w.staff_frames("headset_update")]
    assert [(u["name"], u["online"]) for u in updates] == [("Quest-A", True), ("Quest-A", False)]


async def test_last_seen_and_app_version_are_written_in_one_flush(tmp_path: Path) -> None:
    w = await world(tmp_path)
    a, b = await w.headset(online=False), await w.headset(online=False)
    before = datetime.now(UTC)
    await w.fleet.connected(a, "conn-a", "2.1", None)
    await w.fleet.connected(b, "conn-b", "", None)  # no version given: the stored one stays
    assert await w.fleet.flush_seen() == 2
    assert await w.fleet.flush_seen() == 0
    stored = {h.id: h for h in await w.store.headsets.all()}
    assert (stored[a.id].app_version, stored[b.id].app_version) == ("2.1", None)
    assert all(h.last_seen_at is not None and h.last_seen_at >= before for h in stored.values())


async def test_status_is_set_only_outside_a_session(tmp_path: Path) -> None:
    w = await world(tmp_path)
    idle, busy = await w.headset(), await w.headset()
    assert (await w.fleet.set_status(idle.id, "needs_cleaning")).status == "needs_cleaning"
    await w.sessions.assign(busy.id, SCENE)
    with pytest.raises(Invalid):
        await w.fleet.set_status(busy.id, "available")
    with pytest.raises(Invalid):
        await w.fleet.set_status(idle.id, "exploded")
    with pytest.raises(NotFound):
        await w.fleet.set_status("no-such-headset", "available")
    views = {v.id: v for v in await w.fleet.views()}
    assert views[idle.id].status == "needs_cleaning"
    assert views[busy.id].session_id is not None
    assert views[idle.id].session_id is None


async def test_a_removed_headset_leaves_the_fleet_and_its_token_stops(tmp_path: Path) -> None:
    w = await world(tmp_path)
    headset = await w.headset()
    token = next(t for t in w.store.tables.tokens.values() if t.subject_id == headset.id)
    assert await w.store.headsets.device_token(token.token_hash) is not None
    assert await w.store.headsets.remove(headset.id, datetime.now(UTC))
    assert [v.id for v in await w.fleet.views()] == []
    assert await w.store.headsets.device_token(token.token_hash) is None
    subject = await w.store.tokens.subject(token.token_hash)
    assert subject is not None
    assert (subject.token.revoked, subject.name) == (True, None)
