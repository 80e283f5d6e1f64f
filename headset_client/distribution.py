"""The headset's side of content distribution (docs/protocol.md §4, "Content distribution").

After `welcome` the headset reports what its cache holds (`cache_inventory`, with whether it
is idle in the lobby). If the server schedules downloads, it then:

* prefetches what the server grants while idle (`download_grant` of purpose `prefetch`: a
  scene's model or one of its sound files, since a scene is cached only with both), into the
  verified cache, reporting `download_progress` at most every `progress_every_s`, and stops
  when told (`download_stop`: what arrived is kept, a later grant resumes it);
* for a session whose model is not cached, stops its prefetching, asks (`download_request`)
  and waits for the grant, at most `grant_wait_s`, then downloads with or without it.

If the server does not schedule (or never answers), downloads happen as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from content_tools.format import AssetRef
from headset_client.cache import AssetCache
from headset_client.downloads import AssetDownloader, DownloadResult, ProgressHook
from vr_server.protocol import distribution as frames
from vr_server.protocol.distribution import DistributionStatus, DownloadGrant, DownloadStop
from vr_server.protocol.headset import HeadsetMessage

Sender = Callable[[HeadsetMessage], Awaitable[bool]]
DistributionFrame = DistributionStatus | DownloadGrant | DownloadStop


class Distribution:
    def __init__(
        self,
        send: Sender,
        downloads: AssetDownloader,
        cache: AssetCache,
        token: Callable[[], str | None],
        *,
        enabled: bool = True,
        grant_wait_s: float = 20.0,
        progress_every_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._downloads = downloads
        self._cache = cache
        self._token = token
        self.enabled = enabled
        """Take part (send `cache_inventory`); False: an older client's behaviour."""
        self.grant_wait_s = grant_wait_s
        self.progress_every_s = progress_every_s
        self._clock = clock
        self.scheduled = False
        """The server said it schedules downloads (reset on every connection)."""
        self._prefetching: dict[str, asyncio.Task[None]] = {}
        self._waiting: dict[str, asyncio.Future[DownloadGrant]] = {}
        self.prefetched: list[str] = []
        """sha256 of the assets prefetched into the cache, in order."""
        self.log: list[tuple[float, DownloadGrant | DownloadStop]] = []
        """Every grant and stop received, with the clock's time (tests, the benchmark)."""

    # ------------------------------------------------------------ the connection

    async def report(self, *, idle: bool) -> None:
        """Send the whole inventory (after `welcome`, on entering or leaving the lobby)."""
        if not self.enabled:
            return
        held = await asyncio.to_thread(self._cache.hashes)
        await self._send(frames.CacheInventory(held=held, idle=idle))

    def connection_lost(self) -> None:
        """The server forgets this headset's grants with its connection: stop prefetching."""
        self.scheduled = False
        for task in self._prefetching.values():
            task.cancel()
        self._prefetching.clear()

    async def on_frame(self, frame: DistributionFrame) -> None:
        if isinstance(frame, DistributionStatus):
            self.scheduled = frame.scheduled
        elif isinstance(frame, DownloadGrant):
            self.log.append((self._clock(), frame))
            waiting = self._waiting.get(frame.sha256)
            if waiting is not None and not waiting.done():
                waiting.set_result(frame)
            elif frame.purpose == "prefetch" and frame.grant_id not in self._prefetching:
                self._prefetching[frame.grant_id] = asyncio.create_task(self._prefetch(frame))
        else:
            self.log.append((self._clock(), frame))
            task = self._prefetching.pop(frame.grant_id, None)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    # ------------------------------------------------------------ downloads

    async def fetch_for_session(
        self, asset: AssetRef, session_id: str, on_progress: ProgressHook | None = None
    ) -> DownloadResult:
        """The session's model: from the cache, else downloaded when the server grants it."""
        token = self._token()
        if not self.scheduled or self._cache.has(asset.sha256):
            return await self._downloads.download(asset, token=token, on_progress=on_progress)
        await self._stop_prefetching()  # a visitor waits: the Wi-Fi is theirs
        waiting = self._waiting[asset.sha256] = asyncio.get_running_loop().create_future()
        grant: DownloadGrant | None = None
        try:
            if await self._send(frames.DownloadRequest(sha256=asset.sha256, session_id=session_id)):
                async with asyncio.timeout(self.grant_wait_s):
                    grant = await waiting
        except TimeoutError:
            grant = None  # the server did not answer in time: download without a slot
        finally:
            self._waiting.pop(asset.sha256, None)
        if grant is None:
            return await self._downloads.download(asset, token=token, on_progress=on_progress)
        return await self._granted(asset, grant, on_progress)

    async def _prefetch(self, grant: DownloadGrant) -> None:
        # A scene's model or one of its sound files (the grant does not say which): the cache
        # keeps either by its sha256, and the download needs only that and the size.
        asset = AssetRef(
            sha256=grant.sha256, size=grant.size, media_type="model/gltf-binary", path="asset"
        )
        try:
            result = await self._granted(asset, grant, None)
        except asyncio.CancelledError:
            raise
        except Exception:
            return
        finally:
            self._prefetching.pop(grant.grant_id, None)
        if not result.cached:
            self.prefetched.append(grant.sha256)

    async def _granted(
        self, asset: AssetRef, grant: DownloadGrant, on_progress: ProgressHook | None
    ) -> DownloadResult:
        last = float("-inf")

        async def progress(done: int, total: int | None) -> None:
            nonlocal last
            if on_progress is not None:
                await on_progress(done, total)
            now = self._clock()
            if now - last >= self.progress_every_s and done < grant.size:
                last = now
                await self._report(grant, done, "downloading")

        try:
            result = await self._downloads.download(
                asset, token=self._token(), on_progress=progress, grant=grant.grant_id
            )
        except asyncio.CancelledError:
            raise  # stopped by the server: the slot is free already
        except Exception:
            await self._report(grant, 0, "failed")
            raise
        await self._report(grant, grant.size, "done")
        return result

    async def _report(self, grant: DownloadGrant, done: int, state: str) -> None:
        frame = frames.DownloadProgress.model_validate(
            {"grant_id": grant.grant_id, "sha256": grant.sha256, "done": done, "state": state}
        )
        await self._send(frame)

    async def _stop_prefetching(self) -> None:
        tasks = list(self._prefetching.values())
        self._prefetching.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
