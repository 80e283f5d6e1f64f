"""The visitor's result page and rating, "call staff" from the lobby, and stuck detection.

The result page is public and found by its token only; it never shows the headset, the ticket
or personal data. A rating is taken once the headset's own session has ended and may be
changed within 10 minutes. A visitor who stays on one step too long raises one alert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.services import Clock, StaffFeed, online_headset, play, services_at, start
from vr_server.errors import InvalidState, NotFound, WrongSession
from vr_server.protocol.headset import Rating
from vr_server.protocol.queue import CheckIn
from vr_server.services.monitor import StuckWatch


async def test_result_url_uses_the_public_url_when_set(tmp_path: Path, test_bundles: Path) -> None:
    clock = Clock()
    async with services_at(
        tmp_path, test_bundles, clock, public_url="https://vr.example.go.th/"
    ) as services:
        headset = await online_headset(services)
        view = await services.sessions.assign(headset.id, "test-kitchen")
        assert view.result_url is None  # no result yet
        await start(services, headset.id, view.id)
        await play(services, headset.id, view.id)
        done = await services.sessions.view(view.id)
    assert done.result_url is not None
    assert re.fullmatch(r"https://vr\.example\.go\.th/results/[A-Za-z0-9_\-]{22}", done.result_url)


async def test_a_rating_can_be_changed_for_ten_minutes_only(
    tmp_path: Path, test_bundles: Path
) -> None:
    clock = Clock()
    async with services_at(tmp_path, test_bundles, clock) as services:
        headset = await online_headset(services)
        view = await services.sessions.assign(headset.id, "test-kitchen")
        await start(services, headset.id, view.id)
        await play(services, headset.id, view.id)
        await services.results.rate(headset.id, Rating(session_id=view.id, rating=3))
        clock.advance(9 * 60)
        await services.results.rate(headset.id, Rating(session_id=view.id, rating=5))
        clock.advance(2 * 60)  # 11 minutes after the first rating
        with pytest.raises(InvalidState, match="10 minutes"):
            await services.results.rate(headset.id, Rating(session_id=view.id, rating=1))
        with pytest.raises(NotFound):
            await services.results.rate(headset.id, Rating(session_id="nope", rating=1))
        with pytest.raises(WrongSession):
            await services.results.rate("someone-else", Rating(session_id=view.id, rating=1))
        assert (await services.sessions.view(view.id)).rating == 5


async def test_stuck_visitor_raises_one_alert_per_step(tmp_path: Path, test_bundles: Path) -> None:
    clock = Clock()
    async with services_at(tmp_path, test_bundles, clock) as services:
        feed = StaffFeed(services)
        watch = StuckWatch(services.sessions, services.bus)
        headset = await online_headset(services)
        ticket = await services.queue.check_in(CheckIn(interests=["test-kitchen"]))
        called = await services.queue.call(ticket.id, headset.id)
        assert called.session_id is not None
        session_id = called.session_id
        await start(services, headset.id, session_id)
        await play(services, headset.id, session_id, upto=1)  # step_started intro
        # 5 steps in 5 minutes: 60 s expected per step; stuck after max(3 x 60, 120) = 180 s
        view = await services.sessions.view(session_id)
        assert (view.step_expected_s, view.stuck, view.ticket_label) == (60.0, False, "A001")
        assert view.step_started_at is not None
        clock.advance(179)
        assert await watch.check() == []
        clock.advance(2)
        stuck = await watch.check()
        assert [(v.id, v.step_id, v.stuck) for v in stuck] == [(session_id, "intro", True)]
        clock.advance(600)
        assert await watch.check() == []  # once per (session, step)
        # the next step: a new clock, and a new alert when stuck there too
        await play(services, headset.id, session_id, first=2, upto=3)  # intro done
        assert not (await services.sessions.view(session_id)).stuck
        clock.advance(181)
        assert [v.step_id for v in await watch.check()] == ["pick-knife"]
        # paused sessions are never stuck
        await services.sessions.command(session_id, "pause")
        clock.advance(3600)
        assert not (await services.sessions.view(session_id)).stuck
    alerts = feed.frames("alert")
    assert [(a["kind"], a["session_id"], a["detail"]) for a in alerts] == [
        ("stuck", session_id, "intro"),
        ("stuck", session_id, "pick-knife"),
    ]
    assert any(
        f["session"]["stuck"] and f["session"]["id"] == session_id
        for f in feed.frames("session_update")
    )
