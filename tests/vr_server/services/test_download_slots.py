"""The download scheduler (services/download_slots.py): slots under the budget, visitors
first, prefetch paused while a session loads, most-used first, expiry, hostile reports."""

from __future__ import annotations

import pytest

from vr_server.errors import Invalid, InvalidState
from vr_server.protocol.distribution import DownloadGrant, DownloadStop
from vr_server.services.download_slots import LOADING_MAX_S, Scheduler, Send

A, B, C = "a" * 64, "b" * 64, "c" * 64
MB = 1_000_000


def grants(sends: list[Send]) -> list[tuple[str, str, str]]:
    return [
        (s.headset_id, s.frame.sha256, s.frame.purpose)
        for s in sends
        if isinstance(s.frame, DownloadGrant)
    ]


def stops(sends: list[Send]) -> list[tuple[str, str]]:
    return [(s.headset_id, s.frame.reason) for s in sends if isinstance(s.frame, DownloadStop)]


def venue(slots: int = 2, headsets: int = 3) -> Scheduler:
    """`slots` slots of 1 MB/s; the models A (most used), B, C; idle headsets h1, h2, ..."""
    s = Scheduler(slots * MB, MB)
    s.order = [[(A, 3 * MB)], [(B, 2 * MB)], [(C, MB)]]
    for i in range(1, headsets + 1):
        s.join(f"h{i}", set(), idle=True)
    return s


def test_slots_are_the_budget_divided_by_the_headset_cap() -> None:
    assert Scheduler(100 * MB, 25 * MB).slots == 4
    assert Scheduler(100 * MB, 30 * MB).slots == 3
    one = Scheduler(10 * MB, 25 * MB)  # a cap above the budget: one slot at the budget
    assert (one.slots, one.rate_bps) == (1, 10 * MB)
    with pytest.raises(ValueError, match="positive"):
        Scheduler(0, MB)


def test_idle_headsets_prefetch_the_most_used_model_first_within_the_slots() -> None:
    s = venue(slots=2, headsets=3)
    sent = s.schedule(0.0)
    assert grants(sent) == [("h1", A, "prefetch"), ("h2", A, "prefetch")]
    assert all(isinstance(x.frame, DownloadGrant) and x.frame.rate_bps == MB for x in sent)
    g1 = next(iter(s.grants))
    sent = s.progress("h1", g1, A, 3 * MB, "done", 1.0)
    assert grants(sent) == [("h3", A, "prefetch")]  # A to every headset before B
    assert A in s.holders["h1"].held


def test_a_scene_is_prefetched_whole_its_sounds_after_its_model_before_the_next() -> None:
    s = Scheduler(2 * MB, MB)
    s1, s2 = "1" * 64, "2" * 64  # scene A's sound files
    s.order = [[(A, 3 * MB), (s1, 1000), (s2, 2000)], [(B, 2 * MB)]]
    s.join("h1", {A, s2}, idle=True)  # the model and one sound: scene A is not cached yet
    s.join("h2", {A, s1, s2}, idle=True)  # scene A whole
    assert grants(s.schedule(0.0)) == [("h1", s1, "prefetch"), ("h2", B, "prefetch")]
    (g1,) = [g for g in s.grants.values() if g.headset_id == "h1"]
    assert g1.size == 1000
    sent = s.progress("h1", g1.grant_id, s1, 1000, "done", 1.0)
    assert grants(sent) == [("h1", B, "prefetch")]  # scene A is whole on h1: the next scene


def test_a_headset_holding_everything_gets_nothing_and_busy_ones_are_skipped() -> None:
    s = venue(slots=3, headsets=2)
    s.join("h1", {A, B, C}, idle=True)
    s.join("h2", {A}, idle=False)  # in a session: no prefetching
    assert s.schedule(0.0) == []


def test_a_waiting_visitor_takes_the_slot_of_a_prefetch_and_prefetching_stops() -> None:
    s = venue(slots=2, headsets=3)
    s.schedule(0.0)  # h1 and h2 prefetch A
    sent = s.request("h3", C, MB, 1.0)
    assert sorted(stops(sent)) == [("h1", "session_first"), ("h2", "session_first")]
    assert grants(sent) == [("h3", C, "session")]
    assert [(g.purpose, g.rate_bps) for g in s.grants.values()] == [("session", 2 * MB)]
    (gid,) = s.grants  # a visitor's download may use the whole budget, not one slot's rate
    sent = s.progress("h3", gid, C, MB, "done", 2.0)  # no session loads: prefetching resumes
    assert grants(sent) == [("h1", A, "prefetch"), ("h2", A, "prefetch")]


def test_prefetching_waits_until_the_loading_session_is_ready() -> None:
    s = venue(slots=2, headsets=3)
    s.schedule(0.0)
    sent = s.loading("h3", True, 0.5)  # `loading` comes before the headset's request
    assert sorted(stops(sent)) == [("h1", "session_loading"), ("h2", "session_loading")]
    assert grants(s.request("h3", C, MB, 1.0)) == [("h3", C, "session")]
    (gid,) = s.grants
    assert grants(s.progress("h3", gid, C, MB, "done", 2.0)) == []  # still loading
    sent = s.loading("h3", False, 3.0)  # ready
    assert grants(sent) == [("h1", A, "prefetch"), ("h2", A, "prefetch")]
    assert not s.holders["h3"].idle  # in a session now, until it says it is idle again


def test_visitors_wait_in_order_when_every_slot_has_a_visitor() -> None:
    s = venue(slots=1, headsets=3)
    assert grants(s.request("h1", A, MB, 0.0)) == [("h1", A, "session")]
    assert grants(s.request("h2", B, MB, 0.1)) == []
    assert grants(s.request("h3", C, MB, 0.2)) == []
    assert [w.headset_id for w in s.waiting] == ["h2", "h3"]
    (gid,) = s.grants
    assert grants(s.progress("h1", gid, A, MB, "done", 1.0)) == [("h2", B, "session")]


def test_prefetch_pauses_while_any_session_loads_even_from_an_old_client() -> None:
    s = venue(slots=2, headsets=2)
    s.schedule(0.0)
    sent = s.loading("old-client", True, 1.0)  # never reported a cache: loads all the same
    assert sorted(stops(sent)) == [("h1", "session_loading"), ("h2", "session_loading")]
    assert s.schedule(2.0) == []
    assert len(grants(s.loading("old-client", False, 3.0))) == 2


def test_a_session_that_never_says_ready_stops_holding_prefetch_up() -> None:
    s = venue(slots=1, headsets=1)
    s.loading("h9", True, 0.0)
    assert s.schedule(LOADING_MAX_S - 1) == []
    assert grants(s.schedule(LOADING_MAX_S + 1)) == [("h1", A, "prefetch")]


def test_a_silent_grant_expires_and_its_slot_is_given_again() -> None:
    s = Scheduler(MB, MB, expire_s=10)
    s.order = [[(A, MB)]]
    s.join("h1", set(), idle=True)
    s.join("h2", set(), idle=True)
    assert grants(s.schedule(0.0)) == [("h1", A, "prefetch")]
    (gid,) = s.grants
    s.sent(gid, 1000, 8.0)  # bytes sent count as news
    assert s.schedule(17.0) == []
    sent = s.schedule(19.0)
    assert stops(sent) == [("h1", "expired")]
    assert grants(sent) == [("h1", A, "prefetch")]  # the first idle headset lacking it


def test_never_more_grants_than_slots() -> None:
    s = venue(slots=3, headsets=10)
    for t in range(20):
        s.schedule(float(t))
        if t % 3 == 0:
            s.request(f"h{t % 10 + 1}", C, MB, float(t))
        for gid, g in list(s.grants.items()):
            if t % 2:
                s.progress(g.headset_id, gid, g.sha256, g.size, "done", float(t))
    assert s.peak == 3


def test_leaving_frees_the_slot_and_the_visitors_place() -> None:
    s = venue(slots=1, headsets=2)
    s.request("h1", A, MB, 0.0)
    s.request("h2", B, MB, 0.0)
    sent = s.leave("h1", 1.0)
    assert grants(sent) == [("h2", B, "session")]
    assert "h1" not in s.holders


def test_asking_again_gets_the_same_grant_and_a_prefetch_of_it_is_replaced() -> None:
    s = venue(slots=2, headsets=1)
    s.schedule(0.0)  # h1 prefetches A
    sent = s.request("h1", A, 3 * MB, 1.0)
    assert stops(sent) == [("h1", "replaced")]
    assert grants(sent) == [("h1", A, "session")]
    again = s.request("h1", A, 3 * MB, 1.5)
    assert again[0].frame == sent[-1].frame
    assert len(s.grants) == 1


def test_reports_of_grants_a_headset_does_not_hold_are_refused() -> None:
    s = venue(slots=1, headsets=2)
    s.schedule(0.0)
    (gid,) = s.grants  # h1's
    with pytest.raises(InvalidState, match="no download"):
        s.progress("h2", gid, A, 0, "downloading", 1.0)  # another headset's grant
    with pytest.raises(InvalidState):
        s.progress("h1", gid, B, 0, "downloading", 1.0)  # another asset
    with pytest.raises(InvalidState):
        s.progress("h1", "g999", A, 0, "done", 1.0)
    with pytest.raises(Invalid, match="bytes done"):
        s.progress("h1", gid, A, 3 * MB + 1, "downloading", 1.0)
    assert list(s.grants) == [gid]  # nothing changed
    assert s.holders["h2"].held == set()
