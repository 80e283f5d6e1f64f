"""DistributionService on the in-memory store: what headsets report, the grants it publishes
on their channels, the checks of a visitor's request, report flooding, the shaper and the view
staff read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.vr_server.services.support import SCENE, World, manifest, world
from vr_server.bus.base import Subscription
from vr_server.bus.channels import parse_channel_message
from vr_server.errors import NotAllowed, NotFound, TooManyRequests, WrongSession
from vr_server.protocol.distribution import (
    CacheInventory,
    DistributionStatus,
    DownloadProgress,
    DownloadRequest,
)
from vr_server.services.distribution import DistributionService

GLB = "0" * 64  # the test scene's model (support.manifest)


def service(w: World, venue_mbps: float = 8, link_sim_mbps: float = 0) -> DistributionService:
    return DistributionService(
        w.store,
        w.sessions.catalog,
        w.bus,
        venue_mbps=venue_mbps,
        headset_mbps=8,
        link_sim_mbps=link_sim_mbps,
        clock=w.clock,
    )


def frames(sub: Subscription) -> list[dict[str, Any]]:
    out = []
    while not sub.queue.empty():
        kind, body = parse_channel_message(sub.queue.get_nowait())
        if kind == "frame":
            out.append(json.loads(body))
    return out


async def test_an_idle_headset_is_granted_the_model_and_staff_see_it_arrive(tmp_path: Path) -> None:
    w = await world(tmp_path)
    dist = service(w)
    h = await w.headset()
    sub = w.listen(h.id)
    status = await dist.inventory(h.id, "c1", CacheInventory(held=["f" * 64], idle=True))
    assert status == DistributionStatus(scheduled=True, headset_bps=1_000_000, ignored=1)
    (grant,) = frames(sub)
    assert (grant["type"], grant["sha256"], grant["purpose"]) == ("download_grant", GLB, "prefetch")
    view = await dist.view()
    assert (view.slots, view.headsets) == (1, 1)
    (cache,) = view.caches
    assert cache.download is not None
    assert (cache.download.scene_id, cache.download.purpose) == (SCENE, "prefetch")
    assert [(s.scene_id, s.holders) for s in view.scenes] == [(SCENE, 0)]

    done = DownloadProgress(grant_id=grant["grant_id"], sha256=GLB, done=1, state="done")
    await dist.progress(h.id, done)
    view = await dist.view()
    assert [(s.scene_id, s.version, s.holders) for s in view.scenes] == [(SCENE, "1.0.0", 1)]
    assert view.caches[0].held[0].scene_id == SCENE
    assert view.caches[0].download is None


async def test_a_scene_is_cached_only_with_its_sounds_and_they_are_prefetched_too(
    tmp_path: Path,
) -> None:
    w = await world(tmp_path)
    sound, old_sound = "5" * 64, "6" * 64
    for version, sounds, active in (("1.1.0", (sound,), True), ("1.0.1", (old_sound,), False)):
        text = manifest(SCENE, version, sounds=sounds)
        digest = hashlib.sha256(text.encode()).hexdigest()
        assert await w.store.content.put_version(SCENE, version, text, digest, active)
    dist = service(w)
    h = await w.headset()
    sub = w.listen(h.id)
    # the model (every version's) and the old version's sound: 1.0.0 (no sounds) and 1.0.1
    # are whole, the active 1.1.0 is not
    status = await dist.inventory(h.id, "c1", CacheInventory(held=[GLB, old_sound], idle=True))
    assert status.ignored == 0  # a sound file is a known asset
    (grant,) = frames(sub)
    assert (grant["sha256"], grant["size"], grant["purpose"]) == (sound, 2, "prefetch")
    view = await dist.view()
    assert [(s.version, s.holders) for s in view.scenes] == [
        ("1.1.0", 0),
        ("1.0.0", 1),
        ("1.0.1", 1),
    ]
    download = view.caches[0].download
    assert download is not None
    assert (download.scene_id, download.version, download.asset) == (SCENE, "1.1.0", "sound")
    assert [h.version for h in view.caches[0].held] == ["1.0.0", "1.0.1"]

    done = DownloadProgress(grant_id=grant["grant_id"], sha256=sound, done=2, state="done")
    await dist.progress(h.id, done)
    assert frames(sub) == []  # nothing more to prefetch
    view = await dist.view()
    assert (view.scenes[0].version, view.scenes[0].holders) == ("1.1.0", 1)
    assert [h.version for h in view.caches[0].held] == ["1.0.0", "1.0.1", "1.1.0"]


async def test_a_visitors_request_is_checked_against_the_session(tmp_path: Path) -> None:
    w = await world(tmp_path)
    dist = service(w)
    headset, session = await w.assigned()
    other = await w.headset()
    sub = w.listen(headset.id)
    await dist.inventory(headset.id, "c1", CacheInventory(held=[], idle=False))
    with pytest.raises(WrongSession):
        await dist.request(other.id, DownloadRequest(sha256=GLB, session_id=session.id))
    with pytest.raises(NotFound, match="not the model"):
        await dist.request(headset.id, DownloadRequest(sha256="a" * 64, session_id=session.id))
    with pytest.raises(NotFound, match="no session"):
        await dist.request(headset.id, DownloadRequest(sha256=GLB, session_id="nope"))
    assert frames(sub) == []  # nothing granted for refused requests
    await dist.request(headset.id, DownloadRequest(sha256=GLB, session_id=session.id))
    (grant,) = frames(sub)
    assert (grant["purpose"], grant["size"]) == ("session", 1)
    shaper = dist.shaper(headset.id, GLB, grant["grant_id"])
    assert shaper is not None
    assert shaper[0] == [dist.visitors]  # the budget, shared by the visitors' downloads


async def test_scheduling_off_answers_so_and_grants_nothing(tmp_path: Path) -> None:
    w = await world(tmp_path)
    dist = service(w, venue_mbps=0)
    headset, session = await w.assigned()
    sub = w.listen(headset.id)
    status = await dist.inventory(headset.id, "c1", CacheInventory(held=[GLB], idle=True))
    assert status == DistributionStatus(scheduled=False, headset_bps=0)
    with pytest.raises(NotAllowed):
        await dist.request(headset.id, DownloadRequest(sha256=GLB, session_id=session.id))
    assert frames(sub) == []
    assert dist.shaper(headset.id, GLB, "g1") is None  # sent as before


async def test_too_many_reports_are_refused(tmp_path: Path) -> None:
    w = await world(tmp_path)
    dist = service(w)
    h = await w.headset()
    report = CacheInventory(held=[], idle=False)
    for _ in range(30):
        await dist.inventory(h.id, "c1", report)
    with pytest.raises(TooManyRequests):
        await dist.inventory(h.id, "c1", report)
    w.clock.advance(1.0)  # ten more a second
    await dist.inventory(h.id, "c1", report)


async def test_a_report_that_ends_a_grant_is_never_refused_as_too_many(tmp_path: Path) -> None:
    # A headset prefetching small sound files ends dozens of grants a second; refusing one
    # held its slot (and the staff view's "done" download) until the grant expired.
    w = await world(tmp_path)
    dist = service(w)
    h = await w.headset()
    sub = w.listen(h.id)
    report = CacheInventory(held=[], idle=True)
    for _ in range(30):
        await dist.inventory(h.id, "c1", report)
    (grant,) = frames(sub)
    gid = grant["grant_id"]

    def progress(grant_id: str, state: str) -> DownloadProgress:
        return DownloadProgress.model_validate(
            {"grant_id": grant_id, "sha256": GLB, "done": 0, "state": state}
        )

    with pytest.raises(TooManyRequests):  # progress is still counted
        await dist.progress(h.id, progress(gid, "downloading"))
    with pytest.raises(TooManyRequests):  # so is a report naming no grant of this headset
        await dist.progress(h.id, progress("g99", "done"))
    await dist.progress(h.id, progress(gid, "done"))
    view = await dist.view()
    (cache,) = view.caches
    assert [s.scene_id for s in cache.held] == [SCENE]
    assert cache.download is None


async def test_the_shaper_follows_the_grant_and_the_simulated_link(tmp_path: Path) -> None:
    w = await world(tmp_path)
    dist = service(w, link_sim_mbps=100)
    h = await w.headset()
    other = await w.headset()
    sub = w.listen(h.id)
    await dist.inventory(h.id, "c1", CacheInventory(held=[], idle=True))
    (grant,) = frames(sub)
    granted = dist.shaper(h.id, GLB, grant["grant_id"])
    assert granted is not None
    buckets, sent = granted
    assert [b.rate for b in buckets] == [1_000_000, 12_500_000]  # the grant's, the link's
    sent(1000)
    assert (dist.sent_bytes, dist.link_bytes) == (1000, 1000)
    stolen = dist.shaper(other.id, GLB, grant["grant_id"])  # another headset's grant
    assert stolen is not None
    assert [b.rate for b in stolen[0]] == [12_500_000]  # the link only
    stolen[1](10)
    assert (dist.sent_bytes, dist.link_bytes) == (1000, 1010)


async def test_a_replaced_connections_close_keeps_the_headset(tmp_path: Path) -> None:
    w = await world(tmp_path)
    dist = service(w)
    h = await w.headset()
    await dist.inventory(h.id, "old", CacheInventory(held=[], idle=False))
    await dist.inventory(h.id, "new", CacheInventory(held=[GLB], idle=False))
    await dist.disconnected(h.id, "old")
    assert (await dist.view()).headsets == 1
    await dist.disconnected(h.id, "new")
    assert (await dist.view()).headsets == 0
