"""The event outbox without I/O: numbering, acks, resend after reconnect, the server's refusals."""

from __future__ import annotations

import random
from collections import deque
from typing import Any

import pytest

from headset_client.outbox import EventOutbox
from headset_client.playbook import session_events
from tests.headset_client.fake_server import answer_event
from tests.headset_client.support import every_kind_script
from vr_server.protocol import session_machine as sm
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.events import CallStaff, StepStarted
from vr_server.protocol.headset import Ack, Error, Event


def ev(i: int) -> CallStaff:
    return CallStaff(reason=f"r{i}")


def seqs(frames: Any) -> list[int]:
    return [f.seq for f in frames]


def filled(events: int) -> EventOutbox:
    """An outbox in session s1 holding `events` events (seq 1, 2, ...), none sent yet."""
    box = EventOutbox()
    box.start_session("s1")
    for i in range(events):
        box.add(ev(i))
    return box


def test_numbers_events_from_one_and_sends_each_once() -> None:
    box = EventOutbox()
    box.start_session("s1")
    frames = [box.add(ev(i), at=100.0 + i) for i in range(3)]
    assert seqs(frames) == [1, 2, 3]
    assert all(f.session_id == "s1" for f in frames)
    assert frames[0].at == 100.0
    assert seqs(box.take_unsent()) == [1, 2, 3]
    assert box.take_unsent() == []
    box.add(ev(3))
    assert seqs(box.take_unsent()) == [4]


def test_cannot_number_without_a_session() -> None:
    with pytest.raises(LookupError):
        EventOutbox().add(ev(0))


def test_acks_are_cumulative_and_ignore_other_sessions() -> None:
    box = filled(4)
    assert box.ack("other", 4) == 0
    assert box.ack("s1", 2) == 2
    assert seqs(box.pending) == [3, 4]
    assert box.ack("s1", 4, duplicate=True) == 2
    assert box.idle
    assert box.ack("s1", 4) == 0  # late duplicate: nothing left


def test_everything_unacked_is_resent_after_a_reconnect() -> None:
    box = filled(3)
    box.take_unsent()
    box.ack("s1", 1)
    box.connection_lost()
    assert seqs(box.take_unsent()) == [2, 3]
    assert box.stats.resent == 2


def test_resume_drops_what_the_server_stored_and_keeps_numbering() -> None:
    box = filled(5)
    box.take_unsent()
    # acks for 1..3 were lost in the drop, but the server stored them: next_seq is 4
    assert box.resume("s1", 4) == []
    assert seqs(box.take_unsent()) == [4, 5]
    assert box.add(ev(9)).seq == 6


def test_resume_of_a_fresh_client_takes_the_servers_next_seq() -> None:
    box = EventOutbox()
    box.resume("s1", 12)
    assert box.session_id == "s1"
    assert box.add(ev(0)).seq == 12


def test_resume_renumbers_when_the_server_lost_events() -> None:
    box = filled(5)
    box.ack("s1", 3)  # 4, 5 pending, but the server says it expects 2
    box.resume("s1", 2)
    assert seqs(box.take_unsent()) == [2, 3]
    assert [f.event for f in box.pending] == [ev(3), ev(4)]
    assert box.add(ev(5)).seq == 4


def test_resume_for_another_session_drops_the_old_buffer() -> None:
    box = EventOutbox()
    box.start_session("s1")
    box.add(ev(0))
    dropped = box.resume("s2", 1)
    assert seqs(dropped) == [1]
    assert box.session_id == "s2"
    assert box.idle


def test_seq_gap_resends_from_the_expected_seq_once() -> None:
    box = filled(4)
    box.take_unsent()
    gap = Error(code=ErrorCode.SEQ_GAP, message="gap", seq=3, expected_seq=2)
    verdict = box.error(gap)
    assert verdict.handled
    assert verdict.resend
    assert seqs(box.pending) == [2, 3, 4]  # 1 is stored: an implicit ack
    assert seqs(box.take_unsent()) == [2, 3, 4]
    echo = Error(code=ErrorCode.SEQ_GAP, message="gap", seq=4, expected_seq=2)
    assert not box.error(echo).resend  # an echo of a frame sent before the resend
    assert box.take_unsent() == []


def test_an_invalid_event_is_dropped_and_the_rest_renumbered() -> None:
    box = filled(4)
    box.take_unsent()
    box.ack("s1", 1)
    verdict = box.error(Error(code=ErrorCode.INVALID_EVENT, message="no", seq=2))
    assert verdict.rejected is not None
    assert verdict.rejected.event == ev(1)
    assert verdict.resend
    assert [(f.seq, f.event) for f in box.pending] == [(2, ev(2)), (3, ev(3))]
    assert seqs(box.take_unsent()) == [2, 3]
    # the gap errors of the old 3 and 4 arrive afterwards: echoes, nothing to do
    for old in (3, 4):
        assert not box.error(
            Error(code=ErrorCode.SEQ_GAP, message="gap", seq=old, expected_seq=2)
        ).resend
    assert box.add(ev(9)).seq == 4


def test_seq_conflict_drops_only_that_event() -> None:
    box = filled(3)
    verdict = box.error(Error(code=ErrorCode.SEQ_CONFLICT, message="differs", seq=2))
    assert verdict.rejected is not None
    assert seqs(box.pending) == [1, 3]


def test_wrong_session_empties_the_buffer() -> None:
    box = EventOutbox()
    box.start_session("s1")
    box.add(ev(0))
    verdict = box.error(Error(code=ErrorCode.WRONG_SESSION, message="no", seq=1))
    assert verdict.session_gone
    assert box.session_id is None
    assert box.idle


def test_rate_limited_event_is_kept_for_a_later_resend() -> None:
    box = EventOutbox()
    box.start_session("s1")
    box.add(ev(0))
    box.take_unsent()
    verdict = box.error(Error(code=ErrorCode.RATE_LIMITED, message="slow down", seq=1))
    assert verdict.retry_later
    assert verdict.rejected is None
    assert seqs(box.take_unsent()) == [1]


def test_errors_about_settled_events_are_ignored() -> None:
    box = EventOutbox()
    box.start_session("s1")
    box.add(ev(0))
    box.ack("s1", 1)
    assert not box.error(Error(code=ErrorCode.INVALID_EVENT, message="late", seq=1)).handled
    assert not box.error(Error(code=ErrorCode.INVALID_STATE, message="no seq")).handled


class LossyLink:
    """A server (the real session machine) behind a connection that drops at random."""

    def __init__(self, script: Any) -> None:
        self.machine = sm.SessionMachine(script, state="running")
        self.stored: dict[int, dict[str, Any]] = {}
        self.to_server: deque[Event] = deque()
        self.to_client: deque[Ack | Error] = deque()

    def serve_one(self) -> None:
        reply = answer_event(self.machine, self.stored, "s1", self.to_server.popleft(), 0.0)
        conflict = isinstance(reply, Error) and reply.code == ErrorCode.SEQ_CONFLICT
        assert not conflict, "a replay must be identical"
        if reply is not None:
            self.to_client.append(reply)

    def drop(self) -> None:
        self.to_server.clear()
        self.to_client.clear()


@pytest.mark.parametrize("seed", range(20))
def test_every_event_is_stored_exactly_once_in_order_despite_drops(seed: int) -> None:
    rng = random.Random(seed)
    script = every_kind_script()
    bodies = session_events(script, random.Random(seed))
    link = LossyLink(script)
    box = EventOutbox()
    box.start_session("s1")
    upcoming = deque(bodies)

    def client_receive(reply: Ack | Error) -> None:
        if isinstance(reply, Ack):
            box.ack(reply.session_id, reply.seq, duplicate=reply.duplicate)
        else:
            verdict = box.error(reply)
            assert verdict.rejected is None, reply
            if verdict.resend:
                link.to_server.extend(box.take_unsent())

    for _ in range(10_000):
        if not upcoming and box.idle:
            break
        roll = rng.random()
        if roll < 0.3 and upcoming:
            box.add(upcoming.popleft())
            link.to_server.extend(box.take_unsent())
        elif roll < 0.6 and link.to_server:
            link.serve_one()
        elif roll < 0.9 and link.to_client:
            client_receive(link.to_client.popleft())
        elif roll < 0.95:
            link.drop()
            box.connection_lost()
            box.resume("s1", link.machine.next_seq)
            link.to_server.extend(box.take_unsent())
        elif not link.to_server and not link.to_client and not box.idle:
            box.connection_lost()  # a stalled link: reconnect
            box.resume("s1", link.machine.next_seq)
            link.to_server.extend(box.take_unsent())
    assert box.idle
    assert not upcoming
    stored = [link.stored[k] for k in sorted(link.stored)]
    assert stored == [b.model_dump(mode="json") for b in bodies]
    assert sorted(link.stored) == list(range(1, len(bodies) + 1))
    assert link.machine.state == "finished"


def test_a_refused_event_does_not_block_the_ones_after_it() -> None:
    script = every_kind_script()
    link = LossyLink(script)
    box = EventOutbox()
    box.start_session("s1")
    bad = StepStarted(step_id="no-such-step")
    bodies = session_events(script, random.Random(3))
    box.add(bodies[0])
    box.add(bad)
    for b in bodies[1:]:
        box.add(b)
    link.to_server.extend(box.take_unsent())
    rejected = []
    while link.to_server or link.to_client:
        while link.to_server:
            link.serve_one()
        while link.to_client:
            reply = link.to_client.popleft()
            if isinstance(reply, Ack):
                box.ack("s1", reply.seq)
            else:
                verdict = box.error(reply)
                if verdict.rejected is not None:
                    rejected.append(verdict.rejected.event)
                if verdict.resend:
                    link.to_server.extend(box.take_unsent())
    assert rejected == [bad]
    assert box.idle
    assert link.machine.state == "finished"
    assert len(link.stored) == len(bodies)
