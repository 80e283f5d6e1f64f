"""Telemetry out: at most one `telemetry` frame every half second.

`TelemetrySender` builds the frame and hands it to the `send` callable it was given (the
client's: False when not connected). A frame that could not be sent does not count, so the
next call tries again at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from vr_server.protocol.common import Pose
from vr_server.protocol.headset import HeadsetMessage, Telemetry

__all__ = ["TELEMETRY_MIN_INTERVAL_S", "TelemetrySender"]

TELEMETRY_MIN_INTERVAL_S = 0.5
"""Telemetry is sent at most twice a second."""


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class TelemetrySender:
    def __init__(
        self,
        send: Callable[[HeadsetMessage], Awaitable[bool]],
        *,
        min_interval_s: float = TELEMETRY_MIN_INTERVAL_S,
        clock: Callable[[], float] = _loop_time,
    ) -> None:
        self._send = send
        self.min_interval_s = min_interval_s
        self._clock = clock
        self._last_sent = -1e9

    async def send(
        self,
        *,
        fps: float | None = None,
        battery: float | None = None,
        charging: bool | None = None,
        step_id: str | None = None,
        head: Pose | None = None,
        left: Pose | None = None,
        right: Pose | None = None,
    ) -> bool:
        """Send telemetry unless the last one went out less than `min_interval_s` ago."""
        now = self._clock()
        if now - self._last_sent < self.min_interval_s - 1e-3:
            return False
        frame = Telemetry(
            fps=fps,
            battery=battery,
            charging=charging,
            step_id=step_id,
            head=head,
            left=left,
            right=right,
        )
        sent = await self._send(frame)
        if sent:
            self._last_sent = now
        return sent
