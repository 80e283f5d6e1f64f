"""The session state machine, driven by feeding it inputs: no sockets, no database, no clock."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from tests.support.scripts import T, correct_events, every_action_script, scene_meta
from vr_server.protocol import session_machine as sm
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.scoring import compute_result

EVENTS: TypeAdapter[SessionEvent] = TypeAdapter(SessionEvent)
META = scene_meta("cook", title=T, riasec=["R", "A"], duration_min=7)


def running(autostart: bool = True) -> sm.SessionMachine:
    machine = sm.SessionMachine(every_action_script())
    machine.handle(sm.Assign("en", autostart=autostart), 0)
    machine.handle(sm.LoadingStarted(), 1)
    machine.handle(sm.Loaded(), 2)
    if not autostart:
        machine.handle(sm.Start(), 3)
    assert machine.state == "running"
    return machine


def feed(machine: sm.SessionMachine, body: dict[str, object], now: float = 10) -> list[sm.Output]:
    return machine.handle(sm.HeadsetEvent(machine.next_seq, EVENTS.validate_python(body)), now)


def kinds(outputs: list[sm.Output]) -> list[str]:
    return [type(o).__name__ for o in outputs]


def test_full_lifecycle_with_autostart_reaches_finished() -> None:
    machine = sm.SessionMachine(every_action_script())
    assert machine.state == "lobby"
    out = machine.handle(sm.Assign("th"), 0)
    assert out == [sm.Transition("lobby", "assigned", "assign")]
    assert machine.handle(sm.LoadingStarted(), 1) == [
        sm.Transition("assigned", "loading", "loading")
    ]
    out = machine.handle(sm.Loaded(), 2)
    assert out == [
        sm.Transition("loading", "ready", "loaded"),
        sm.Transition("ready", "running", "autostart"),
        sm.SendCommand("start"),
    ]
    for i, body in enumerate(correct_events(machine.script)):
        out = feed(machine, body, now=10 + i)
        assert out[0] == sm.Accepted(i + 1), (body, out)
    assert machine.state == "finished"
    assert machine.end_reason == "completed"
    assert machine.step_index == len(machine.script.steps)


def test_without_autostart_waits_in_ready_until_start() -> None:
    machine = sm.SessionMachine(every_action_script())
    machine.handle(sm.Assign("th", autostart=False), 0)
    machine.handle(sm.Loaded(), 1)
    assert machine.state == "ready"
    assert machine.handle(sm.Start(), 2) == [
        sm.Transition("ready", "running", "start"),
        sm.SendCommand("start"),
    ]


def test_pause_and_resume_exclude_paused_time() -> None:
    machine = running()
    assert kinds(machine.handle(sm.Pause(), 100)) == ["Transition", "SendCommand"]
    assert machine.state == "paused"
    assert machine.handle(sm.Pause(), 101)[0] == sm.Rejected(
        ErrorCode.INVALID_STATE, "cannot pause a session that is paused"
    )
    machine.handle(sm.Resume(), 160)
    assert machine.state == "running"
    assert machine.paused_total == pytest.approx(60)
    machine.handle(sm.Abort("staff"), 200)
    assert machine.active_seconds() == pytest.approx(200 - 2 - 60)


def test_events_are_accepted_while_paused() -> None:
    """Events already in flight when staff pauses must not be lost."""
    machine = running()
    machine.handle(sm.Pause(), 5)
    assert feed(machine, {"kind": "step_started", "step_id": "intro"}) == [sm.Accepted(1)]


@pytest.mark.parametrize(
    ("inp", "state"),
    [
        (sm.Start(), "assigned"),
        (sm.Resume(), "assigned"),
        (sm.Pause(), "assigned"),
        (sm.Assign(), "assigned"),
    ],
)
def test_commands_invalid_in_state_are_rejected(inp: sm.Input, state: str) -> None:
    machine = sm.SessionMachine(every_action_script())
    machine.handle(sm.Assign(), 0)
    before = machine.snapshot()
    out = machine.handle(inp, 1)
    assert len(out) == 1
    assert isinstance(out[0], sm.Rejected)
    assert out[0].code == ErrorCode.INVALID_STATE
    assert machine.snapshot() == before


def test_abort_from_any_active_state_and_not_twice() -> None:
    for steps in range(4):
        machine = sm.SessionMachine(every_action_script())
        all_inputs: list[sm.Input] = [sm.Assign(), sm.LoadingStarted(), sm.Loaded()]
        inputs = all_inputs[:steps]
        for inp in inputs:
            machine.handle(inp, 0)
        if steps == 0:
            continue
        out = machine.handle(sm.Abort("ended by staff"), 5)
        assert machine.state == "aborted"
        assert sm.SendCommand("end") in out
        assert isinstance(machine.handle(sm.Abort("again"), 6)[0], sm.Rejected)


def test_load_failure_aborts() -> None:
    machine = sm.SessionMachine(every_action_script())
    machine.handle(sm.Assign(), 0)
    machine.handle(sm.LoadingStarted(), 1)
    machine.handle(sm.LoadFailed("sha256 mismatch"), 2)
    assert machine.state == "aborted"
    assert machine.end_reason == "load failed: sha256 mismatch"


def test_replay_gap_and_order() -> None:
    machine = running()
    assert feed(machine, {"kind": "step_started", "step_id": "intro"}) == [sm.Accepted(1)]
    replay = machine.handle(
        sm.HeadsetEvent(1, EVENTS.validate_python({"kind": "step_started", "step_id": "intro"})), 11
    )
    assert replay == [sm.Replayed(1)]
    gap = machine.handle(
        sm.HeadsetEvent(5, EVENTS.validate_python({"kind": "step_completed", "step_id": "intro"})),
        12,
    )
    assert gap == [sm.Rejected(ErrorCode.SEQ_GAP, "event 5 arrived but 2 is expected next", 5, 2)]
    assert machine.next_seq == 2


def test_step_events_must_follow_the_script() -> None:
    machine = running()
    wrong_step = feed(machine, {"kind": "step_started", "step_id": "quiz"})
    assert isinstance(wrong_step[0], sm.Rejected)
    assert wrong_step[0].code == ErrorCode.INVALID_EVENT
    assert machine.next_seq == 1  # a rejected event does not consume its number
    feed(machine, {"kind": "step_started", "step_id": "intro"})
    feed(machine, {"kind": "step_completed", "step_id": "intro"})
    feed(machine, {"kind": "step_started", "step_id": "pick-knife"})
    # completing a select step without selecting the right node is refused
    out = feed(machine, {"kind": "step_completed", "step_id": "pick-knife"})
    assert isinstance(out[0], sm.Rejected)
    assert "without its select action" in out[0].message
    # a wrong node counts as a mistake, the right one achieves the step
    feed(
        machine, {"kind": "interaction", "step_id": "pick-knife", "node": "pan", "action": "select"}
    )
    feed(machine, {"kind": "hint_shown", "step_id": "pick-knife", "hint_index": 0})
    bad_hint = feed(machine, {"kind": "hint_shown", "step_id": "pick-knife", "hint_index": 5})
    assert isinstance(bad_hint[0], sm.Rejected)
    feed(
        machine,
        {"kind": "interaction", "step_id": "pick-knife", "node": "knife", "action": "select"},
    )
    assert feed(machine, {"kind": "step_completed", "step_id": "pick-knife"})[0] == sm.Accepted(
        machine.next_seq - 1
    )
    progress = machine.steps[1]
    assert (progress.mistakes, progress.hints, progress.achieved) == (1, 1, True)


def test_grab_place_needs_the_right_target() -> None:
    machine = running()
    for body in correct_events(machine.script)[:6]:  # through pick-knife
        assert isinstance(feed(machine, body)[0], sm.Accepted), body
    feed(machine, {"kind": "step_started", "step_id": "place-pan"})

    def release_pan_on(target: str) -> sm.Output:
        """Drop the pan on `target`, then claim the step done: the machine's answer."""
        release = {"node": "pan", "action": "release", "target": target}
        feed(machine, {"kind": "interaction", "step_id": "place-pan", **release})
        return feed(machine, {"kind": "step_completed", "step_id": "place-pan"})[0]

    assert isinstance(release_pan_on("sink"), sm.Rejected)
    assert isinstance(release_pan_on("stove"), sm.Accepted)
    assert machine.steps[2].mistakes == 1


def test_quiz_needs_every_answer_and_valid_choices() -> None:
    machine = running()
    events = correct_events(machine.script)
    quiz_start = events.index({"kind": "step_started", "step_id": "quiz"})
    for body in events[: quiz_start + 1]:
        assert isinstance(feed(machine, body)[0], sm.Accepted), body
    bad_choice = feed(
        machine, {"kind": "answer", "step_id": "quiz", "question_id": "q1", "choice_id": "z"}
    )
    assert isinstance(bad_choice[0], sm.Rejected)
    feed(machine, {"kind": "answer", "step_id": "quiz", "question_id": "q1", "choice_id": "b"})
    # a second answer to the same question does not change the first one
    feed(machine, {"kind": "answer", "step_id": "quiz", "question_id": "q1", "choice_id": "a"})
    early = feed(machine, {"kind": "step_completed", "step_id": "quiz"})
    assert isinstance(early[0], sm.Rejected)
    assert "unanswered" in early[0].message
    feed(machine, {"kind": "answer", "step_id": "quiz", "question_id": "q2", "choice_id": "b"})
    feed(machine, {"kind": "step_completed", "step_id": "quiz"})
    assert machine.steps[4].answers == {"q1": "b", "q2": "b"}
    assert isinstance(feed(machine, {"kind": "session_completed"})[0], sm.Accepted)
    result = compute_result(machine, META)
    quiz = result.steps[4]
    assert (quiz.points, quiz.max_points) == (10, 20)


def test_session_completed_too_early_is_refused() -> None:
    machine = running()
    out = feed(machine, {"kind": "session_completed"})
    assert isinstance(out[0], sm.Rejected)
    assert machine.state == "running"


def test_call_staff_and_language_change() -> None:
    machine = running()
    out = feed(machine, {"kind": "call_staff", "reason": "dizzy"})
    assert out == [sm.Accepted(1), sm.StaffAlert("call_staff", "dizzy")]
    feed(machine, {"kind": "language_changed", "language": "th"})
    assert machine.language == "th"
    assert machine.handle(sm.SetLanguage("en"), 20) == [sm.SendCommand("language")]
    assert machine.language == "en"


def test_snapshot_round_trip_restores_every_field() -> None:
    machine = running()
    for body in correct_events(machine.script)[:7]:
        feed(machine, body, now=33)
    machine.handle(sm.Pause(), 40)
    restored = sm.SessionMachine.restore(machine.snapshot(), machine.script)
    assert restored.snapshot() == machine.snapshot()
    # and the restored machine carries on exactly where the first one was
    restored.handle(sm.Resume(), 50)
    assert restored.state == "running"
    assert restored.current_step_id == machine.current_step_id


def test_result_scores_penalties_and_links() -> None:
    machine = running()
    events = correct_events(machine.script)
    i = events.index({"kind": "step_started", "step_id": "pick-knife"})
    events.insert(i + 1, {"kind": "hint_shown", "step_id": "pick-knife", "hint_index": 0})
    for body in events:
        assert isinstance(feed(machine, body)[0], sm.Accepted), body
    result = compute_result(machine, META)
    by_id = {s.step_id: s for s in result.steps}
    assert by_id["pick-knife"].points == 8.0  # 10 points less 20 % for one hint
    assert by_id["place-pan"].points == 10.0
    assert result.max_score == 10 + 10 + 10 + 20
    assert result.score == 48.0
    assert result.passed
    assert result.job_links["en"] == "https://jobs.example/?isco=5120&q=cook"
    assert "%E0%B8%9E" in result.job_links["th"]  # the Thai query is URL-encoded
    assert [s.en for s in result.strengths] == ["text"] * 3


def test_aborted_session_does_not_pass() -> None:
    machine = running()
    machine.handle(sm.Abort("ended by staff"), 30)
    result = compute_result(machine, META)
    assert not result.passed
    assert result.score == 0


def test_reports_resent_after_a_reconnect_change_nothing() -> None:
    machine = running()
    before = machine.snapshot()
    assert machine.handle(sm.LoadingStarted(), 50) == []
    assert machine.handle(sm.Loaded(), 51) == []
    assert machine.snapshot() == before
