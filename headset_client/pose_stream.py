"""`PoseStream`: the `pose` frames of a simulated visitor, at the rate the server asks for.

While a staff client watches the headset the server sends `pose_rate` with `hz` 20: the stream
then sends a compact `pose` frame every 1/hz seconds (vr_server/protocol/poses.py) with the
head, both hands and, during a grab-and-place step, the grabbed node in the right hand. `hz` 2
(nobody watches) stops it: telemetry carries the head pose then. The visitor stands about a
metre in front of the scene's origin, looks around, and works with the right hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable

from vr_server.protocol.common import Pose
from vr_server.protocol.poses import IDLE_HZ, WATCH_HZ, Grabbed, PoseFrame, quantise


def _yaw_pitch(yaw: float, pitch: float) -> tuple[float, float, float, float]:
    """The quaternion (x, y, z, w) of a turn by `yaw` about y, then `pitch` about x."""
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    return (cy * sp, sy * cp, -sy * sp, cy * cp)


def visitor_frame(t: float, grabbed: str | None) -> PoseFrame:
    """Where the simulated visitor's head and hands are `t` seconds into the stream."""
    yaw = 0.5 * math.sin(t / 3.0)
    head = Pose(
        position=(0.15 * math.sin(t / 4.0), 1.6 + 0.02 * math.sin(t * 1.7), 0.9),
        orientation=_yaw_pitch(yaw, -0.35 + 0.1 * math.sin(t / 2.0)),
    )
    left = Pose(position=(-0.25, 1.05, 0.65), orientation=_yaw_pitch(0.2, -0.6))
    right = Pose(
        position=(0.25 + 0.2 * math.sin(t * 1.3), 1.1 + 0.1 * math.cos(t * 1.3), 0.55),
        orientation=_yaw_pitch(-0.3 + 0.3 * math.sin(t), -0.5),
    )
    hand = quantise(right)
    return PoseFrame(
        t=round(t * 1000),
        h=quantise(head),
        l=quantise(left),
        r=hand,
        g=Grabbed(n=grabbed, p=hand) if grabbed else None,
    )


class PoseStream:
    def __init__(
        self,
        send: Callable[[PoseFrame], Awaitable[bool]],
        grabbed: Callable[[], str | None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`send`: sends a frame, False when not connected (`HeadsetClient.send_pose`);
        `grabbed`: the node the visitor holds now (None: nothing)."""
        self.send = send
        self.grabbed = grabbed
        self.clock = clock
        self.hz = IDLE_HZ
        self.sent = 0
        self._t0 = clock()
        self._task: asyncio.Task[None] | None = None

    async def set_rate(self, hz: int) -> None:
        self.hz = max(1, min(WATCH_HZ, hz))
        await self.stop()
        if self.hz > IDLE_HZ:
            self._task = asyncio.create_task(self._run(), name="pose-stream")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        """One frame every 1/hz seconds, on a schedule (a slow send does not lower the rate)."""
        period = 1.0 / self.hz
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            frame = visitor_frame(self.clock() - self._t0, self.grabbed())
            if await self.send(frame):
                self.sent += 1
            due = max(due + period, loop.time())
            await asyncio.sleep(due - loop.time())
