"""Forwarding a bus subscription to a connection, and resynchronising after a broker outage.

The sockets subscribe to their channel (`headset.<id>`, `staff`) and relay what arrives. Frames
that need no decision are written from the bus's delivery callback (`Subscription.direct`), the
rest by the relay task. When the bus got its broker back (RESET), what was published during the
outage is lost: the socket's `resync` gives the frame that brings the client up to date.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from pydantic import BaseModel

from vr_server.bus import Subscription
from vr_server.bus.base import RESET
from vr_server.protocol.errors import CloseCode
from vr_server.ws.connection import Connection

log = logging.getLogger(__name__)


async def relay(
    conn: Connection,
    subscription: Subscription,
    forward: Callable[[str], bool],
    direct: Callable[[str], bool],
    resync: Callable[[], Awaitable[BaseModel | str | None]],
) -> None:
    """Hand the subscription's messages to `forward` (False: stop) until the connection ends;
    `direct` may take a message in the bus's callback (False: `forward` gets it in order). After
    a RESET, later messages wait until the frame from `resync` has been sent; if it fails (the
    database may be down as well) the connection closes with 1011 and the client reconnects."""
    reset = False

    def handle(message: str) -> bool:
        nonlocal reset
        if message == RESET:
            reset = True
            subscription.direct = None  # until resynchronised: later frames wait behind it
            return False
        return forward(message)

    while True:
        reset = False
        subscription.direct = direct
        await pump(conn, subscription, handle)
        if not reset:
            return
        try:
            frame = await resync()
        except Exception:
            log.warning("%s: no resync after a bus reconnect", conn.who, exc_info=True)
            conn.request_close(CloseCode.INTERNAL_ERROR, "could not resynchronise")
            return
        if frame is not None:
            conn.send(frame)


async def pump(conn: Connection, subscription: Subscription, handle: Callable[[str], bool]) -> None:
    """Forward bus messages to `handle` until it returns False or the subscriber overflows.

    Messages already queued are taken without waiting. A subscription only overflows when its
    queue is full, so checking `overflowed` before each message is enough: it is never set
    while the queue is empty and this loop waits."""
    queue = subscription.queue
    overflowed = subscription.overflowed
    while True:
        if queue.empty():
            message = await subscription.get()
        else:
            message = queue.get_nowait()
        if overflowed.is_set():
            conn.drop_slow()
            return
        if not handle(message):
            return
