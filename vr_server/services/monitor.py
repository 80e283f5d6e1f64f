"""Background work while the server runs, started by the app's lifespan and cancelled on
shutdown (nothing starts at import time):

- `StuckWatch.check` every `VR_STUCK_CHECK_S`: a running session whose visitor has been on the
  current step longer than max(3 x expected, 120 s) raises one `alert {kind: "stuck"}` per
  (session, step), with a `session_update` showing `stuck: true`;
- the retention purge every hour (`RetentionService.purge`);
- a `queue_update` every minute while visitors wait, so that estimated waits count down;
- the headsets' live figures (`FleetService.flush_live`) every `LIVE_FLUSH_S`, and when
  headsets were last seen (`FleetService.flush_seen`) every `SEEN_FLUSH_S`;
- the download scheduler every second (`DistributionService.tick`: silent grants expire,
  free slots go to the next downloads);
- the event loop's stalls, measured all the time (`LoopLagMonitor`, shown by `/health`);
- a venue paired with central sends its outbox every `VR_SYNC_INTERVAL_S`
  (`SyncService.run_once`, services/sync.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING

from vr_server.bus import Bus
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.protocol.common import SessionView
from vr_server.protocol.staff import Alert, SessionUpdate
from vr_server.services.fleet import LIVE_FLUSH_S, SEEN_FLUSH_S
from vr_server.services.looplag import StallStacks
from vr_server.services.sessions import SessionService
from vr_server.services.watch import REFRESH_S as WATCH_REFRESH_S

if TYPE_CHECKING:
    from vr_server.services import Services

log = logging.getLogger(__name__)

PURGE_EVERY_S = 3600.0
QUEUE_REFRESH_S = 60.0
DISTRIBUTION_TICK_S = 1.0


class StuckWatch:
    def __init__(self, sessions: SessionService, bus: Bus) -> None:
        self.sessions = sessions
        self.bus = bus
        self._alerted: set[tuple[str, int]] = set()

    async def check(self) -> list[SessionView]:
        """Alert staff about newly stuck sessions; returns them."""
        views = await self.sessions.views(states=["running", "paused"], limit=100_000)
        newly = []
        for view in views:
            key = (view.id, view.step_index)
            if view.stuck and key not in self._alerted:
                self._alerted.add(key)
                newly.append(view)
                await self.bus.publish(
                    STAFF_CHANNEL,
                    Alert(
                        kind="stuck",
                        headset_id=view.headset_id,
                        session_id=view.id,
                        detail=view.step_id or "",
                    ).model_dump_json(),
                )
                await self.bus.publish(STAFF_CHANNEL, SessionUpdate(session=view).model_dump_json())
        active = {v.id for v in views}
        self._alerted = {key for key in self._alerted if key[0] in active}
        return newly


async def every(interval_s: float, name: str, work: Callable[[], Awaitable[object]]) -> None:
    """Run `work` now and then every `interval_s` seconds until cancelled; a failure is logged
    and the next round runs as planned."""
    while True:
        try:
            await work()
        except Exception:
            log.exception("background task %s failed", name)
        await asyncio.sleep(interval_s)


class BackgroundTasks:
    """The tasks of one app instance: started in the lifespan, cancelled on shutdown."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []
        self.on_stop: list[Callable[[], None]] = []

    def start(self, interval_s: float, name: str, work: Callable[[], Awaitable[object]]) -> None:
        self.tasks.append(asyncio.create_task(every(interval_s, name, work), name=name))

    def start_forever(self, name: str, work: Coroutine[object, object, None]) -> None:
        """A task that runs until cancelled by itself."""
        self.tasks.append(asyncio.create_task(work, name=name))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        for stop in self.on_stop:
            stop()


def start_background(services: Services) -> BackgroundTasks:
    """Start the app's background tasks (the caller stops them with `stop()`)."""
    background = BackgroundTasks()
    background.start_forever("loop-lag", services.loop.run())
    if services.settings.loop_stall_stacks_ms > 0:
        stacks = StallStacks(services.loop, services.settings.loop_stall_stacks_ms)
        stacks.start()
        background.on_stop.append(stacks.stop)
    stuck = StuckWatch(services.sessions, services.bus)
    background.start(services.settings.stuck_check_s, "stuck-check", stuck.check)
    background.start(PURGE_EVERY_S, "retention-purge", services.retention.purge)
    background.start(LIVE_FLUSH_S, "live-figures", services.fleet.flush_live)
    background.start(SEEN_FLUSH_S, "headsets-seen", services.fleet.flush_seen)
    background.start(WATCH_REFRESH_S, "watch-leases", services.watch.refresh)
    background.start(DISTRIBUTION_TICK_S, "download-slots", services.distribution.tick)
    background.start_forever("watch-asks", services.watch.answer_asks())

    async def refresh_queue() -> None:
        if await services.queue.anyone_waiting():  # not the whole view: every headset's
            await services.queue.publish()

    background.start(QUEUE_REFRESH_S, "queue-refresh", refresh_queue)
    if services.sync is not None:  # a venue paired with central sends what it stored
        background.start(services.settings.sync_interval_s, "venue-sync", services.sync.run_once)
    return background
