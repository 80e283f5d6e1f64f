"""`SessionLink` over an in-memory transport: numbering, sending, acks, assignments, results
and the server's refusals (no server process)."""

from __future__ import annotations

import asyncio

import pytest

from headset_client.errors import NoActiveSession
from headset_client.notices import EventRejected, Notice, SessionLost
from headset_client.session import SessionLink
from tests.headset_client.memory_transport import MemoryTransport
from tests.headset_client.support import build_manifest, every_kind_script, fake_glb
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.events import CallStaff, StepStarted
from vr_server.protocol.headset import Ack, Assignment, Error, Event, Result, Resume

MANIFEST = build_manifest(every_kind_script(), fake_glb(1000))


def assignment(session_id: str, next_seq: int = 1) -> Assignment:
    resume = Resume(state="running", step_index=0, next_seq=next_seq, language="en")
    return Assignment(session_id=session_id, manifest=MANIFEST, resume=resume)


class Link:
    """A SessionLink, the transport it sends on (None: disconnected) and what it published."""

    def __init__(self) -> None:
        self.transport: MemoryTransport | None = MemoryTransport()
        self.notices: list[Notice] = []
        self.link = SessionLink(
            lambda: self.transport, self.notices.append, label=lambda: "quest-1", clock=lambda: 7.0
        )

    def sent(self) -> list[Event]:
        assert self.transport is not None
        return [f for f in self.transport.sent if isinstance(f, Event)]


@pytest.fixture
async def side() -> Link:
    return Link()


async def test_no_event_without_a_session(side: Link) -> None:
    with pytest.raises(NoActiveSession, match="no session is assigned to quest-1"):
        await side.link.send_event(CallStaff())
    await side.link.on_assignment(assignment("s1"))
    with pytest.raises(NoActiveSession, match="session s0 is assigned"):
        await side.link.send_event(CallStaff(), session_id="s0")


async def test_events_are_numbered_sent_and_acknowledged(side: Link) -> None:
    await side.link.on_assignment(assignment("s1"))
    assert side.notices == [assignment("s1")]
    first = await side.link.send_event(StepStarted(step_id="intro"), session_id="s1")
    second = await side.link.send_event(CallStaff())
    assert (first.seq, second.seq, first.at) == (1, 2, 7.0)
    assert side.sent() == [first, second]
    waiter = asyncio.create_task(side.link.wait_acked())
    await asyncio.sleep(0)
    assert not waiter.done()
    side.link.on_ack(Ack(session_id="s1", seq=2))
    async with asyncio.timeout(1):
        await waiter


async def test_events_wait_for_the_connection_and_are_resent_after_it(side: Link) -> None:
    await side.link.on_assignment(assignment("s1"))
    await side.link.send_event(CallStaff())
    side.link.connection_lost()
    side.transport = None
    await side.link.send_event(CallStaff())  # kept, not sent
    side.transport = MemoryTransport()
    await side.link.on_assignment(assignment("s1", next_seq=2))  # the server stored seq 1
    assert [e.seq for e in side.sent()] == [2]


async def test_a_session_that_ended_while_away_is_lost(side: Link) -> None:
    await side.link.on_assignment(assignment("s1"))
    await side.link.send_event(CallStaff())
    side.link.welcomed(None)
    assert side.notices[-1] == SessionLost("s1", 1)
    assert side.link.assignment is None
    assert side.link.session_id is None


async def test_a_new_assignment_replaces_the_old_session(side: Link) -> None:
    await side.link.on_assignment(assignment("s1"))
    await side.link.send_event(CallStaff())
    await side.link.on_assignment(assignment("s2"))
    assert side.notices[1:] == [SessionLost("s1", 1), assignment("s2")]
    assert side.link.session_id == "s2"


async def test_a_result_ends_the_session(side: Link) -> None:
    await side.link.on_assignment(assignment("s1"))
    result = Result(session_id="s1", state="finished", result=None)
    side.link.on_result(result)
    assert side.notices[-1] == result
    assert side.link.assignment is None
    with pytest.raises(NoActiveSession):
        await side.link.send_event(CallStaff())


async def test_a_refused_event_is_dropped_and_reported(side: Link) -> None:
    await side.link.on_assignment(assignment("s1"))
    event = await side.link.send_event(CallStaff())
    refusal = Error(code=ErrorCode.SEQ_CONFLICT, message="taken", seq=1)
    assert await side.link.on_error(refusal) is True
    assert side.notices[-1] == EventRejected(event, ErrorCode.SEQ_CONFLICT, "taken")
    assert side.link.outbox.pending == ()


async def test_an_error_about_no_event_of_ours_is_left_to_the_caller(side: Link) -> None:
    assert await side.link.on_error(Error(code=ErrorCode.NOT_FOUND, message="no scene")) is False
    assert side.notices == []


async def test_rate_limited_events_are_resent_later(
    side: Link, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("headset_client.session.RETRY_LATER_S", 0.01)
    await side.link.on_assignment(assignment("s1"))
    await side.link.send_event(CallStaff())
    refusal = Error(code=ErrorCode.RATE_LIMITED, message="slow down", seq=1)
    assert await side.link.on_error(refusal) is True
    assert side.transport is not None
    async with asyncio.timeout(1):
        assert isinstance(await side.transport.next_sent(), Event)
        assert isinstance(await side.transport.next_sent(), Event)  # the resend
    assert [e.seq for e in side.sent()] == [1, 1]
    await side.link.close()
