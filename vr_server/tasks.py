"""Task helpers: stopping a background task, and opening in a worker thread for a caller that
may be cancelled.

Every long-lived helper task of the server (the Redis bus's reader, the presence refresher,
the revocation listener, a socket's bus pump) ends the same way on close; a cancel that the
task turns into its own exit is not an error.

A file opened in a worker thread (`asyncio.to_thread`) outlives a caller cancelled while it
opens (a client that disconnects): the thread still finishes, and what it opened must be
closed by someone, or a file descriptor leaks with every such disconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


async def cancel(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` (None: nothing to do) and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def open_in_thread(open_: Callable[[], T], close: Callable[[T], None]) -> T:
    """`open_()` in a worker thread. When the caller is cancelled meanwhile, what the thread
    opens is closed with `close` rather than leaked; the thread closes it itself when it
    finishes after the cancel, so no event-loop callback is needed (the loop may be shutting
    down)."""
    handoff = _Handoff(open_, close)
    try:
        return await asyncio.to_thread(handoff.open)
    except asyncio.CancelledError:
        handoff.abandon()
        raise


class _Handoff(Generic[T]):
    """What a worker thread opens, for a caller that may give up while it opens."""

    def __init__(self, open_: Callable[[], T], close: Callable[[T], None]) -> None:
        self._open, self._close = open_, close
        self._lock = threading.Lock()
        self._opened: list[T] = []
        self._abandoned = False

    def open(self) -> T:
        opened = self._open()
        with self._lock:
            self._opened.append(opened)
            if self._abandoned:
                self._close(opened)
        return opened

    def abandon(self) -> None:
        with self._lock:
            self._abandoned = True
            for opened in self._opened:
                self._close(opened)
