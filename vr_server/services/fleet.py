"""The fleet: which headsets exist, which are online on this instance, and their live figures
(battery, frame rate, step) from telemetry. Live state is kept in memory; changes are published
to staff on the bus, telemetry-only changes at most once a second per headset."""

from __future__ import annotations

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
    def __init__(self, store: Store, bus: Bus, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.bus = bus
        self.clock = clock
        self.live: dict[str, LiveState] = {}

    async def connected(self, headset: HeadsetRecord, connection_id: str, app_version: str) -> None:
        self.live[headset.id] = LiveState(connection_id, app_version)
        await self.store.update_headset(
            headset.id, app_version=app_version or None, last_seen_at=datetime.now(UTC)
        )
        await self.publish(headset.id)

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        live = self.live.get(headset_id)
        if live is None or live.connection_id != connection_id:
            return  # a newer connection has taken over
        del self.live[headset_id]
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
        await self.bus.publish(STAFF_CHANNEL, HeadsetUpdate(headset=view).model_dump_json())

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
        return self._view(record, await self.store.active_session_for_headset(headset_id))

    async def views(self) -> list[HeadsetView]:
        active = {
            s.headset_id: s
            for s in await self.store.list_sessions(
                states=["assigned", "loading", "ready", "running", "paused"], limit=100_000
            )
        }
        return [self._view(r, active.get(r.id)) for r in await self.store.list_headsets()]

    def _view(self, record: HeadsetRecord, session: SessionRecord | None) -> HeadsetView:
        live = self.live.get(record.id)
        status = "in_session" if session is not None else record.status
        figures = live.view if live is not None else None  # the latest telemetry, if any
        return HeadsetView(
            id=record.id,
            name=record.name,
            online=live is not None,
            status=status,
            battery=figures.battery if figures else None,
            charging=figures.charging if figures else None,
            fps=figures.fps if figures else None,
            session_id=session.id if session else None,
            scene_id=session.scene_id if session else None,
            step_id=figures.step_id if figures and session else None,
            app_version=(live.app_version if live else record.app_version) or None,
            last_seen=datetime.now(UTC) if live else record.last_seen_at,
            enrolled_at=record.enrolled_at,
        )
