"""Pausing the cyclic garbage collector while the event loop builds thousands of short-lived
objects at once.

A dashboard's snapshot at 10,000 headsets makes ~10,000 views (and their JSON) that live for a
few hundred milliseconds across many loop turns. With the collector on, the allocations set
off young and middle collections that walk every one of those objects: 20-30 ms each, often
from inside uvloop's own allocations, where a stack sample shows no Python frame
(bench/sessions.py: the stalls when a dashboard connects). Paused, the objects are freed by
reference counting once the work drops them, and the collector never sees them.

Pauses nest: the collector runs again when the outermost pause ends, and only if it was on
when that pause began. The process has one collector, so the depth is the process's too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class _Depth:
    value = 0
    resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic collector off inside the block (drop the block's large objects before
    it ends, so that the collector never walks them)."""
    if _Depth.value == 0:
        _Depth.resume = gc.isenabled()
        gc.disable()
    _Depth.value += 1
    try:
        yield
    finally:
        _Depth.value -= 1
        if _Depth.value == 0 and _Depth.resume:
            gc.enable()
