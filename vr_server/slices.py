"""Work on thousands of items done on the event loop in slices, the loop free in between.

A worker thread does not take such work off the loop: CPU-bound Python in a thread holds the
interpreter lock, and the loop then waits for it at every turn (with uvloop, each I/O callback
came ~7 times slower while a thread computed; bench/sessions.py --dashboards showed the
snapshot's thread holding the loop). In slices of SLICE items, each turn stays short (a few
milliseconds), and headsets' frames, commands and pongs go in between.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

SLICE = 250


async def map_in_slices(fn: Callable[[T], R], items: Iterable[T], size: int = SLICE) -> list[R]:
    """`[fn(item) for item in items]`, letting the loop run other work every `size` items."""
    out: list[R] = []
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            out.extend(fn(x) for x in batch)
            batch.clear()
            await asyncio.sleep(0)
    out.extend(fn(x) for x in batch)
    return out
