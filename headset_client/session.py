"""The session a headset is in, as its socket sees it: events out, acks, assignment, result.

`SessionLink` numbers each session event, keeps it until the server acknowledges it, and
sends what is unsent whenever it can (at once, after a reconnect, after the server asked for a
resend): the sans-I/O `EventOutbox` decides, this class only moves the frames through the
current `Transport` (None while disconnected). It follows the server's assignments and results
and tells subscribers (`publish`) about sessions lost and events refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from headset_client.errors import NoActiveSession
from headset_client.notices import EventRejected, Notice, SessionLost
from headset_client.outbox import EventOutbox
from headset_client.transport import Transport, TransportClosed
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.headset import Ack, Assignment, Error, Event, Result

__all__ = ["RETRY_LATER_S", "SessionLink"]

log = logging.getLogger(__name__)

RETRY_LATER_S = 1.0
"""How long to wait before resending after `rate_limited` or `internal_error`."""


class SessionLink:
    def __init__(
        self,
        transport: Callable[[], Transport | None],
        publish: Callable[[Notice], None],
        *,
        label: Callable[[], str],
        clock: Callable[[], float],
        outbox: EventOutbox | None = None,
    ) -> None:
        self._transport = transport
        self._publish = publish
        self._label = label
        self._clock = clock
        self.outbox = outbox or EventOutbox()
        self.assignment: Assignment | None = None
        """The session this headset is in, as last assigned (None in the lobby)."""
        self._send_lock = asyncio.Lock()
        self._idle = asyncio.Event()
        self._idle.set()
        self._later_tasks: set[asyncio.Task[None]] = set()

    @property
    def session_id(self) -> str | None:
        return self.outbox.session_id

    async def send_event(self, body: SessionEvent, *, session_id: str | None = None) -> Event:
        """Number an event of the current session, buffer it and send it if connected.

        With `session_id`, raises NoActiveSession unless that session is still the current
        one (so a player that has not noticed a new assignment cannot send into it)."""
        current = self.outbox.session_id
        if current is None or (session_id is not None and session_id != current):
            which = f"session {session_id} is" if session_id else "no session is"
            raise NoActiveSession(f"{which} assigned to {self._label()}; cannot send {body.kind}")
        frame = self.outbox.add(body, at=self._clock())
        self._idle.clear()
        await self.flush()
        return frame

    async def wait_acked(self) -> None:
        """Wait until every event sent so far is acknowledged (or dropped)."""
        await self._idle.wait()

    async def flush(self) -> None:
        """Send the buffered events not yet sent on this connection, in seq order."""
        async with self._send_lock:
            transport = self._transport()
            if transport is None:
                return
            for frame in self.outbox.take_unsent():
                try:
                    await transport.send(frame.model_dump_json())
                except TransportClosed:
                    return  # the receive loop sees the close; all is resent after reconnect

    # ------------------------------------------------------------ the connection

    def welcomed(self, active_session: str | None) -> None:
        """A connection opened and the server names `active_session`: a session of ours that
        is not it ended while we were away."""
        ours = self.outbox.session_id
        if ours is not None and ours != active_session:
            self.session_gone(ours)

    def connection_lost(self) -> None:
        self.outbox.connection_lost()

    async def close(self) -> None:
        """Cancel the resends waiting for later."""
        tasks = list(self._later_tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # ------------------------------------------------------------ frames in

    def on_ack(self, frame: Ack) -> None:
        self.outbox.ack(frame.session_id, frame.seq, duplicate=frame.duplicate)
        self._update_idle()

    async def on_assignment(self, frame: Assignment) -> None:
        old = self.outbox.session_id
        dropped = self.outbox.resume(frame.session_id, frame.resume.next_seq)
        if old is not None and old != frame.session_id:
            self._publish(SessionLost(old, len(dropped)))
        self.assignment = frame
        self._update_idle()
        self._publish(frame)
        await self.flush()

    def on_result(self, frame: Result) -> None:
        self.outbox.end_session(frame.session_id)
        if self.assignment is not None and self.assignment.session_id == frame.session_id:
            self.assignment = None
        self._update_idle()
        self._publish(frame)

    async def on_error(self, frame: Error) -> bool:
        """Act on an error frame; False when it concerned no event of ours (the caller
        reports it)."""
        session = self.outbox.session_id
        verdict = self.outbox.error(frame)
        if verdict.rejected is not None and not verdict.session_gone:
            log.warning("%s: event %d refused: %s", self._label(), frame.seq or 0, frame.message)
            self._publish(EventRejected(verdict.rejected, frame.code, frame.message))
        if verdict.session_gone and session is not None:
            self.session_gone(session, already_dropped=True)
        if verdict.resend:
            await self.flush()
        if verdict.retry_later:
            self._later(RETRY_LATER_S, self.flush)
        self._update_idle()
        return verdict.handled

    def session_gone(self, session_id: str, *, already_dropped: bool = False) -> None:
        dropped = [] if already_dropped else self.outbox.end_session(session_id)
        if self.assignment is not None and self.assignment.session_id == session_id:
            self.assignment = None
        self._update_idle()
        self._publish(SessionLost(session_id, len(dropped)))

    # ------------------------------------------------------------ helpers

    def _later(self, delay: float, func: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            await func()

        task = asyncio.create_task(run())
        self._later_tasks.add(task)
        task.add_done_callback(self._later_tasks.discard)

    def _update_idle(self) -> None:
        if self.outbox.idle:
            self._idle.set()
        else:
            self._idle.clear()
