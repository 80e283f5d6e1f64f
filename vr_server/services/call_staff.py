"""How often a headset may call staff: one `call_staff` alert per headset per
CALL_STAFF_INTERVAL_S seconds reaches staff. More calls within that time are taken as usual
(an event is stored and acknowledged, a lobby call gets no reply as always) but not broadcast
again: staff already have the alert on their screen, and a stuck button or a hostile client
must not flood every dashboard (3,000 alerts in 0.06 s did before).

Counted per instance: a headset is connected to one instance at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CALL_STAFF_INTERVAL_S = 10.0
_PRUNE_ABOVE = 1024


class CallStaffThrottle:
    def __init__(
        self, interval_s: float = CALL_STAFF_INTERVAL_S, clock: Callable[[], float] = time.time
    ) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._last: dict[str, float] = {}

    def allow(self, headset_id: str) -> bool:
        """True when `headset_id`'s call should reach staff (and counts it as the last one)."""
        now = self.clock()
        last = self._last.get(headset_id)
        if last is not None and 0 <= now - last < self.interval_s:
            return False
        self._last[headset_id] = now
        if len(self._last) > _PRUNE_ABOVE:
            self._last = {h: t for h, t in self._last.items() if now - t < self.interval_s}
        return True
