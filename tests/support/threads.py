"""An opener held in its worker thread, so that a test can cancel the caller while it opens
(`vr_server.tasks.open_in_thread`)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class HeldOpener(Generic[T]):
    """Calls `open_` once released; `made` holds what it returned."""

    def __init__(self, open_: Callable[..., T]) -> None:
        self._open = open_
        self._opening, self._release = threading.Event(), threading.Event()
        self.made: list[T] = []

    def __call__(self, *args: Any, **kwargs: Any) -> T:
        self._opening.set()
        self._release.wait(5)
        self.made.append(self._open(*args, **kwargs))
        return self.made[-1]

    async def opening(self) -> None:
        """Until a worker thread is inside the opener."""
        await asyncio.to_thread(self._opening.wait, 5)

    def release_and_see_closed(self, closed: Callable[[T], bool]) -> bool:
        """Let the opener finish, then whether what it made is closed within 5 s. It blocks the
        event loop on purpose: a loop that is shutting down runs no callback, so closing must
        not need one."""
        self._release.set()
        deadline = time.monotonic() + 5
        while not (self.made and closed(self.made[0])) and time.monotonic() < deadline:
            time.sleep(0.01)
        return bool(self.made) and closed(self.made[0])
