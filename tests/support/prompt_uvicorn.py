"""A uvicorn server for in-process tests that stops as soon as it is told to.

`uvicorn.Server.serve` (0.54, the pinned version) looks at `should_exit` every 0.1 s, and its
`shutdown` sleeps a fixed 0.1 s after asking the connections to close, then polls them every
0.1 s: 0.15 to 0.3 s of idle waiting each time a test stops its server, and the fast tier
stops one in about a hundred tests. `PromptServer` is uvicorn's own server with those two
waits shortened: `stop()` wakes the main loop at once, and shutdown polls every few
milliseconds. It does what uvicorn's `shutdown` does, in the same order: stop accepting,
ask every connection to shut down, wait for connections and tasks (cancelling the tasks after
`timeout_graceful_shutdown`), wait for the listening sockets, then the lifespan shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

import uvicorn

POLL_S = 0.005


class PromptServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake = asyncio.Event()

    def stop(self) -> None:
        """Ask the server to exit (as `should_exit = True` does), now rather than at the next
        0.1 s tick."""
        self.should_exit = True
        self._wake.set()

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)  # uvicorn: asyncio.sleep(0.1)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        state = self.server_state
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                # uvicorn has no event for "the last connection closed": it polls too
                while (state.connections or state.tasks) and not self.force_exit:  # noqa: ASYNC110
                    await asyncio.sleep(POLL_S)
                for server in self.servers:
                    await server.wait_closed()
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()
