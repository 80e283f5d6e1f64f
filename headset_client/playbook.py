"""How a simulated visitor plays a session script, without I/O or clocks.

`plan_step` turns one script step into timed beats (seconds since the step started, at real
visitor pace) of the events a headset would report: `step_started`, the action's interactions
(sometimes a wrong try first), answers to a quiz, `hint_shown` when the visitor needs longer
than a hint's `after_s`, and `step_completed`. Choices come from a seeded `random.Random`, so a
seed gives the same session every time. The simulator sleeps between beats (divided by its
speed); tests feed the beats to the server's session machine directly.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from content_tools.format import (
    ContinueAction,
    GrabPlaceAction,
    LookAtAction,
    QuizAction,
    Script,
    SelectAction,
    Step,
)
from vr_server.protocol.events import (
    Answer,
    HintShown,
    Interaction,
    SessionCompleted,
    SessionEvent,
    StepCompleted,
    StepStarted,
)


@dataclass(frozen=True)
class Behaviour:
    """How the simulated visitor behaves; probabilities are drawn from the seeded random."""

    wrong_select_p: float = 0.3
    """Chance to select a wrong node first on a select step."""
    misplace_p: float = 0.25
    """Chance to release the node away from its target first on a grab-and-place step."""
    correct_answer_p: float = 0.8
    pace: tuple[float, float] = (0.3, 1.1)
    """Time on a step as a fraction of its `expected_s` (drawn uniformly)."""
    reading_chars_per_s: float = 15.0
    """Narration reading speed: how long the visitor listens before acting."""


@dataclass(frozen=True)
class Beat:
    at_s: float
    """Seconds since the step started."""
    event: SessionEvent


@dataclass(frozen=True)
class StepPlan:
    index: int
    step: Step
    beats: tuple[Beat, ...]

    @property
    def duration_s(self) -> float:
        return self.beats[-1].at_s if self.beats else 0.0

    @property
    def hints_shown(self) -> int:
        return sum(isinstance(b.event, HintShown) for b in self.beats)

    @property
    def mistakes(self) -> int:
        """Wrong selects and misplaced releases in this plan."""
        action = self.step.action
        count = 0
        for b in self.beats:
            ev = b.event
            if not isinstance(ev, Interaction):
                continue
            if isinstance(action, SelectAction) and ev.action == "select":
                count += ev.node != action.node
            if isinstance(action, GrabPlaceAction) and ev.action == "release":
                count += ev.target != action.target
        return count


def plan_step(
    step: Step,
    index: int,
    rng: random.Random,
    *,
    behaviour: Behaviour = Behaviour(),
    decoys: Sequence[str] = (),
) -> StepPlan:
    """The beats of one step. `decoys` are other node names a visitor may pick by mistake."""
    sid = step.id
    reading = min(8.0, max(1.5, len(step.narration.en) / behaviour.reading_chars_per_s))
    low, high = behaviour.pace
    target_time = max(reading + 1.0, rng.uniform(low, high) * step.expected_s)
    span = target_time - reading
    actions: list[Beat] = []
    action = step.action
    if isinstance(action, SelectAction):
        if rng.random() < behaviour.wrong_select_p:
            wrong = _decoy(action.node, decoys, rng)
            actions.append(
                _beat(reading + 0.4 * span, Interaction(step_id=sid, node=wrong, action="select"))
            )
        actions.append(
            _beat(target_time - 0.5, Interaction(step_id=sid, node=action.node, action="select"))
        )
    elif isinstance(action, GrabPlaceAction):
        t = reading + 0.2 * span
        if rng.random() < behaviour.misplace_p:
            actions.append(_beat(t, Interaction(step_id=sid, node=action.node, action="grab")))
            actions.append(
                _beat(
                    t + 0.25 * span,
                    Interaction(step_id=sid, node=action.node, action="release", target=None),
                )
            )
            t += 0.4 * span
        actions.append(_beat(t, Interaction(step_id=sid, node=action.node, action="grab")))
        actions.append(
            _beat(
                target_time - 0.3,
                Interaction(step_id=sid, node=action.node, action="release", target=action.target),
            )
        )
    elif isinstance(action, LookAtAction):
        look = reading + rng.uniform(0.5, 3.0) + action.dwell_s
        actions.append(_beat(look, Interaction(step_id=sid, node=action.node, action="look")))
    elif isinstance(action, QuizAction):
        t = reading
        for question in action.questions:
            t += rng.uniform(3.0, 8.0)
            choice = question.answer
            if rng.random() >= behaviour.correct_answer_p:
                others = [c.id for c in question.choices if c.id != question.answer]
                choice = rng.choice(others)
            actions.append(_beat(t, Answer(step_id=sid, question_id=question.id, choice_id=choice)))
    else:
        assert isinstance(action, ContinueAction)  # noqa: S101 - type narrowing, not an input check
        target_time = reading + rng.uniform(0.5, 2.0)
    done_at = max([target_time, *(b.at_s + 0.5 for b in actions)])
    hints = [
        _beat(h.after_s, HintShown(step_id=sid, hint_index=i))
        for i, h in enumerate(step.hints)
        if h.after_s < done_at
    ]
    middle = sorted([*actions, *hints], key=lambda b: b.at_s)
    beats = (
        Beat(0.0, StepStarted(step_id=sid)),
        *middle,
        Beat(round(done_at, 3), StepCompleted(step_id=sid)),
    )
    return StepPlan(index, step, beats)


def plan_session(
    script: Script,
    rng: random.Random,
    *,
    behaviour: Behaviour = Behaviour(),
    start_step: int = 0,
) -> Iterator[StepPlan]:
    """The plans of the steps from `start_step` on (drawn lazily, one step at a time)."""
    nodes = sorted(script.referenced_nodes())
    for index in range(start_step, len(script.steps)):
        yield plan_step(script.steps[index], index, rng, behaviour=behaviour, decoys=nodes)


def session_events(
    script: Script, rng: random.Random, *, behaviour: Behaviour = Behaviour(), start_step: int = 0
) -> list[SessionEvent]:
    """Every event of a whole session in order, ending with `session_completed`."""
    events = [
        beat.event
        for plan in plan_session(script, rng, behaviour=behaviour, start_step=start_step)
        for beat in plan.beats
    ]
    events.append(SessionCompleted())
    return events


def _beat(at_s: float, event: SessionEvent) -> Beat:
    return Beat(round(at_s, 3), event)


def _decoy(node: str, decoys: Sequence[str], rng: random.Random) -> str:
    others = [n for n in decoys if n != node]
    return rng.choice(others) if others else f"{node}-decoy"[:128]
