"""A visitor's journey: one code links their sessions of the day (a ticket carries it into each
session; a returning visitor gives it at check-in), the result page shows the whole day with a
RIASEC profile weighted by what they did and liked, and staff see on the ticket what was tried.
The profile arithmetic is checked with numbers worked out by hand (services/interests.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from tests.support.bundles import write_bundle
from tests.support.services import Clock, online_headset, play, services_at, start
from vr_server.errors import Invalid
from vr_server.protocol.headset import Rating
from vr_server.protocol.queue import CheckIn
from vr_server.services import Services, interests
from vr_server.services.interests import Tried
from vr_server.storage import SqlStore, tables


@pytest.fixture(scope="module")
def three_scenes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kitchen (R), a care home (S, E, C) and an office (C, E), with their own ISCO-08."""
    dist = tmp_path_factory.mktemp("journey-dist")
    write_bundle(dist)
    write_bundle(dist, scene_id="test-care", isco08="5322", riasec=["S", "E", "C"])
    write_bundle(dist, scene_id="test-office", isco08="4110", riasec=["C", "E"])
    return dist


# ---------------------------------------------------------------- the profile, by hand


def test_letters_share_an_occupation_three_two_one() -> None:
    assert interests.code_shares(["R", "I", "C"]) == pytest.approx(
        {"R": 1 / 2, "I": 1 / 3, "C": 1 / 6}
    )
    assert interests.code_shares(["R", "A"]) == pytest.approx({"R": 0.6, "A": 0.4})
    assert interests.code_shares(["S"]) == {"S": 1.0}


def test_a_session_weighs_what_was_done_times_what_was_liked() -> None:
    assert interests.session_weight(100.0, 5) == pytest.approx(1.0)
    assert interests.session_weight(0.0, 5) == pytest.approx(0.5)
    assert interests.session_weight(100.0, 1) == pytest.approx(0.2)
    assert interests.session_weight(50.0, None) == pytest.approx(0.75 * 0.6)  # unrated: 3/5


def test_profile_holland_code_and_fit() -> None:
    # Kitchen R at 100 % liked 5 (weight 1.0); care S,E,C at 50 % liked 2 (0.75 x 0.4 = 0.3).
    profile = interests.interest_profile([Tried(["R"], 100.0, 5), Tried(["S", "E", "C"], 50.0, 2)])
    total = 1.3
    assert profile == {
        "R": round(100 * 1.0 / total, 1),  # 76.9
        "I": 0.0,
        "A": 0.0,
        "S": round(100 * 0.3 * 0.5 / total, 1),  # 11.5
        "E": round(100 * 0.3 / 3 / total, 1),  # 7.7
        "C": round(100 * 0.3 / 6 / total, 1),  # 3.8
    }
    assert interests.holland_code(profile) == "RSE"
    # Liking turns the profile round: the same two sessions, the other way round.
    turned = interests.interest_profile([Tried(["R"], 100.0, 1), Tried(["S", "E", "C"], 50.0, 5)])
    # R 0.2 against S .375, E .25, C .125 (weight 0.75 shared 3:2:1)
    assert interests.holland_code(turned) == "SER"
    assert interests.interest_profile([]) == dict.fromkeys("RIASEC", 0.0)
    assert interests.holland_code(interests.interest_profile([])) == ""

    assert interests.fit({"R": 100.0}, ["R"]) == 100.0
    assert interests.fit({"R": 100.0}, ["S", "E"]) == 0.0
    assert 0 < interests.fit(profile, ["C", "E"]) < interests.fit(profile, ["R", "C"]) < 100
    ranked = interests.suggest(
        profile, [("office", ["C", "E"]), ("farm", ["R", "I"]), ("art", ["A"])]
    )
    assert [sid for sid, _ in ranked] == ["farm", "office"]  # no fit at all: left out


# ---------------------------------------------------------------- linking sessions


async def _to_the_end(
    services: Services, headset_id: str, session_id: str, rating: int | None
) -> str:
    """Play the session to the end and rate it; the token of its result page."""
    await start(services, headset_id, session_id)
    await play(services, headset_id, session_id)
    if rating is not None:
        await services.results.rate(headset_id, Rating(session_id=session_id, rating=rating))
    record = await services.store.sessions.get(session_id)
    assert record is not None
    assert record.result_token is not None
    return record.result_token


async def _tried_one(services: Services, ticket_id: str, rating: int | None) -> str:
    """Call the ticket to a new headset and play its scene to the end; its result's token."""
    headset = await online_headset(services)
    called = await services.queue.call(ticket_id, headset.id)
    assert called.session_id is not None
    return await _to_the_end(services, headset.id, called.session_id, rating)


async def test_a_returning_visitor_sees_their_whole_day(tmp_path: Path, three_scenes: Path) -> None:
    clock = Clock()
    async with services_at(tmp_path, three_scenes, clock) as services:
        first = await services.queue.check_in(CheckIn(interests=["test-kitchen"]))
        assert first.visitor_code is not None
        assert first.tried == []
        kitchen = await _tried_one(services, first.id, rating=5)

        # back at the desk with the code from the ticket (any case, without the dash)
        typed = first.visitor_code.replace("-", " ").lower()
        second = await services.queue.check_in(CheckIn(interests=["test-care"], visitor_code=typed))
        assert second.visitor_code == first.visitor_code
        assert [(t.scene_id, t.state, t.rating) for t in second.tried] == [
            ("test-kitchen", "finished", 5)
        ]
        waiting = (await services.queue.view()).waiting
        assert [t.scene_id for t in waiting[0].tried] == ["test-kitchen"]  # staff see it
        care = await _tried_one(services, second.id, rating=2)

        ticket = await services.queue.ticket(second.id)
        assert [t.scene_id for t in ticket.tried] == ["test-kitchen", "test-care"]
        assert [t.percent for t in ticket.tried] == [100.0, 100.0]
        on_first = await services.results.public_result(kitchen)
        on_second = await services.results.public_result(care)

    for page, this in ((on_first, "test-kitchen"), (on_second, "test-care")):
        visit = page.visit
        assert visit is not None
        assert visit.code == first.visitor_code
        assert [(o.scene_id, o.isco08, o.rating, o.this_result) for o in visit.occupations] == [
            ("test-kitchen", "5120", 5, this == "test-kitchen"),
            ("test-care", "5322", 2, this == "test-care"),
        ]
        assert visit.occupations[1].job_links["en"] == "https://jobs.example/?isco=5322&q=cook"
        # kitchen: 100 % liked 5 -> 1.0; care: 100 % liked 2 -> 0.4 (R 1.0, S .2, E .133, C .067)
        profile = {s.code: s.percent for s in visit.profile}
        assert list(profile) == list("RIASEC")
        assert profile == {"R": 71.4, "I": 0.0, "A": 0.0, "S": 14.3, "E": 9.5, "C": 4.8}
        assert visit.holland_code == "RSE"
        assert [(s.scene_id, s.isco08) for s in visit.suggestions] == [("test-office", "4110")]
        assert visit.suggestions[0].job_links["th"].startswith("https://jobs.example/?isco=4110")
        assert "personal" not in page.model_dump_json()


async def test_a_session_without_a_ticket_has_a_code_to_continue_with(
    tmp_path: Path, three_scenes: Path
) -> None:
    async with services_at(tmp_path, three_scenes, Clock()) as services:
        view = await services.sessions.assign(
            (headset := await online_headset(services)).id, "test-office"
        )
        token = await _to_the_end(services, headset.id, view.id, rating=None)
        alone = await services.results.public_result(token)
        assert alone.visit is not None
        assert [o.scene_id for o in alone.visit.occupations] == ["test-office"]
        assert alone.visit.holland_code == "CE"

        ticket = await services.queue.check_in(
            CheckIn(interests=["test-kitchen"], visitor_code=alone.visit.code)
        )
        assert [t.scene_id for t in ticket.tried] == ["test-office"]
        await _tried_one(services, ticket.id, rating=None)
        again = await services.results.public_result(token)
    assert again.visit is not None
    assert [o.scene_id for o in again.visit.occupations] == ["test-office", "test-kitchen"]
    assert [s.scene_id for s in again.visit.suggestions] == ["test-care"]
    # Two visitors are never mixed: a second ticket without a code starts its own journey.


async def test_unknown_or_yesterdays_code_is_refused(tmp_path: Path, three_scenes: Path) -> None:
    clock = Clock()
    async with services_at(tmp_path, three_scenes, clock) as services:
        first = await services.queue.check_in(CheckIn())
        other = await services.queue.check_in(CheckIn())
        assert first.visitor_code != other.visitor_code
        with pytest.raises(Invalid, match="no visitor code 2222-2222 today"):
            await services.queue.check_in(CheckIn(visitor_code="2222-2222"))
        clock.advance(24 * 3600)
        with pytest.raises(Invalid, match="today"):
            await services.queue.check_in(CheckIn(visitor_code=first.visitor_code))
        tickets = await services.store.queue.find()
    assert len(tickets) == 2  # nothing stored for a refused check-in
    with pytest.raises(ValueError, match="8 letters and digits"):
        CheckIn(visitor_code="K7QX-M4T")
    with pytest.raises(ValueError, match="8 letters and digits"):
        CheckIn(visitor_code="K7QX-M4T0")  # 0 is never in a code
    assert CheckIn(visitor_code="  ").visitor_code is None


async def test_a_session_stored_before_journeys_keeps_its_plain_result(
    tmp_path: Path, three_scenes: Path
) -> None:
    async with services_at(tmp_path, three_scenes, Clock()) as services:
        headset = await online_headset(services)
        view = await services.sessions.assign(headset.id, "test-kitchen")
        token = await _to_the_end(services, headset.id, view.id, rating=4)
        store = services.store
        assert isinstance(store, SqlStore)
        async with store.engine.begin() as conn:  # as migration 0005 left older rows
            await conn.execute(update(tables.sessions).values(journey_code=None))
        page = await services.results.public_result(token)
    assert page.visit is None
    assert (page.scene_id, page.percent) == ("test-kitchen", 100.0)
