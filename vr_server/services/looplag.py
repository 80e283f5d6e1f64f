"""How long the event loop is held: a background task asks to be woken every `interval_s` and
measures how late the wake-up comes. A wake-up late by D means some callback (or the garbage
collector, or a thread holding the interpreter lock) kept the loop for about D (at most
`interval_s` more). Every command to a headset, every frame to a dashboard waits as long.

The garbage collector's pauses are timed too (`gc.callbacks`), per generation: a full
collection walks every object of the process and holds the loop while it does.

Kept: the longest stall since start (and when), the longest of the last `RECENT_S` seconds, a
histogram of every wake-up's lateness, and the most recent stalls of at least `NOTABLE_MS`
with their time (`GET /health` shows all of it, as `loop`). A stall of at least
`VR_LOOP_STALL_WARN_MS` is logged at WARNING, at most once per `WARN_EVERY_S` (with how many
were not logged in between).

The clock and the sleep are injectable, so tests can drive it without a real loop stall.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import logging
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

BUCKETS_MS: tuple[float, ...] = (1, 5, 10, 25, 50, 100, 250, 1000)
"""Histogram upper bounds; a last bucket counts what is above the last bound."""
RECENT_S = 60
NOTABLE_MS = 10.0
KEEP_NOTABLE = 64
WARN_EVERY_S = 10.0


def _bucket_names() -> list[str]:
    names = [f"<={int(b)}" for b in BUCKETS_MS]
    names.append(f">{int(BUCKETS_MS[-1])}")
    return names


@dataclass
class LoopLagStats:
    """What `LoopLagMonitor.stats()` reports (milliseconds; times are Unix seconds)."""

    interval_ms: float
    samples: int
    longest_ms: float
    longest_at: float | None
    recent_max_ms: float
    histogram: dict[str, int]
    recent_stalls: list[tuple[float, float, float, float]] = field(default_factory=list)
    """The last stalls of at least NOTABLE_MS: (when it ended, Unix seconds; how long, ms;
    CPU the loop's thread used meanwhile, ms; CPU the whole process used, ms). CPU close to
    the stall: the loop ran something; the process's CPU well above the loop's: another
    thread held the interpreter lock; both low: the machine did not give us the CPU."""
    gc: dict[str, GcPauses] = field(default_factory=dict)
    """The collector's pauses by generation ("0", "1", "2")."""


@dataclass
class GcPauses:
    count: int = 0
    longest_ms: float = 0.0
    total_ms: float = 0.0


class LoopLagMonitor:
    def __init__(
        self,
        interval_s: float = 0.01,
        warn_ms: float = 100.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.interval_s = interval_s
        self.warn_ms = warn_ms
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self.samples = 0
        self.longest_ms = 0.0
        self.longest_at: float | None = None
        self.counts = [0] * (len(BUCKETS_MS) + 1)
        self._seconds: deque[tuple[int, float]] = deque()  # (whole second, its longest)
        self.notable: deque[tuple[float, float, float, float]] = deque(maxlen=KEEP_NOTABLE)
        self._warned_at: float | None = None
        self._unlogged = 0
        self.gc = {str(g): GcPauses() for g in range(3)}
        self._gc_started = 0.0
        self.planned = float("inf")
        """When the running wake-up is due (`StallStacks` reads it from its thread)."""
        self.cpu_at_sleep = 0.0
        """The loop thread's CPU time then."""

    async def run(self) -> None:
        """Measure until cancelled."""
        gc.callbacks.append(self._on_gc)
        try:
            while True:
                self.planned = planned = self._clock() + self.interval_s
                cpu = time.thread_time(), time.process_time()
                self.cpu_at_sleep = cpu[0]
                await self._sleep(self.interval_s)
                late = max(0.0, self._clock() - planned) * 1000
                if late < NOTABLE_MS:
                    self.record(late)
                else:
                    loop_cpu = (time.thread_time() - cpu[0]) * 1000
                    self.record(late, loop_cpu, (time.process_time() - cpu[1]) * 1000)
        finally:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        ms = (time.perf_counter() - self._gc_started) * 1000
        pauses = self.gc.get(str(info.get("generation")))
        if pauses is not None:
            pauses.count += 1
            pauses.total_ms += ms
            pauses.longest_ms = max(pauses.longest_ms, ms)

    def record(self, late_ms: float, loop_cpu_ms: float = 0.0, cpu_ms: float = 0.0) -> None:
        """One wake-up that came `late_ms` late (the CPU used meanwhile: by the loop's thread,
        and by the whole process)."""
        self.samples += 1
        self.counts[bisect.bisect_left(BUCKETS_MS, late_ms)] += 1
        now = self._clock()
        second = int(now)
        if self._seconds and self._seconds[-1][0] == second:
            if late_ms > self._seconds[-1][1]:
                self._seconds[-1] = (second, late_ms)
        else:
            self._seconds.append((second, late_ms))
            while self._seconds[0][0] <= second - RECENT_S:
                self._seconds.popleft()
        if late_ms > self.longest_ms:
            self.longest_ms, self.longest_at = late_ms, self._wall()
        if late_ms < NOTABLE_MS:
            return
        self.notable.append((self._wall(), late_ms, loop_cpu_ms, cpu_ms))
        if late_ms >= self.warn_ms:
            self._warn(late_ms, now)

    def _warn(self, late_ms: float, now: float) -> None:
        if self._warned_at is not None and now - self._warned_at < WARN_EVERY_S:
            self._unlogged += 1
            return
        more = f" ({self._unlogged} more since the last warning)" if self._unlogged else ""
        log.warning("the event loop was held for %.0f ms%s", late_ms, more)
        self._warned_at, self._unlogged = now, 0

    def recent_max_ms(self) -> float:
        """The longest lateness within the last RECENT_S seconds."""
        cutoff = int(self._clock()) - RECENT_S
        return max((ms for second, ms in self._seconds if second > cutoff), default=0.0)

    def stats(self) -> LoopLagStats:
        return LoopLagStats(
            interval_ms=round(self.interval_s * 1000, 3),
            samples=self.samples,
            longest_ms=round(self.longest_ms, 1),
            longest_at=self.longest_at,
            recent_max_ms=round(self.recent_max_ms(), 1),
            histogram=dict(zip(_bucket_names(), self.counts, strict=True)),
            recent_stalls=[
                (round(at, 3), round(ms, 1), round(loop_cpu, 1), round(cpu, 1))
                for at, ms, loop_cpu, cpu in self.notable
            ],
            gc={
                g: GcPauses(p.count, round(p.longest_ms, 2), round(p.total_ms, 1))
                for g, p in self.gc.items()
            },
        )


class StallStacks:
    """Diagnosis (`VR_LOOP_STALL_STACKS_MS`): a thread that looks at the monitor every
    `every_s` and, while the loop's wake-up is overdue by `after_ms` or more, logs where the
    loop's thread is (its innermost frames), so that a stall names its cause. It needs the
    interpreter lock to look: a stall inside one long C call is seen where that call returns."""

    def __init__(self, monitor: LoopLagMonitor, after_ms: float, every_s: float = 0.005) -> None:
        self.monitor = monitor
        self.after_ms = after_ms
        self.every_s = every_s
        self._stop = threading.Event()
        self._loop_thread = threading.get_ident()
        self._cpu_clock = time.CLOCK_THREAD_CPUTIME_ID
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """From the loop's thread."""
        self._loop_thread = threading.get_ident()
        self._cpu_clock = time.pthread_getcpuclockid(self._loop_thread)
        self._thread = threading.Thread(target=self._watch, name="stall-stacks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1)

    def _watch(self) -> None:
        while not self._stop.wait(self.every_s):
            overdue = (time.monotonic() - self.monitor.planned) * 1000
            if overdue < self.after_ms:
                continue
            busy = (time.clock_gettime(self._cpu_clock) - self.monitor.cpu_at_sleep) * 1000
            frame = sys._current_frames().get(self._loop_thread)
            if frame is None:
                continue
            where = " < ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame, limit=14)[::-1]
            )
            log.warning(
                "the event loop is held, %.0f ms so far (%.0f ms of CPU) at %.3f: %s",
                overdue,
                busy,
                time.time(),
                where,
            )
