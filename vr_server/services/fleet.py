"""The fleet: which headsets exist, which are online (on any instance), and their live figures
(battery, frame rate, step) from telemetry. Who is connected where, with which figures, is kept
by a `Presence` (in memory, or in Redis for several instances); `live` holds only the
connections of this instance.

State changes (online, offline, status, session) are published to staff at once as a
`headset_update` with the view rebuilt from the database. Live figures are taken at most once
a second per headset and sent by `flush_live` (every `LIVE_FLUSH_S`, from the background
tasks) as `headsets_live` frames, each covering up to `LIVE_BATCH` headsets: at 10,000
headsets one frame per headset would be 10,000 frames a second to every dashboard.

Connecting costs no query here (the socket brings the headset and its session), and when a
headset was last seen is stored by `flush_seen` for all of them in one transaction every
`SEEN_FLUSH_S`: after a restart every headset of a venue connects again within seconds."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime

from vr_server.bus import Bus
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import Invalid, NotFound
from vr_server.protocol.common import HeadsetView
from vr_server.protocol.headset import Telemetry
from vr_server.protocol.staff import HeadsetEnrolled, HeadsetLive, HeadsetsLive, HeadsetUpdate
from vr_server.slices import map_in_slices
from vr_server.storage.base import Store
from vr_server.storage.presence import MemoryPresence, Presence, PresenceEntry
from vr_server.storage.records import HeadsetRecord, SessionRecord

log = logging.getLogger(__name__)

SETTABLE_STATUSES = {"available", "needs_cleaning", "charging"}
LIVE_EVERY_S = 1.0
"""Telemetry is taken at most this often per headset (headsets send it twice a second)."""
LIVE_FLUSH_S = 1.0
LIVE_BATCH = 500
SEEN_FLUSH_S = 2.0


@dataclass(slots=True)
class LiveState:
    connection_id: str
    app_version: str
    taken_at: float = 0.0
    """When telemetry was last taken (at most every LIVE_EVERY_S)."""
    battery: float | None = None
    charging: bool | None = None
    fps: float | None = None
    step_id: str | None = None
    in_session: bool = False
    stale: bool = True
    """Staff have not been sent this headset's view since it connected (the database was
    unreachable): the next telemetry tries again."""


class FleetService:
    def __init__(
        self,
        store: Store,
        bus: Bus,
        clock: Callable[[], float] = time.time,
        *,
        presence: Presence | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.clock = clock
        self.presence: Presence = presence or MemoryPresence()
        self.presence.set_expired_handler(self._expired)
        self.live: dict[str, LiveState] = {}
        """The headsets connected to this instance (`presence` knows those of every one)."""
        self._live_changes: set[str] = set()
        self._seen: dict[str, tuple[str | None, datetime]] = {}
        """Not yet stored: headset id -> (app version, last seen); see `flush_seen`."""
        self._tasks: set[asyncio.Task[object]] = set()

    async def connected(
        self,
        headset: HeadsetRecord,
        connection_id: str,
        app_version: str,
        session: SessionRecord | None,
    ) -> None:
        """A headset connected here; `session` is its active one. No database query: a
        restarted server has every headset connecting again at once."""
        entry = PresenceEntry(connection_id, app_version, updated_at=self.clock())
        self.live[headset.id] = LiveState(
            connection_id, app_version, in_session=session is not None, stale=False
        )
        await self.presence.connected(headset.id, entry)
        self._seen[headset.id] = (app_version or None, datetime.now(UTC))
        view = self._view(headset, session, entry)
        await self.bus.publish(STAFF_CHANNEL, HeadsetUpdate(headset=view).model_dump_json())

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        live = self.live.get(headset_id)
        if live is None or live.connection_id != connection_id:
            return  # a newer connection has taken over
        del self.live[headset_id]
        await self.presence.disconnected(headset_id, connection_id)
        version = self._seen.get(headset_id, (None, None))[0]
        self._seen[headset_id] = (version, datetime.now(UTC))
        await self.publish(headset_id)

    async def flush_seen(self) -> int:
        """Store when headsets were last seen (and their app version), all in one
        transaction; returns how many. On failure they are kept for the next flush."""
        seen, self._seen = self._seen, {}
        try:
            await self.store.headsets.touch([(i, v, when) for i, (v, when) in seen.items()])
        except BaseException:
            for headset_id, value in seen.items():
                self._seen.setdefault(headset_id, value)  # a newer one stays
            raise
        return len(seen)

    def telemetry(self, headset_id: str, msg: Telemetry) -> None:
        """Take a headset's live figures. Synchronous: it runs in the socket's read callback
        (`vr_server.serving.direct_ws`), for every headset twice a second. It allocates nothing that
        lives on: the figures are written into objects that exist per connection."""
        live = self.live.get(headset_id)
        if live is None:
            return
        now = self.clock()
        if now - live.taken_at < LIVE_EVERY_S:
            return
        live.taken_at = now
        live.battery, live.charging, live.fps = msg.battery, msg.charging, msg.fps
        live.step_id = msg.step_id
        self.presence.update(
            headset_id, live.connection_id, (msg.battery, msg.charging, msg.fps, msg.step_id), now
        )
        if live.stale:
            live.stale = False  # one rebuild at a time; it sets `stale` again if it fails
            self._spawn(self._publish_quietly(headset_id))
            return
        self._live_changes.add(headset_id)

    async def flush_live(self) -> int:
        """Send staff the live figures taken since the last flush; returns how many. One
        frame per LIVE_BATCH headsets, other work running in between: at 10,000 headsets the
        whole would hold the event loop for tens of milliseconds."""
        changes = list(self._live_changes)
        self._live_changes = set()
        for i in range(0, len(changes), LIVE_BATCH):
            frame = self._live_frame(changes[i : i + LIVE_BATCH])
            if frame is not None:
                await self.bus.publish(STAFF_CHANNEL, frame)
            await asyncio.sleep(0)
        return len(changes)

    def _live_frame(self, headset_ids: list[str]) -> str | None:
        """A `headsets_live` frame, as JSON. Its models exist only while it is serialised,
        with the collector paused: thousands of new objects at once would otherwise set off
        a collection that walks every one of them."""
        paused = gc.isenabled()
        gc.disable()
        try:
            items = [
                HeadsetLive.model_construct(
                    id=headset_id,
                    battery=live.battery,
                    charging=live.charging,
                    fps=live.fps,
                    step_id=live.step_id if live.in_session else None,
                    last_seen=datetime.fromtimestamp(live.taken_at, UTC),
                )
                for headset_id in headset_ids
                if (live := self.live.get(headset_id)) is not None
            ]
            frame = (
                HeadsetsLive.model_construct(headsets=items).model_dump_json() if items else None
            )
            del items  # freed before the collector runs again
            return frame
        finally:
            if paused:
                gc.enable()

    def _spawn(self, work: Coroutine[object, object, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _publish_quietly(self, headset_id: str) -> None:
        try:
            await self.publish(headset_id)
        except NotFound:
            pass
        except Exception:
            log.warning("fleet: no view for headset %s yet", headset_id, exc_info=True)
            live = self.live.get(headset_id)
            if live is not None:
                live.stale = True

    async def set_status(self, headset_id: str, status: str) -> HeadsetView:
        if status not in SETTABLE_STATUSES:
            raise Invalid(f"status must be one of {sorted(SETTABLE_STATUSES)}")
        if await self.store.headsets.get(headset_id) is None:
            raise NotFound(f"no headset {headset_id}")
        if await self.store.sessions.live_for_headset(headset_id) is not None:
            raise Invalid("the headset is in a session; end it first")
        await self.store.headsets.update(headset_id, status=status)
        return await self.publish(headset_id)

    async def enrolled(self, headset_id: str, code_label: str) -> None:
        """A headset enrolled with a code: staff see it at once, before it connects."""
        frame = HeadsetEnrolled(headset=await self.view(headset_id), code_label=code_label)
        await self.bus.publish(STAFF_CHANNEL, frame.model_dump_json())

    async def publish(self, headset_id: str) -> HeadsetView:
        """Rebuild the headset's view from the database and send it to staff."""
        view = await self.view(headset_id)
        live = self.live.get(headset_id)
        if live is not None:
            live.in_session = view.session_id is not None
            live.stale = False
            self._live_changes.discard(headset_id)  # older than this view
        await self.bus.publish(STAFF_CHANNEL, HeadsetUpdate(headset=view).model_dump_json())
        return view

    async def view(self, headset_id: str) -> HeadsetView:
        record = await self.store.headsets.get(headset_id)
        if record is None:
            raise NotFound(f"no headset {headset_id}")
        return self._view(
            record,
            await self.store.sessions.live_for_headset(headset_id),
            await self.presence.get(headset_id),
        )

    async def views(self) -> list[HeadsetView]:
        active = {
            s.headset_id: s
            for s in await self.store.sessions.find(
                states=["assigned", "loading", "ready", "running", "paused"], limit=100_000
            )
        }
        records = await self.store.headsets.all()
        present = await self.presence.get_many(r.id for r in records)
        # 10,000 models: ~100 ms of CPU, in slices (a thread would hold the interpreter lock)
        return await map_in_slices(
            lambda r: self._view(r, active.get(r.id), present.get(r.id)), records
        )

    async def online_count(self) -> int:
        """Headsets connected to any instance."""
        return await self.presence.online_count()

    async def restore(self) -> None:
        """After the bus and presence store came back (Redis restarted): register this
        instance's headsets again and tell staff they are online."""
        await self.presence.restore()
        for headset_id in list(self.live):
            # from the database: its session may have changed while updates were lost
            with contextlib.suppress(NotFound):
                await self.publish(headset_id)

    async def _expired(self, headset_id: str) -> None:
        """The headset's presence expired: the instance holding it went away."""
        if headset_id in self.live:
            return  # connected here: the next refresh writes it again
        with contextlib.suppress(NotFound):  # removed meanwhile
            await self.publish(headset_id)

    def _view(
        self, record: HeadsetRecord, session: SessionRecord | None, entry: PresenceEntry | None
    ) -> HeadsetView:
        status = "in_session" if session is not None else record.status
        version, seen_at = self._seen.get(record.id, (None, None))
        return HeadsetView(
            id=record.id,
            name=record.name,
            online=entry is not None,
            status=status,
            battery=entry.battery if entry else None,
            charging=entry.charging if entry else None,
            fps=entry.fps if entry else None,
            session_id=session.id if session else None,
            scene_id=session.scene_id if session else None,
            step_id=entry.step_id if entry and session else None,
            app_version=(entry.app_version if entry else version or record.app_version) or None,
            last_seen=datetime.now(UTC) if entry else seen_at or record.last_seen_at,
            enrolled_at=record.enrolled_at,
        )
