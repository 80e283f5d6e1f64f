"""The fleet: which headsets exist, which are online (on any instance), and their live figures
(battery, frame rate, step) from telemetry. Who is connected where, with which figures, is kept
by a `Presence` (in memory, or in Redis for several instances); `live` holds only the
connections of this instance. Changes are published to staff on the bus, telemetry-only changes
at most once a second per headset."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from vr_server.bus import Bus
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import Invalid, NotFound
from vr_server.protocol.common import HeadsetView
from vr_server.protocol.headset import Telemetry
from vr_server.protocol.staff import HeadsetUpdate
from vr_server.services.presence import MemoryPresence, Presence, PresenceEntry
from vr_server.storage.base import Store
from vr_server.storage.records import HeadsetRecord, SessionRecord

SETTABLE_STATUSES = {"available", "needs_cleaning", "charging"}


@dataclass
class LiveState:
    connection_id: str
    app_version: str
    last_published: float = 0.0
    view: HeadsetView | None = None
    """The view staff last got: built from the database, its live figures patched by
    telemetry in between."""


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

    async def connected(self, headset: HeadsetRecord, connection_id: str, app_version: str) -> None:
        self.live[headset.id] = LiveState(connection_id, app_version)
        await self.presence.connected(
            headset.id, PresenceEntry(connection_id, app_version, updated_at=self.clock())
        )
        await self.store.update_headset(
            headset.id, app_version=app_version or None, last_seen_at=datetime.now(UTC)
        )
        await self.publish(headset.id)

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        live = self.live.get(headset_id)
        if live is None or live.connection_id != connection_id:
            return  # a newer connection has taken over
        del self.live[headset_id]
        await self.presence.disconnected(headset_id, connection_id)
        await self.store.update_headset(headset_id, last_seen_at=datetime.now(UTC))
        await self.publish(headset_id)

    async def telemetry(self, headset_id: str, msg: Telemetry) -> None:
        live = self.live.get(headset_id)
        if live is None:
            return
        now = self.clock()
        if now - live.last_published < 1.0:
            return
        live.last_published = now
        await self.presence.update(
            headset_id,
            PresenceEntry(
                live.connection_id,
                live.app_version,
                battery=msg.battery,
                charging=msg.charging,
                fps=msg.fps,
                step_id=msg.step_id,
                updated_at=now,
            ),
        )
        if live.view is None:
            await self.publish(headset_id)
            return
        view = live.view.model_copy(
            update={
                "fps": msg.fps,
                "battery": msg.battery,
                "charging": msg.charging,
                "step_id": msg.step_id if live.view.session_id else None,
                "last_seen": datetime.now(UTC),
            }
        )
        live.view = view
        self.bus.publish_soon(STAFF_CHANNEL, HeadsetUpdate(headset=view).model_dump_json())

    async def set_status(self, headset_id: str, status: str) -> HeadsetView:
        if status not in SETTABLE_STATUSES:
            raise Invalid(f"status must be one of {sorted(SETTABLE_STATUSES)}")
        if await self.store.get_headset(headset_id) is None:
            raise NotFound(f"no headset {headset_id}")
        if await self.store.active_session_for_headset(headset_id) is not None:
            raise Invalid("the headset is in a session; end it first")
        await self.store.update_headset(headset_id, status=status)
        return await self.publish(headset_id)

    async def publish(self, headset_id: str) -> HeadsetView:
        """Rebuild the headset's view from the database and send it to staff."""
        view = await self.view(headset_id)
        live = self.live.get(headset_id)
        if live is not None:
            live.view = view
        await self.bus.publish(STAFF_CHANNEL, HeadsetUpdate(headset=view).model_dump_json())
        return view

    async def view(self, headset_id: str) -> HeadsetView:
        record = await self.store.get_headset(headset_id)
        if record is None:
            raise NotFound(f"no headset {headset_id}")
        return self._view(
            record,
            await self.store.active_session_for_headset(headset_id),
            await self.presence.get(headset_id),
        )

    async def views(self) -> list[HeadsetView]:
        active = {
            s.headset_id: s
            for s in await self.store.list_sessions(
                states=["assigned", "loading", "ready", "running", "paused"], limit=100_000
            )
        }
        records = await self.store.list_headsets()
        present = await self.presence.get_many(r.id for r in records)
        return [self._view(r, active.get(r.id), present.get(r.id)) for r in records]

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
            app_version=(entry.app_version if entry else record.app_version) or None,
            last_seen=datetime.now(UTC) if entry else record.last_seen_at,
            enrolled_at=record.enrolled_at,
        )
