"""The simulated visitor's events, judged by the server's own session machine."""

from __future__ import annotations

import random

import pytest

from content_tools.format import Script
from headset_client.playbook import Behaviour, plan_session, session_events
from tests.headset_client.support import COOK_SCENE, cook_script, every_kind_script
from vr_server.protocol import session_machine as sm
from vr_server.protocol.events import Answer, HintShown, Interaction, SessionEvent

SCRIPTS = {"cook": cook_script, "every-kind": every_kind_script}


def judge(script: Script, events: list[SessionEvent], *, start_step: int = 0) -> sm.SessionMachine:
    machine = sm.SessionMachine(script, state="running", step_index=start_step)
    for seq, event in enumerate(events, start=1):
        outs = machine.handle(sm.HeadsetEvent(seq, event), float(seq))
        assert outs, (seq, event)
        assert outs[0] == sm.Accepted(seq), (seq, event, outs)
    return machine


def test_the_cook_scene_is_used_when_it_exists() -> None:
    if COOK_SCENE.exists():
        assert cook_script() != every_kind_script()


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("seed", range(12))
def test_machine_accepts_every_event_and_finishes(name: str, seed: int) -> None:
    script = SCRIPTS[name]()
    machine = judge(script, session_events(script, random.Random(seed)))
    assert machine.state == "finished"
    assert machine.all_steps_done
    assert all(p.completed_at is not None for p in machine.steps)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_a_clumsy_slow_visitor_still_finishes(name: str) -> None:
    script = SCRIPTS[name]()
    clumsy = Behaviour(wrong_select_p=1.0, misplace_p=1.0, correct_answer_p=0.0, pace=(1.5, 3.0))
    machine = judge(script, session_events(script, random.Random(0), behaviour=clumsy))
    assert machine.state == "finished"
    kinds = {step.action.kind for step in script.steps}
    if kinds & {"select", "grab_place"}:
        assert sum(p.mistakes for p in machine.steps) > 0
    if any(step.hints for step in script.steps):
        assert sum(p.hints for p in machine.steps) > 0


def test_every_kind_script_uses_every_action_and_its_expected_events() -> None:
    script = every_kind_script()
    events = session_events(
        script,
        random.Random(0),
        behaviour=Behaviour(wrong_select_p=1.0, misplace_p=1.0, pace=(2.0, 2.0)),
    )
    assert {s.action.kind for s in script.steps} == {
        "continue",
        "select",
        "grab_place",
        "look_at",
        "quiz",
    }
    interactions = [
        (e.step_id, e.action, e.node, e.target) for e in events if isinstance(e, Interaction)
    ]
    assert ("pick-knife", "select", "knife", None) in interactions
    assert any(i[0] == "pick-knife" and i[2] != "knife" for i in interactions)  # a wrong try
    assert ("place-pan", "grab", "pan", None) in interactions
    assert ("place-pan", "release", "pan", "stove") in interactions
    assert ("place-pan", "release", "pan", None) in interactions  # dropped off target first
    assert ("look-exit", "look", "fire_exit", None) in interactions
    answers = {e.question_id for e in events if isinstance(e, Answer)}
    assert answers == {"q1", "q2", "q3"}
    hinted = {(e.step_id, e.hint_index) for e in events if isinstance(e, HintShown)}
    assert ("pick-knife", 0) in hinted
    assert ("pick-knife", 1) in hinted
    assert events[-1].kind == "session_completed"


def test_hints_come_only_after_their_delay_and_before_the_step_ends() -> None:
    script = every_kind_script()
    for plan in plan_session(script, random.Random(5), behaviour=Behaviour(pace=(0.2, 3.0))):
        times = [b.at_s for b in plan.beats]
        assert times == sorted(times)
        assert plan.beats[0].event.kind == "step_started"
        assert plan.beats[-1].event.kind == "step_completed"
        for beat in plan.beats:
            if isinstance(beat.event, HintShown):
                assert beat.at_s == plan.step.hints[beat.event.hint_index].after_s
                assert beat.at_s < plan.duration_s


def test_same_seed_same_session() -> None:
    script = cook_script()
    assert session_events(script, random.Random(42)) == session_events(script, random.Random(42))
    assert session_events(script, random.Random(42)) != session_events(script, random.Random(43))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_resuming_mid_session_from_the_servers_step(name: str) -> None:
    script = SCRIPTS[name]()
    start = len(script.steps) // 2
    events = session_events(script, random.Random(1), start_step=start)
    assert judge(script, events, start_step=start).state == "finished"


def test_a_visitor_at_real_pace_takes_minutes() -> None:
    script = cook_script()
    total = sum(p.duration_s for p in plan_session(script, random.Random(0)))
    assert 60 < total < 30 * 60
