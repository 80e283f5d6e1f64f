"""Wi-Fi-aware content distribution: headsets' cache reports in, download grants out.

The headset socket hands this service `cache_inventory`, `download_request` and
`download_progress` (and tells it when a session starts or stops loading); it keeps what each
connected headset holds in memory (nothing is stored: a reconnecting headset reports again),
decides with the `Scheduler` (services/download_slots.py) and sends `download_grant` and
`download_stop` on the headset's bus channel. The asset route asks `shaper()` for the token
buckets a download is sent through: the grant's rate, and the simulated access point of the
benchmark (`VR_LINK_SIM_MBPS`). With `VR_VENUE_MBPS=0` nothing is scheduled: headsets are told
so and download as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from content_tools.format import LocalizedText
from vr_server.bus import Bus
from vr_server.bus.channels import frame_message, headset_channel
from vr_server.errors import InvalidState, NotAllowed, NotFound, TooManyRequests, WrongSession
from vr_server.protocol.distribution import (
    AssetKind,
    CacheInventory,
    DistributionStatus,
    DistributionView,
    DownloadProgress,
    DownloadRequest,
    DownloadView,
    HeadsetCache,
    SceneHeld,
    SceneRollout,
)
from vr_server.services.catalog import CatalogService
from vr_server.services.download_slots import Grant, Scheduler, Send
from vr_server.services.shaping import Shaper, TokenBucket
from vr_server.storage.base import Store

USES_DAYS = 14
"""Sessions of this many days order the prefetching (most used first)."""
REFRESH_S = 10.0
"""How old the catalog's picture may be (a publish shows within this)."""
REPORTS_PER_S = 10.0
REPORTS_BURST = 30.0


def mbps_to_bps(mbps: float) -> int:
    """Mbit/s to bytes a second."""
    return int(mbps * 1_000_000 / 8)


@dataclass(frozen=True, slots=True)
class SceneAssets:
    """A scene version as the catalog has it, with the assets a headset needs to play it."""

    scene_id: str
    version: str
    title: LocalizedText
    active: bool
    assets: tuple[tuple[str, int], ...]
    """(sha256, size) of its model, then of each of its sound files: the version is cached on
    a headset only when the headset holds them all."""

    def held_by(self, held: set[str]) -> bool:
        return all(sha in held for sha, _ in self.assets)


class ReportBudget:
    """At most REPORTS_PER_S reports a second per headset (a burst of REPORTS_BURST)."""

    def __init__(self, now: float) -> None:
        self.tokens = REPORTS_BURST
        self.at = now

    def spend(self, now: float) -> None:
        self.tokens = min(REPORTS_BURST, self.tokens + (now - self.at) * REPORTS_PER_S)
        self.at = now
        if self.tokens < 1:
            raise TooManyRequests(
                f"more than {REPORTS_PER_S:g} cache and download reports a second",
                retry_after_s=1.0,
            )
        self.tokens -= 1


class DistributionService:
    def __init__(
        self,
        store: Store,
        catalog: CatalogService,
        bus: Bus,
        *,
        venue_mbps: float,
        headset_mbps: float,
        link_sim_mbps: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.bus = bus
        self.venue_mbps = venue_mbps
        self.headset_mbps = headset_mbps
        self.scheduler = (
            Scheduler(mbps_to_bps(venue_mbps), mbps_to_bps(headset_mbps))
            if venue_mbps > 0
            else None
        )
        self.link = TokenBucket(mbps_to_bps(link_sim_mbps)) if link_sim_mbps > 0 else None
        self.visitors = TokenBucket(mbps_to_bps(venue_mbps)) if venue_mbps > 0 else None
        """The budget, shared by the visitors' downloads in flight (each prefetch has a
        bucket of its own, at the per-headset rate)."""
        self._clock = clock
        self._versions: list[SceneAssets] = []
        self._owners: dict[str, tuple[SceneAssets, AssetKind]] = {}
        """Each known asset's scene version (an active one first) and what it is to it."""
        self._uses: dict[str, int] = {}
        self._refreshed = float("-inf")
        self._conns: dict[str, str] = {}
        """The connection each reporting headset reported on (a replaced one's close is not
        the headset's)."""
        self._budgets: dict[str, ReportBudget] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self.sent_bytes = 0
        """Bytes sent for granted downloads since the start."""
        self.link_bytes = 0
        """Bytes of every download sent through the simulated link (VR_LINK_SIM_MBPS)."""

    @property
    def scheduled(self) -> bool:
        return self.scheduler is not None

    # ------------------------------------------------------------ the catalog's picture

    async def refresh(self) -> None:
        """Read the catalog's scene versions and the scenes' uses; set the prefetch order."""
        versions: list[SceneAssets] = []
        for active in await self.store.content.list_active():
            for record in await self.store.content.list_versions(active.scene_id):
                manifest = await self.catalog.manifest(record.scene_id, record.version)
                assets = [manifest.glb, *manifest.sounds]
                versions.append(
                    SceneAssets(
                        record.scene_id,
                        record.version,
                        manifest.scene.title,
                        record.active,
                        tuple(dict.fromkeys((a.sha256, a.size) for a in assets)),
                    )
                )
        owners: dict[str, tuple[SceneAssets, AssetKind]] = {}
        for v in sorted(versions, key=lambda v: not v.active):
            for i, (sha, _) in enumerate(v.assets):
                owners.setdefault(sha, (v, "model" if i == 0 else "sound"))
        now = datetime.now(UTC)
        uses: dict[str, int] = {}
        for session in await self.store.sessions.created_between(
            now - timedelta(days=USES_DAYS), now
        ):
            uses[session.scene_id] = uses.get(session.scene_id, 0) + 1
        self._versions, self._owners, self._uses = versions, owners, uses
        self._refreshed = self._clock()
        if self.scheduler is not None:
            order = [v for v in versions if v.active]
            order.sort(key=lambda v: (-uses.get(v.scene_id, 0), v.scene_id))
            self.scheduler.order = [list(v.assets) for v in order]

    async def _fresh(self, max_age_s: float = REFRESH_S) -> None:
        if self._clock() - self._refreshed > max_age_s:
            await self.refresh()

    async def tick(self) -> None:
        """Every second (services/monitor.py): expire silent grants, fill free slots."""
        await self._fresh()
        if self.scheduler is not None:
            await self._send(self.scheduler.schedule(self._clock()))
            self._buckets = {k: b for k, b in self._buckets.items() if k in self.scheduler.grants}

    # ------------------------------------------------------------ what headsets say

    async def inventory(
        self, headset_id: str, connection_id: str, msg: CacheInventory
    ) -> DistributionStatus:
        self._spend(headset_id)
        await self._fresh()
        known = {sha for sha in msg.held if sha in self._owners}
        self._conns[headset_id] = connection_id
        if self.scheduler is not None:
            self.scheduler.join(headset_id, known, msg.idle)
            await self._send(self.scheduler.schedule(self._clock()))
        return DistributionStatus(
            scheduled=self.scheduled,
            headset_bps=self.scheduler.rate_bps if self.scheduler is not None else 0,
            ignored=len(set(msg.held)) - len(known),
        )

    async def request(self, headset_id: str, msg: DownloadRequest) -> None:
        """A visitor waits for the model of the headset's session."""
        self._spend(headset_id)
        if self.scheduler is None:
            raise NotAllowed("download scheduling is off: download without a grant")
        session = await self.store.sessions.get(msg.session_id)
        if session is None:
            raise NotFound(f"no session {msg.session_id}")
        if session.headset_id != headset_id:
            raise WrongSession(f"session {msg.session_id} is another headset's")
        manifest = await self.catalog.manifest(session.scene_id, session.scene_version)
        if manifest.glb.sha256 != msg.sha256:
            raise NotFound(
                f"{msg.sha256[:12]}… is not the model of session {msg.session_id} "
                f"({session.scene_id} {session.scene_version})"
            )
        now = self._clock()
        await self._send(self.scheduler.request(headset_id, msg.sha256, manifest.glb.size, now))

    async def progress(self, headset_id: str, msg: DownloadProgress) -> None:
        # A report that ends one of this headset's grants (done, failed, paused) is not
        # charged: there is one per grant the server made, and refusing it would hold the slot
        # until the grant expires. A headset prefetching a library of small sound files sends
        # dozens a second (96 assets in about 3 s on a 40 Mbit/s slot).
        ends = (
            msg.state != "downloading"
            and self.scheduler is not None
            and self.scheduler.grant_for(headset_id, msg.grant_id, msg.sha256) is not None
        )
        if not ends:
            self._spend(headset_id)
        if self.scheduler is None:
            raise InvalidState("download scheduling is off: there are no grants")
        now = self._clock()
        await self._send(
            self.scheduler.progress(headset_id, msg.grant_id, msg.sha256, msg.done, msg.state, now)
        )

    async def session_loading(self, headset_id: str, loading: bool) -> None:
        if self.scheduler is not None:
            await self._send(self.scheduler.loading(headset_id, loading, self._clock()))

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        if self._conns.get(headset_id, connection_id) != connection_id:
            return  # the headset connected again meanwhile
        self._conns.pop(headset_id, None)
        self._budgets.pop(headset_id, None)
        if self.scheduler is not None:
            await self._send(self.scheduler.leave(headset_id, self._clock()))

    def _spend(self, headset_id: str) -> None:
        now = self._clock()
        budget = self._budgets.get(headset_id)
        if budget is None:
            budget = self._budgets[headset_id] = ReportBudget(now)
        budget.spend(now)

    async def _send(self, sends: list[Send]) -> None:
        for send in sends:
            await self.bus.publish(
                headset_channel(send.headset_id), frame_message(send.frame.model_dump_json())
            )

    # ------------------------------------------------------------ the asset route

    def shaper(self, headset_id: str | None, sha256: str, grant_id: str | None) -> Shaper | None:
        """The buckets a download of `sha256` is sent through, and what counts its bytes;
        None: sent as fast as the connection takes it (no grant, no simulated link)."""
        buckets: list[TokenBucket] = []
        grant = None
        if self.scheduler is not None and headset_id is not None and grant_id:
            grant = self.scheduler.grant_for(headset_id, grant_id, sha256)
        if grant is not None and grant.purpose == "session" and self.visitors is not None:
            buckets.append(self.visitors)
        elif grant is not None:
            bucket = self._buckets.get(grant.grant_id)
            if bucket is None:
                bucket = self._buckets[grant.grant_id] = TokenBucket(grant.rate_bps)
            buckets.append(bucket)
        if self.link is not None:
            buckets.append(self.link)
        if not buckets:
            return None
        scheduler, key = self.scheduler, grant.grant_id if grant is not None else None
        simulated = self.link is not None

        def sent(n: int) -> None:
            if simulated:
                self.link_bytes += n
            if key is not None and scheduler is not None:
                self.sent_bytes += n
                scheduler.sent(key, n, self._clock())

        return buckets, sent

    # ------------------------------------------------------------ what staff see

    async def view(self) -> DistributionView:
        await self._fresh(2.0)
        scheduler = self.scheduler
        holders = scheduler.holders if scheduler is not None else {}
        downloads = {g.headset_id: g for g in scheduler.grants.values()} if scheduler else {}
        counts: dict[tuple[str, str], int] = {}
        caches = []
        for headset_id, holder in sorted(holders.items()):
            held = sorted(
                (v for v in self._versions if v.held_by(holder.held)),
                key=lambda v: (v.scene_id, v.version),
            )
            for v in held:
                counts[v.scene_id, v.version] = counts.get((v.scene_id, v.version), 0) + 1
            grant = downloads.get(headset_id)
            caches.append(
                HeadsetCache(
                    headset_id=headset_id,
                    idle=holder.idle,
                    held=[SceneHeld(scene_id=v.scene_id, version=v.version) for v in held],
                    download=None if grant is None else self._download_view(grant),
                )
            )
        scenes = [
            SceneRollout(
                scene_id=v.scene_id,
                version=v.version,
                title=v.title,
                active=v.active,
                holders=counts.get((v.scene_id, v.version), 0),
                uses=self._uses.get(v.scene_id, 0),
            )
            for v in self._versions
            if v.active or counts.get((v.scene_id, v.version))
        ]
        scenes.sort(key=lambda s: (not s.active, -s.uses, s.scene_id, s.version))
        return DistributionView(
            scheduled=self.scheduled,
            venue_mbps=self.venue_mbps,
            headset_mbps=self.headset_mbps,
            slots=scheduler.slots if scheduler is not None else 0,
            headsets=len(holders),
            waiting=len(scheduler.waiting) if scheduler is not None else 0,
            peak_grants=scheduler.peak if scheduler is not None else 0,
            sent_bytes=self.sent_bytes,
            link_bytes=self.link_bytes,
            caches=caches,
            scenes=scenes,
        )

    def _download_view(self, grant: Grant) -> DownloadView:
        owner = self._owners.get(grant.sha256)
        return DownloadView(
            scene_id=owner[0].scene_id if owner else None,
            version=owner[0].version if owner else None,
            asset=owner[1] if owner else None,
            sha256=grant.sha256,
            purpose=grant.purpose,
            done=max(grant.done, min(grant.sent, grant.size)),
            size=grant.size,
        )
