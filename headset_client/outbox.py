"""Numbering, buffering and resending of session events, without I/O.

The headset numbers its events 1, 2, 3, ... per session and keeps each one until the server
acknowledges it. The server applies only the seq it expects next, so the outbox works like
go-back-N:

* `add()` numbers an event and buffers it; `take_unsent()` hands out, in order, the buffered
  events not yet sent on the current connection.
* `ack()` drops everything up to the acknowledged seq (acceptance is in order, so an ack is
  cumulative; a duplicate ack means "already stored", which is as good).
* After a reconnect, `connection_lost()` marks every buffered event unsent again; `resume()`
  reconciles with the server's `next_seq` from the assignment (drops what it already stored).
* `error()` handles the server's refusals: `seq_gap` resends from the expected seq (once per
  gap: later gaps with the same expected seq are echoes of frames already in flight); an
  event refused as invalid is dropped and the ones after it are renumbered down, since the
  server never stored anything after it; `seq_conflict` drops the event; `wrong_session` ends
  the session; `rate_limited` and `internal_error` resend after a pause.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.headset import Error, Event


@dataclass(frozen=True)
class ErrorVerdict:
    """What the outbox made of an `error` frame."""

    handled: bool = False
    """The error concerned a buffered event of the current session."""
    rejected: Event | None = None
    """An event the server refused for good (it was dropped from the buffer)."""
    resend: bool = False
    """Some events became unsent again: call `take_unsent()` and send them."""
    retry_later: bool = False
    """The server is rate limiting (or failed inside): resend after a pause."""
    session_gone: bool = False
    """The server no longer has this session: the buffer was emptied."""


@dataclass
class OutboxStats:
    added: int = 0
    sent: int = 0
    resent: int = 0
    acked: int = 0
    duplicates: int = 0
    rejected: int = 0
    dropped: int = 0


@dataclass
class EventOutbox:
    session_id: str | None = None
    next_seq: int = 1
    stats: OutboxStats = field(default_factory=OutboxStats)
    _pending: list[Event] = field(default_factory=list)
    _sent_upto: int = 0
    _resync_from: int | None = None
    _ever_sent: set[int] = field(default_factory=set)

    # ------------------------------------------------------------ queries

    @property
    def pending(self) -> tuple[Event, ...]:
        """Events not yet acknowledged, in seq order."""
        return tuple(self._pending)

    @property
    def idle(self) -> bool:
        """Nothing waits for an acknowledgement."""
        return not self._pending

    # ------------------------------------------------------------ sessions

    def start_session(self, session_id: str, next_seq: int = 1) -> list[Event]:
        """Begin numbering for a new session; returns the events of the old one, dropped."""
        dropped = self._drop_all()
        self.session_id = session_id
        self.next_seq = max(1, next_seq)
        return dropped

    def resume(self, session_id: str, next_seq: int) -> list[Event]:
        """Reconcile with the server's view after a (re)connection.

        For another session this is `start_session`. For the same one, events below `next_seq`
        are stored (acknowledged implicitly); the rest stay buffered, renumbered from
        `next_seq` in the unlikely case the server lost some, and all of them are unsent.
        Returns the events dropped without an acknowledgement (another session's).
        """
        if session_id != self.session_id:
            return self.start_session(session_id, next_seq)
        self._ack_below(next_seq)
        if self._pending and self._pending[0].seq != next_seq:
            self._renumber_from(0, next_seq)
        self.next_seq = self._pending[-1].seq + 1 if self._pending else max(1, next_seq)
        self.connection_lost()
        return []

    def end_session(self, session_id: str) -> list[Event]:
        """The session ended: forget it; returns events that were never acknowledged."""
        if session_id != self.session_id:
            return []
        dropped = self._drop_all()
        self.session_id = None
        return dropped

    # ------------------------------------------------------------ sending

    def add(self, body: SessionEvent, at: float | None = None) -> Event:
        if self.session_id is None:
            raise LookupError("no session to number events for")
        frame = Event(session_id=self.session_id, seq=self.next_seq, at=at, event=body)
        self.next_seq += 1
        self._pending.append(frame)
        self.stats.added += 1
        return frame

    def take_unsent(self) -> list[Event]:
        """The buffered events to transmit now, in order; they count as sent afterwards."""
        out = [e for e in self._pending if e.seq > self._sent_upto]
        if out:
            self._sent_upto = out[-1].seq
            for e in out:
                if e.seq in self._ever_sent:
                    self.stats.resent += 1
                else:
                    self.stats.sent += 1
                    self._ever_sent.add(e.seq)
        return out

    def connection_lost(self) -> None:
        """Everything buffered must be sent again on the next connection."""
        self._sent_upto = 0
        self._resync_from = None

    # ------------------------------------------------------------ server replies

    def ack(self, session_id: str, seq: int, *, duplicate: bool = False) -> int:
        """Drop the events up to `seq`; returns how many were dropped."""
        if session_id != self.session_id:
            return 0
        n = self._ack_below(seq + 1)
        if n and duplicate:
            self.stats.duplicates += 1
        if self._resync_from is not None and seq >= self._resync_from:
            self._resync_from = None
        return n

    def error(self, err: Error) -> ErrorVerdict:
        if err.seq is None or self.session_id is None:
            return ErrorVerdict()
        if err.code == ErrorCode.SEQ_GAP:
            return self._gap(err.expected_seq if err.expected_seq is not None else err.seq)
        index = next((i for i, e in enumerate(self._pending) if e.seq == err.seq), None)
        if err.code in (ErrorCode.WRONG_SESSION, ErrorCode.NOT_FOUND):
            dropped = self._drop_all()
            self.session_id = None
            first = dropped[0] if dropped else None
            return ErrorVerdict(handled=True, session_gone=True, rejected=first)
        if index is None:
            return ErrorVerdict()  # about an event already settled: an echo
        if err.code in (ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL):
            # Not stored, but nothing wrong with the event: send it again in a moment.
            self._sent_upto = min(self._sent_upto, err.seq - 1)
            self._resync_from = None
            return ErrorVerdict(handled=True, retry_later=True)
        rejected = self._pending.pop(index)
        self.stats.rejected += 1
        if err.code == ErrorCode.SEQ_CONFLICT:
            # The server holds another event under this seq: ours can never be stored.
            return ErrorVerdict(handled=True, rejected=rejected)
        # Refused as invalid: the server still expects this seq, and stored nothing after it.
        self._renumber_from(index, err.seq)
        self.next_seq -= 1
        self._sent_upto = min(self._sent_upto, err.seq - 1)
        self._resync_from = err.seq
        return ErrorVerdict(handled=True, rejected=rejected, resend=index < len(self._pending))

    # ------------------------------------------------------------ internals

    def _gap(self, expected: int) -> ErrorVerdict:
        self._ack_below(expected)
        if not self._pending:
            self.next_seq = max(self.next_seq, expected)
            return ErrorVerdict(handled=True)
        if expected < self._pending[0].seq:
            # The server lacks events it had acknowledged (it lost data): renumber what is left.
            self._renumber_from(0, expected)
            self.next_seq = self._pending[-1].seq + 1
        if self._resync_from == expected:
            return ErrorVerdict(handled=True)  # an echo of frames sent before the resend
        self._resync_from = expected
        self._sent_upto = min(self._sent_upto, expected - 1)
        return ErrorVerdict(handled=True, resend=True)

    def _ack_below(self, seq: int) -> int:
        n = 0
        while self._pending and self._pending[0].seq < seq:
            self._pending.pop(0)
            n += 1
        self.stats.acked += n
        return n

    def _renumber_from(self, index: int, first_seq: int) -> None:
        for offset, frame in enumerate(self._pending[index:]):
            seq = first_seq + offset
            if frame.seq != seq:
                self._pending[index + offset] = frame.model_copy(update={"seq": seq})

    def _drop_all(self) -> list[Event]:
        dropped, self._pending = self._pending, []
        self.stats.dropped += len(dropped)
        self._sent_upto = 0
        self._resync_from = None
        self._ever_sent.clear()
        return dropped
