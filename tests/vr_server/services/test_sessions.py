"""SessionService on the in-memory store: assigning, the one write path for headset events
(stored once, acknowledged after the write, a stale read re-decided), the session's end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.vr_server.services.support import SCENE, World, world
from vr_server.bus.channels import parse_channel_message
from vr_server.errors import Conflict, InvalidState, NotFound, ServerError
from vr_server.storage.sessions import StaleSession


async def test_assign_stores_the_session_and_sends_the_headset_its_assignment(
    tmp_path: Path,
) -> None:
    w = await world(tmp_path)
    headset = await w.headset("Quest-A")
    inbox = w.listen(headset.id)
    view = await w.sessions.assign(headset.id, SCENE, "en", autostart=True)
    stored = await w.store.sessions.get(view.id)
    assert stored is not None
    assert (stored.headset_id, stored.scene_id, stored.state, stored.row_version) == (
        headset.id,
        SCENE,
        "assigned",
        1,
    )
    assert [t.new_state for t in await w.store.sessions.transitions(view.id)] == ["assigned"]
    assert await w.store.sessions.live_for_headset(headset.id) == stored
    kind, frame = parse_channel_message(inbox.queue.get_nowait())
    sent = json.loads(frame)
    assert kind == "frame"
    assert (sent["type"], sent["session_id"]) == ("assignment", view.id)
    assert [f["session"]["id"] for f in w.staff_frames("session_update")] == [view.id]


async def refusal(
    w: World, headset_id: str, scene_id: str = SCENE
) -> tuple[type[ServerError], str | None, dict[str, str]]:
    """How `assign` refuses: the error's class, its reason and its params."""
    with pytest.raises(ServerError) as refused:
        await w.sessions.assign(headset_id, scene_id)
    return type(refused.value), refused.value.reason, refused.value.params


async def test_a_headset_gets_one_session_at_a_time_and_only_when_available(
    tmp_path: Path,
) -> None:
    """Each refusal a kiosk visitor can meet carries a reason and params for the app's text."""
    w = await world(tmp_path)
    busy, cleaning = await w.headset("Quest-B"), await w.headset("Quest-04")
    charging = await w.headset("Quest-C")
    await w.sessions.assign(busy.id, SCENE)
    assert await refusal(w, busy.id) == (Conflict, "headset_busy", {"headset": "Quest-B"})
    await w.store.headsets.update(cleaning.id, status="needs_cleaning")
    assert await refusal(w, cleaning.id) == (
        InvalidState,
        "headset_needs_cleaning",
        {"headset": "Quest-04"},
    )
    await w.store.headsets.update(charging.id, status="charging")
    assert await refusal(w, charging.id) == (
        InvalidState,
        "headset_charging",
        {"headset": "Quest-C"},
    )
    await w.store.headsets.update(charging.id, status="available")
    assert await refusal(w, charging.id, "no-such-scene") == (
        NotFound,
        "scene_unavailable",
        {"scene_id": "no-such-scene"},
    )
    with pytest.raises(NotFound):
        await w.sessions.assign("no-such-headset", SCENE)
    assert len(await w.store.sessions.find()) == 1


async def test_events_are_stored_once_and_the_end_marks_the_headset_for_cleaning(
    tmp_path: Path,
) -> None:
    w = await world(tmp_path)
    headset, view = await w.assigned()
    await w.start(headset.id, view.id)
    assert await w.play(headset.id, view.id, upto=3) == 3
    await w.play(headset.id, view.id, upto=2)  # a reconnect sends two again: duplicates
    assert [e.seq for e in await w.store.sessions.events(view.id)] == [1, 2, 3]
    total = await w.play(headset.id, view.id)
    record = await w.store.sessions.get(view.id)
    assert record is not None
    assert [e.seq for e in await w.store.sessions.events(view.id)] == list(range(1, total + 1))
    assert record.state == "finished"
    assert record.result is not None
    assert await w.store.sessions.live_for_headset(headset.id) is None
    stored_headset = await w.store.headsets.get(headset.id)
    assert stored_headset is not None
    assert stored_headset.status == "needs_cleaning"
    states = [t.new_state for t in await w.store.sessions.transitions(view.id)]
    assert states == ["assigned", "loading", "ready", "running", "finished"]


async def test_a_write_that_lost_the_race_is_decided_again_on_a_fresh_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another instance wrote the session between this one's read and write (StaleSession):
    the input is applied again to what is stored now, never to the stale copy."""
    w = await world(tmp_path)
    headset, view = await w.assigned()
    await w.start(headset.id, view.id)
    real_save = w.store.sessions.save
    expected: list[int] = []

    async def save_racing_another_writer(record, **write):
        expected.append(write["expected_version"])
        if len(expected) == 1:  # the other instance writes the row first
            stored = await w.store.sessions.get(record.id)
            assert stored is not None
            other = replace(stored, row_version=stored.row_version + 1)
            await real_save(other, expected_version=stored.row_version)
            raise StaleSession(record.id)
        await real_save(record, **write)

    monkeypatch.setattr(w.store.sessions, "save", save_racing_another_writer)
    await w.play(headset.id, view.id, upto=1)
    record = await w.store.sessions.get(view.id)
    assert record is not None
    assert expected == [expected[0], expected[0] + 1]  # the second try read the other's write
    assert record.row_version == expected[0] + 2
    assert [e.seq for e in await w.store.sessions.events(view.id)] == [1]


async def test_the_memory_store_refuses_a_stale_version_and_a_taken_seq(
    tmp_path: Path,
) -> None:
    """What the write path relies on, kept by the fake as by SQL."""
    w = await world(tmp_path)
    _headset, view = await w.assigned()
    record = await w.store.sessions.get(view.id)
    assert record is not None
    with pytest.raises(StaleSession):
        await w.store.sessions.save(record, expected_version=7)
    assert await w.store.sessions.get(view.id) == record
