"""`open_in_thread`: what a worker thread opens for a cancelled caller is closed, not leaked
(a file descriptor per client that disconnects while its file opens)."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.threads import HeldOpener
from vr_server.tasks import _Handoff, open_in_thread


class Resource:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


async def test_the_caller_gets_what_was_opened_still_open() -> None:
    made = await open_in_thread(Resource, Resource.close)
    assert not made.closed


async def test_an_error_while_opening_reaches_the_caller() -> None:
    def failing() -> Resource:
        raise FileNotFoundError("gone")

    with pytest.raises(FileNotFoundError):
        await open_in_thread(failing, Resource.close)


async def test_a_caller_cancelled_while_the_thread_opens_leaves_nothing_open() -> None:
    held = HeldOpener(Resource)
    task = asyncio.create_task(open_in_thread(held, Resource.close))
    await held.opening()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert held.release_and_see_closed(lambda made: made.closed)


def test_a_caller_cancelled_after_the_thread_opened_closes_it() -> None:
    """The thread finished, but the cancel reached the caller before its result did."""
    handoff = _Handoff(Resource, Resource.close)
    made = handoff.open()
    assert not made.closed
    handoff.abandon()
    assert made.closed


def test_a_descriptor_that_is_zero_is_closed_too() -> None:
    closed: list[int] = []
    handoff = _Handoff(lambda: 0, closed.append)
    handoff.abandon()
    handoff.open()
    assert closed == [0]
