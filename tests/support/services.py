"""In-process services on a fresh SQLite database with a clock the test moves: the queue,
results, statistics and retention tests drive the services directly, without sockets or
sleeps. Sessions are driven exactly as the headset socket drives them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from tests.support.scripts import correct_events, every_action_script
from vr_server.app import close_services, open_services
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.headset import Event, Loading, Ready
from vr_server.services import Services
from vr_server.settings import Settings
from vr_server.storage.records import HeadsetRecord

_event = TypeAdapter[SessionEvent](SessionEvent)

# 2026-12-01 10:00 in Bangkok (UTC+7)
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@asynccontextmanager
async def services_at(
    tmp_path: Path, bundles: Path, clock: Clock, **settings: Any
) -> AsyncIterator[Services]:
    services = await open_services(Settings(data_dir=tmp_path / "data", **settings))
    try:
        await services.catalog.import_dirs([bundles])
        for service in (
            services.sessions,
            services.queue,
            services.results,
            services.stats,
            services.retention,
        ):
            service.clock = clock
        yield services
    finally:
        await close_services(services)


async def online_headset(services: Services, name: str | None = None) -> HeadsetRecord:
    headset = await services.store.headsets.enroll(
        f"dev-{uuid.uuid4().hex[:10]}", name, uuid.uuid4().hex * 2, datetime.now(UTC)
    )
    await services.fleet.connected(headset, uuid.uuid4().hex, "test", None)
    return headset


async def start(services: Services, headset_id: str, session_id: str) -> None:
    """The headset loads the scene and reports ready: the session starts (autostart)."""
    await services.sessions.headset_report(headset_id, Loading(session_id=session_id, progress=0))
    await services.sessions.headset_report(headset_id, Ready(session_id=session_id))


async def play(
    services: Services,
    headset_id: str,
    session_id: str,
    *,
    first: int = 1,
    upto: int | None = None,
) -> int:
    """Send events `first` to `upto` (1-based, inclusive; default: to the end) of a visitor who
    does everything right."""
    bodies = correct_events(every_action_script())
    last = len(bodies) if upto is None else upto
    for seq in range(first, last + 1):
        event = _event.validate_python(bodies[seq - 1])
        reply = await services.sessions.headset_event(
            headset_id, Event(session_id=session_id, seq=seq, event=event)
        )
        assert reply.type == "ack", reply
    return last


class StaffFeed:
    """Collects what the services publish for staff."""

    def __init__(self, services: Services) -> None:
        self.subscription = services.bus.subscribe(STAFF_CHANNEL, maxsize=100_000)

    def frames(self, kind: str | None = None) -> list[dict[str, Any]]:
        import json

        out = []
        while not self.subscription.queue.empty():
            out.append(json.loads(self.subscription.queue.get_nowait()))
        self._seen = getattr(self, "_seen", []) + out
        return [f for f in self._seen if kind is None or f["type"] == kind]
