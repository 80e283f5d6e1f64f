"""Stopping a background task: cancel it and wait until it has stopped.

Every long-lived helper task of the server (the Redis bus's reader, the presence refresher,
the revocation listener, a socket's bus pump) ends the same way on close; a cancel that the
task turns into its own exit is not an error.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` (None: nothing to do) and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
