"""The headset's side of content distribution (headset_client/distribution.py), with a fake
downloader and a list for the frames sent."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from content_tools.format import AssetRef
from headset_client.cache import AssetCache
from headset_client.distribution import Distribution
from headset_client.downloads import DownloadResult, ProgressHook
from vr_server.protocol.distribution import (
    CacheInventory,
    DistributionStatus,
    DownloadGrant,
    DownloadProgress,
    DownloadRequest,
    DownloadStop,
)

A = "a" * 64
ASSET = AssetRef(sha256=A, size=1000, media_type="model/gltf-binary", path="scene.glb")


class FakeDownloads:
    def __init__(self, cache: AssetCache, hold: asyncio.Event | None = None) -> None:
        self.cache = cache
        self.calls: list[str | None] = []
        self.hold = hold

    async def download(
        self,
        asset: AssetRef | str,
        *,
        token: str | None,
        on_progress: ProgressHook | None = None,
        grant: str | None = None,
    ) -> DownloadResult:
        self.calls.append(grant)
        if on_progress is not None:
            await on_progress(500, 1000)
        if self.hold is not None:
            await self.hold.wait()
        return DownloadResult(A, self.cache.path(A), False, 1000, 0.1)


def make(
    tmp_path: Path, hold: asyncio.Event | None = None, **options: Any
) -> tuple[Distribution, list[Any], FakeDownloads]:
    sent: list[Any] = []

    async def send(frame: Any) -> bool:
        sent.append(frame)
        return True

    cache = AssetCache(tmp_path / "cache")
    downloads = FakeDownloads(cache, hold)
    dist = Distribution(send, downloads, cache, lambda: "token", **options)  # type: ignore[arg-type]
    return dist, sent, downloads


def grant(purpose: str, grant_id: str = "g1") -> DownloadGrant:
    return DownloadGrant.model_validate(
        {
            "grant_id": grant_id,
            "sha256": A,
            "size": 1000,
            "purpose": purpose,
            "rate_bps": 10,
            "expires_s": 15,
        }
    )


async def test_the_inventory_is_the_cache_and_an_old_client_sends_none(tmp_path: Path) -> None:
    dist, sent, _ = make(tmp_path)
    await dist.report(idle=True)
    assert sent == [CacheInventory(held=[], idle=True)]
    old, old_sent, _ = make(tmp_path / "old", enabled=False)
    await old.report(idle=True)
    assert old_sent == []


async def test_without_scheduling_a_session_downloads_at_once(tmp_path: Path) -> None:
    dist, sent, downloads = make(tmp_path)
    await dist.on_frame(DistributionStatus(scheduled=False, headset_bps=0))
    await dist.fetch_for_session(ASSET, "s1")
    assert downloads.calls == [None]
    assert sent == []


async def test_a_session_waits_for_its_grant_and_reports_done(tmp_path: Path) -> None:
    dist, sent, downloads = make(tmp_path)
    await dist.on_frame(DistributionStatus(scheduled=True, headset_bps=10))
    fetching = asyncio.create_task(dist.fetch_for_session(ASSET, "s1"))
    await asyncio.sleep(0.01)
    assert sent == [DownloadRequest(sha256=A, session_id="s1")]
    assert downloads.calls == []  # not before the grant
    await dist.on_frame(grant("session"))
    await fetching
    assert downloads.calls == ["g1"]
    assert [f.state for f in sent if isinstance(f, DownloadProgress)] == ["downloading", "done"]


async def test_no_grant_in_time_downloads_without_one(tmp_path: Path) -> None:
    dist, _, downloads = make(tmp_path, grant_wait_s=0.01)
    await dist.on_frame(DistributionStatus(scheduled=True, headset_bps=10))
    await dist.fetch_for_session(ASSET, "s1")
    assert downloads.calls == [None]


async def test_a_prefetch_runs_on_its_grant_and_a_stop_ends_it_quietly(tmp_path: Path) -> None:
    hold = asyncio.Event()
    dist, sent, downloads = make(tmp_path, hold)
    await dist.on_frame(DistributionStatus(scheduled=True, headset_bps=10))
    await dist.on_frame(grant("prefetch"))
    await asyncio.sleep(0.01)
    assert downloads.calls == ["g1"]
    await dist.on_frame(DownloadStop(grant_id="g1", sha256=A, reason="session_loading"))
    assert [f.state for f in sent if isinstance(f, DownloadProgress)] == ["downloading"]
    assert dist.prefetched == []
    hold.set()
    await dist.on_frame(grant("prefetch", "g2"))
    await asyncio.sleep(0.01)
    assert dist.prefetched == [A]
    assert [f.state for f in sent if isinstance(f, DownloadProgress)][-1] == "done"
    assert [type(f).__name__ for _, f in dist.log] == [
        "DownloadGrant",
        "DownloadStop",
        "DownloadGrant",
    ]
