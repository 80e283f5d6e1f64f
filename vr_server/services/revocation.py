"""Taking access back at once: the open sockets of a revoked credential close with 4401 within
a second, on every instance.

Each socket registers its credential after authenticating (`track`: the token's hash and its
subject, i.e. the account, kiosk or headset) and unregisters when it ends (`untrack`). A
revocation (`revoke`) is applied here at once and published on the `revocations` bus channel,
so every instance drops its 5-second trust in the token (AuthService.forget) and closes the
matching sockets. After the bus lost its broker (RESET: revocations published meanwhile are
gone), every tracked credential is checked against the database again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Protocol

from vr_server.bus import Bus, Subscription
from vr_server.bus.base import RESET
from vr_server.errors import ServerError, Unavailable
from vr_server.groups import leave_group
from vr_server.protocol.errors import CloseCode
from vr_server.services.auth import AuthService, token_hash
from vr_server.tasks import cancel

log = logging.getLogger(__name__)

REVOCATION_CHANNEL = "revocations"
RECENT_S = 60.0
"""A socket that registers a credential revoked this recently is closed at once (it was
authenticated just before the revocation arrived)."""
REVOKED_REASON = "the credential was revoked"


class Closable(Protocol):
    def request_close(self, code: int, reason: str) -> None: ...


def _key(token_hash: str | None = None, subject_id: str | None = None) -> str:
    return f"t:{token_hash}" if token_hash is not None else f"s:{subject_id}"


class Revocations:
    def __init__(self, bus: Bus, auth: AuthService) -> None:
        self.bus = bus
        self.auth = auth
        self._by_key: dict[str, set[Closable]] = {}
        self._keys: dict[Closable, tuple[str, str]] = {}
        self._tokens: dict[Closable, str] = {}
        self._recent: dict[str, float] = {}
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float) -> None:  # noqa: ASYNC109
        self._subscription = self.bus.subscribe(REVOCATION_CHANNEL, maxsize=10_000)
        await self._subscription.ready(timeout)
        self._task = asyncio.create_task(self._listen(self._subscription))

    async def close(self) -> None:
        await cancel(self._task)
        if self._subscription is not None:
            self.bus.unsubscribe(self._subscription)

    # ------------------------------------------------------------ sockets

    def track(self, conn: Closable, token: str, subject_id: str) -> None:
        """Register an authenticated socket under its token and subject."""
        keys = (_key(token_hash=token_hash(token)), _key(subject_id=subject_id))
        self._keys[conn] = keys
        self._tokens[conn] = token
        for key in keys:
            self._by_key.setdefault(key, set()).add(conn)
        now = time.monotonic()
        if any(now - self._recent.get(key, -RECENT_S) < RECENT_S for key in keys):
            conn.request_close(CloseCode.UNAUTHORIZED, REVOKED_REASON)

    def untrack(self, conn: Closable) -> None:
        self._tokens.pop(conn, None)
        for key in self._keys.pop(conn, ()):
            leave_group(self._by_key, key, conn)

    @property
    def tracked(self) -> int:
        return len(self._keys)

    # ------------------------------------------------------------ revoking

    async def revoke(self, *, token_hash: str | None = None, subject_id: str | None = None) -> int:
        """Apply a revocation here and publish it to every instance; returns how many sockets
        of this instance it closed."""
        message = json.dumps({"token": token_hash, "subject": subject_id})
        closed = self._apply(token_hash, subject_id)
        await self.bus.publish(REVOCATION_CHANNEL, message)
        return closed

    async def forget(self, *, subject_id: str) -> None:
        """Drop every instance's trust in a subject's tokens without closing its sockets (its
        rights changed, e.g. contact access)."""
        self.auth.forget(subject_id=subject_id)
        await self.bus.publish(REVOCATION_CHANNEL, json.dumps({"forget": subject_id}))

    def _apply(self, token_hash: str | None, subject_id: str | None) -> int:
        self.auth.forget(token_hash=token_hash, subject_id=subject_id)
        now = time.monotonic()
        for stale in [k for k, at in self._recent.items() if now - at >= RECENT_S]:
            del self._recent[stale]
        closed = 0
        for key in (
            _key(token_hash=token_hash) if token_hash else None,
            _key(subject_id=subject_id) if subject_id else None,
        ):
            if key is None:
                continue
            self._recent[key] = now
            for conn in list(self._by_key.get(key, ())):
                conn.request_close(CloseCode.UNAUTHORIZED, REVOKED_REASON)
                self.untrack(conn)
                closed += 1
        if closed:
            log.info("closed %d socket(s) of a revoked credential", closed)
        return closed

    async def _listen(self, subscription: Subscription) -> None:
        while True:
            message = await subscription.get()
            if message == RESET:
                await self._recheck()
                continue
            try:
                body = json.loads(message)
                if body.get("forget"):
                    self.auth.forget(subject_id=body["forget"])
                else:
                    self._apply(body.get("token"), body.get("subject"))
            except (ValueError, AttributeError):
                log.warning("ignored a malformed revocation message")

    async def _recheck(self) -> None:
        """Revocations published while the broker was away are lost: check every tracked
        credential in the database again."""
        self.auth.forget_all()
        for conn, token in list(self._tokens.items()):
            try:
                await self.auth.authenticate(token, {"admin", "staff", "kiosk", "device"})
            except Unavailable:
                return  # the database is away too: the next RESET or reconnect checks again
            except ServerError:
                if conn in self._keys:
                    conn.request_close(CloseCode.UNAUTHORIZED, REVOKED_REASON)
                    self.untrack(conn)
