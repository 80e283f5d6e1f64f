"""Services on the in-memory store (vr_server/storage/memory.py): no database, no server
process, no sockets. A clock the test moves; the bus is the in-process one, so what the
services publish for staff and headsets can be read back."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from content_tools.format import AssetRef, BundleManifest
from tests.support.scripts import correct_events, every_action_script, scene_meta
from tests.support.services import Clock
from vr_server.bus.base import Subscription
from vr_server.bus.channels import STAFF_CHANNEL, headset_channel
from vr_server.bus.memory import InProcessBus
from vr_server.protocol.common import SessionView
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.headset import Event, Loading, Ready
from vr_server.services.catalog import CatalogService
from vr_server.services.fleet import FleetService
from vr_server.services.queue import QueueService
from vr_server.services.sessions import SessionService
from vr_server.storage.blobs import BlobStore
from vr_server.storage.memory import MemoryStore
from vr_server.storage.records import HeadsetRecord

SCENE = "test-kitchen"
_event = TypeAdapter[SessionEvent](SessionEvent)


def manifest(scene_id: str = SCENE, version: str = "1.0.0", sounds: tuple[str, ...] = ()) -> str:
    """A scene's manifest as stored; its GLB (and the sound files named by their sha256) are
    never read by these services."""
    glb = AssetRef(sha256="0" * 64, size=1, media_type="model/gltf-binary", path="scene.glb")
    bundle = BundleManifest(
        scene=scene_meta(scene_id, version),
        script=every_action_script(),
        glb=glb,
        tool_version="test",
        sounds=[
            AssetRef(sha256=sha, size=2, media_type="audio/ogg", path=f"{sha}.ogg")
            for sha in sounds
        ],
    )
    return json.dumps(bundle.model_dump(mode="json"), sort_keys=True)


@dataclass
class World:
    store: MemoryStore
    bus: InProcessBus
    clock: Clock
    fleet: FleetService
    sessions: SessionService
    queue: QueueService
    staff: Subscription
    """Everything published for staff."""

    def staff_frames(self, kind: str) -> list[dict[str, Any]]:
        frames = []
        while not self.staff.queue.empty():
            frames.append(json.loads(self.staff.queue.get_nowait()))
        self._seen = [*getattr(self, "_seen", []), *frames]
        return [f for f in self._seen if f["type"] == kind]

    async def headset(self, name: str | None = None, *, online: bool = True) -> HeadsetRecord:
        record = await self.store.headsets.enroll(
            f"dev-{uuid.uuid4().hex[:8]}", name, uuid.uuid4().hex * 2, datetime.now(UTC)
        )
        if online:
            await self.fleet.connected(record, uuid.uuid4().hex, "1.0", None)
        return record

    async def assigned(self) -> tuple[HeadsetRecord, SessionView]:
        """A new online headset with a session of SCENE assigned to it."""
        headset = await self.headset()
        return headset, await self.sessions.assign(headset.id, SCENE)

    def listen(self, headset_id: str) -> Subscription:
        """What is published for a headset's connection from now on."""
        return self.bus.subscribe(headset_channel(headset_id))

    async def start(self, headset_id: str, session_id: str) -> None:
        """The headset loads the scene and reports ready: the session starts (autostart)."""
        await self.sessions.headset_report(headset_id, Loading(session_id=session_id, progress=0))
        await self.sessions.headset_report(headset_id, Ready(session_id=session_id))

    async def play(self, headset_id: str, session_id: str, upto: int | None = None) -> int:
        """Send the events of a visitor who does everything right, 1 to `upto` (default:
        all); returns how many."""
        bodies = correct_events(every_action_script())[:upto]
        for seq, body in enumerate(bodies, start=1):
            event = Event(session_id=session_id, seq=seq, event=_event.validate_python(body))
            await self.sessions.headset_event(headset_id, event)
        return len(bodies)


async def world(tmp_path: Path, clock: Clock | None = None) -> World:
    store, bus, clock = MemoryStore(), InProcessBus(), clock or Clock()
    text = manifest()
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert await store.content.put_version(SCENE, "1.0.0", text, digest, True)
    catalog = CatalogService(store, BlobStore(tmp_path / "blobs"))
    fleet = FleetService(store, bus, clock)
    sessions = SessionService(store, catalog, fleet, bus, clock)
    queue = QueueService(
        store,
        catalog,
        fleet,
        sessions,
        bus,
        zone=ZoneInfo("Asia/Bangkok"),
        retention_days=30,
        clock=clock,
    )
    staff = bus.subscribe(STAFF_CHANNEL, maxsize=100_000)
    return World(store, bus, clock, fleet, sessions, queue, staff)
