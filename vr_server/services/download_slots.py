"""The download scheduler: which headset may download which asset now (sans I/O).

The venue's Wi-Fi budget is cut into slots of the per-headset rate (`slots = budget // rate`,
at least one). Every granted download holds a slot until the headset reports it done, failed
or paused, disconnects, or sends no progress for `expire_s`. The rules, applied by
`schedule()` after every change:

1. A visitor's download (`request`, purpose `session`) goes ahead of all prefetching: it takes
   a free slot, or the slot of a prefetch, which is stopped (`session_first`). Visitors'
   downloads wait for each other in the order they asked. A visitor's download is not held
   to the per-headset rate: it may use the whole budget, shared with the other visitors'
   downloads in flight (prefetching has paused), so a cold start is as short as the budget
   allows.
2. While any session is loading (a headset said `loading` and not yet `ready`), or a visitor's
   download waits or runs, prefetching pauses: running prefetches are stopped
   (`session_loading`) and none is granted.
3. Otherwise free slots go to prefetching: the catalog's scene versions in the order of
   `order` (most used first), each to the idle headsets that lack any of its assets (its
   model, then its sound files, one at a time), before the next scene. A scene is cached on a
   headset only when it holds them all.

The scheduler returns the frames to send (`Send`); the service (services/distribution.py)
sends them and feeds it the headsets' reports.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from vr_server.errors import Invalid, InvalidState
from vr_server.protocol.distribution import DownloadGrant, DownloadStop, Purpose

LOADING_MAX_S = 120.0


@dataclass(frozen=True, slots=True)
class Send:
    headset_id: str
    frame: DownloadGrant | DownloadStop


@dataclass(slots=True)
class Grant:
    grant_id: str
    headset_id: str
    sha256: str
    size: int
    purpose: Purpose
    rate_bps: int
    last_news: float
    done: int = 0
    sent: int = 0
    """Bytes the server sent for it (the asset route's shaper counts them)."""


@dataclass(slots=True)
class Holder:
    """A connected headset that reports its cache."""

    held: set[str] = field(default_factory=set)
    idle: bool = True


@dataclass(frozen=True, slots=True)
class Waiting:
    headset_id: str
    sha256: str
    size: int


class Scheduler:
    def __init__(self, venue_bps: int, headset_bps: int, *, expire_s: float = 15.0) -> None:
        if venue_bps <= 0 or headset_bps <= 0:
            raise ValueError("the scheduler needs a positive budget and per-headset rate")
        self.venue_bps = venue_bps
        self.rate_bps = min(headset_bps, venue_bps)
        """A prefetch's rate. A visitor's download may use the whole budget (prefetching has
        paused), shared with the other visitors' downloads (services/distribution.py)."""
        self.slots = max(1, venue_bps // self.rate_bps)
        self.expire_s = expire_s
        self.holders: dict[str, Holder] = {}
        self.grants: dict[str, Grant] = {}
        self.waiting: deque[Waiting] = deque()
        self.sessions_loading: dict[str, float] = {}
        """Headsets (reporting their cache or not) whose session is loading, since when; one
        that says nothing more for `LOADING_MAX_S` no longer holds prefetching up."""
        self.order: list[list[tuple[str, int]]] = []
        """The scene versions to prefetch, most used first: each the (sha256, size) of its
        model, then of its sound files."""
        self._ids = itertools.count(1)
        self.peak = 0
        """The most grants that were ever in flight at once."""

    # ------------------------------------------------------------ what headsets say

    def join(self, headset_id: str, held: set[str], idle: bool) -> None:
        """A headset's complete inventory (its first, or a new one)."""
        holder = self.holders.setdefault(headset_id, Holder())
        holder.held = set(held)
        holder.idle = idle

    def leave(self, headset_id: str, now: float) -> list[Send]:
        self.holders.pop(headset_id, None)
        self.sessions_loading.pop(headset_id, None)
        self.waiting = deque(w for w in self.waiting if w.headset_id != headset_id)
        for grant in self._grants_of(headset_id):
            del self.grants[grant.grant_id]
        return self.schedule(now)

    def loading(self, headset_id: str, loading: bool, now: float) -> list[Send]:
        """A headset's session started loading (`loading`) or stopped (`ready`, failed)."""
        if loading:
            self.sessions_loading.setdefault(headset_id, now)
            holder = self.holders.get(headset_id)
            if holder is not None:
                holder.idle = False
        else:
            self.sessions_loading.pop(headset_id, None)
        return self.schedule(now)

    def request(self, headset_id: str, sha256: str, size: int, now: float) -> list[Send]:
        """A visitor waits for `sha256` on this headset."""
        holder = self.holders.setdefault(headset_id, Holder(idle=False))
        holder.held.discard(sha256)
        holder.idle = False
        out: list[Send] = []
        for grant in self._grants_of(headset_id):
            if grant.purpose == "session" and grant.sha256 == sha256:
                return [Send(headset_id, self._grant_frame(grant))]  # asked again: same grant
            del self.grants[grant.grant_id]  # one download at a time per headset
            out.append(self._stop(grant, "replaced"))
        if not any(w.headset_id == headset_id and w.sha256 == sha256 for w in self.waiting):
            self.waiting = deque(w for w in self.waiting if w.headset_id != headset_id)
            self.waiting.append(Waiting(headset_id, sha256, size))
        return out + self.schedule(now)

    def progress(
        self, headset_id: str, grant_id: str, sha256: str, done: int, state: str, now: float
    ) -> list[Send]:
        """InvalidState when the headset holds no such grant, Invalid when `done` is more than
        the asset's size."""
        grant = self.grants.get(grant_id)
        if grant is None or grant.headset_id != headset_id or grant.sha256 != sha256:
            raise InvalidState(
                f"no download of {sha256[:12]}… is granted to this headset as {grant_id[:40]}"
            )
        if done > grant.size:
            raise Invalid(f"{done} bytes done of an asset of {grant.size}")
        grant.done = done
        grant.last_news = now
        if state == "downloading":
            return []
        del self.grants[grant_id]
        holder = self.holders.get(headset_id)
        if state == "done" and holder is not None:
            holder.held.add(sha256)
        return self.schedule(now)

    def sent(self, grant_id: str, n: int, now: float) -> None:
        grant = self.grants.get(grant_id)
        if grant is not None:
            grant.sent += n
            grant.last_news = now

    def grant_for(self, headset_id: str, grant_id: str, sha256: str) -> Grant | None:
        grant = self.grants.get(grant_id)
        if grant is None or grant.headset_id != headset_id or grant.sha256 != sha256:
            return None
        return grant

    # ------------------------------------------------------------ deciding

    def busy(self) -> bool:
        """A session loads or a visitor's download waits or runs: no prefetching."""
        return (
            bool(self.waiting)
            or bool(self.sessions_loading)
            or any(g.purpose == "session" for g in self.grants.values())
        )

    def schedule(self, now: float) -> list[Send]:
        out: list[Send] = []
        for headset_id, since in list(self.sessions_loading.items()):
            if now - since > LOADING_MAX_S:
                del self.sessions_loading[headset_id]
        for grant in list(self.grants.values()):
            if now - grant.last_news > self.expire_s:
                del self.grants[grant.grant_id]
                out.append(self._stop(grant, "expired"))
        if self.busy():
            for grant in list(self.grants.values()):
                if grant.purpose == "prefetch":
                    del self.grants[grant.grant_id]
                    reason = "session_first" if self.waiting else "session_loading"
                    out.append(self._stop(grant, reason))
        while self.waiting and len(self.grants) < self.slots:
            wait = self.waiting.popleft()
            out.append(self._grant(wait.headset_id, wait.sha256, wait.size, "session", now))
        if not self.busy():
            out.extend(self._prefetch(now))
        self.peak = max(self.peak, len(self.grants))
        return out

    def _prefetch(self, now: float) -> list[Send]:
        out: list[Send] = []
        busy = {g.headset_id for g in self.grants.values()}
        for assets in self.order:
            for headset_id, holder in sorted(self.holders.items()):
                if len(self.grants) >= self.slots:
                    return out
                if not holder.idle or headset_id in busy:
                    continue
                missing = next(((s, n) for s, n in assets if s not in holder.held), None)
                if missing is not None:
                    out.append(self._grant(headset_id, *missing, "prefetch", now))
                    busy.add(headset_id)
        return out

    def _grant(self, headset_id: str, sha256: str, size: int, purpose: Purpose, now: float) -> Send:
        rate = self.venue_bps if purpose == "session" else self.rate_bps
        grant = Grant(f"g{next(self._ids)}", headset_id, sha256, size, purpose, rate, now)
        self.grants[grant.grant_id] = grant
        return Send(headset_id, self._grant_frame(grant))

    def _grant_frame(self, grant: Grant) -> DownloadGrant:
        return DownloadGrant(
            grant_id=grant.grant_id,
            sha256=grant.sha256,
            size=grant.size,
            purpose=grant.purpose,
            rate_bps=grant.rate_bps,
            expires_s=self.expire_s,
        )

    def _stop(self, grant: Grant, reason: str) -> Send:
        frame = DownloadStop.model_validate(
            {"grant_id": grant.grant_id, "sha256": grant.sha256, "reason": reason}
        )
        return Send(grant.headset_id, frame)

    def _grants_of(self, headset_id: str) -> list[Grant]:
        return [g for g in self.grants.values() if g.headset_id == headset_id]
