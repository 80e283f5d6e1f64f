"""The session state machine, without I/O.

    lobby -> assigned -> loading -> ready -> running <-> paused -> finished
                 \\___________\\__________\\________\\__________\\-> aborted

The machine takes inputs (staff commands, headset reports, numbered events) and returns
outputs (transitions, acks, rejections, commands for the headset, the finished result). It
never touches a socket, a clock or a database: the caller passes `now`, persists
`snapshot()` after every input that changed something, and sends what the outputs say.
`SessionMachine.restore(snapshot, script)` rebuilds it, so a session survives a reconnect or a
server restart.

Sequence numbers: the headset numbers its events 1, 2, 3, ... per session. The next one is
applied; a lower one is a replay (the caller compares it with what was stored: identical ->
acknowledged again as a duplicate, different -> `seq_conflict`); a higher one leaves a gap and
is refused with `seq_gap` and the expected number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from content_tools.format import (
    GrabPlaceAction,
    Language,
    LookAtAction,
    QuizAction,
    Script,
    SelectAction,
)
from vr_server.protocol.common import FINAL_STATES, SessionState
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.events import (
    Answer,
    CallStaff,
    HintShown,
    Interaction,
    LanguageChanged,
    SessionCompleted,
    SessionEvent,
    StepCompleted,
    StepStarted,
)

# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Assign:
    language: Language = "th"
    autostart: bool = True


@dataclass(frozen=True)
class LoadingStarted:
    pass


@dataclass(frozen=True)
class Loaded:
    pass


@dataclass(frozen=True)
class LoadFailed:
    reason: str


@dataclass(frozen=True)
class Start:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Abort:
    reason: str


@dataclass(frozen=True)
class SetLanguage:
    language: Language


@dataclass(frozen=True)
class HeadsetEvent:
    seq: int
    event: SessionEvent


Input = (
    Assign
    | LoadingStarted
    | Loaded
    | LoadFailed
    | Start
    | Pause
    | Resume
    | Abort
    | SetLanguage
    | HeadsetEvent
)

# ---------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Transition:
    old: SessionState
    new: SessionState
    cause: str


@dataclass(frozen=True)
class Accepted:
    """The event with this seq was applied: store it, then acknowledge it."""

    seq: int


@dataclass(frozen=True)
class Replayed:
    """A seq below the next expected one: compare with the stored event."""

    seq: int


@dataclass(frozen=True)
class Rejected:
    code: ErrorCode
    message: str
    seq: int | None = None
    expected_seq: int | None = None


@dataclass(frozen=True)
class SendCommand:
    """Tell the headset to do something (start, pause, resume, end, language)."""

    command: Literal["start", "pause", "resume", "end", "language"]


@dataclass(frozen=True)
class StaffAlert:
    kind: Literal["call_staff"]
    detail: str


Output = Transition | Accepted | Replayed | Rejected | SendCommand | StaffAlert

# ---------------------------------------------------------------- progress per step


@dataclass
class StepProgress:
    started_at: float | None = None
    completed_at: float | None = None
    hints: int = 0
    mistakes: int = 0
    achieved: bool = False
    """The step's action was done correctly (the right node selected, placed or looked at)."""
    answers: dict[str, str] = field(default_factory=dict)
    """question id -> the first choice given."""

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "hints": self.hints,
            "mistakes": self.mistakes,
            "achieved": self.achieved,
            "answers": dict(self.answers),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepProgress:
        return cls(
            started_at=data.get("started_at"),
            completed_at=data.get("completed_at"),
            hints=int(data.get("hints", 0)),
            mistakes=int(data.get("mistakes", 0)),
            achieved=bool(data.get("achieved", False)),
            answers={str(k): str(v) for k, v in dict(data.get("answers", {})).items()},
        )


class SessionMachine:
    """One visitor session on one headset, driven by `handle(input, now)`."""

    def __init__(
        self,
        script: Script,
        *,
        state: SessionState = "lobby",
        language: Language = "th",
        autostart: bool = True,
        step_index: int = 0,
        next_seq: int = 1,
        steps: list[StepProgress] | None = None,
        started_at: float | None = None,
        ended_at: float | None = None,
        paused_total: float = 0.0,
        paused_at: float | None = None,
        end_reason: str | None = None,
    ) -> None:
        self.script = script
        self.state: SessionState = state
        self.language: Language = language
        self.autostart = autostart
        self.step_index = step_index
        self.next_seq = next_seq
        self.steps = steps if steps is not None else [StepProgress() for _ in script.steps]
        if len(self.steps) != len(script.steps):
            raise ValueError("progress does not match the script's steps")
        self.started_at = started_at
        self.ended_at = ended_at
        self.paused_total = paused_total
        self.paused_at = paused_at
        self.end_reason = end_reason

    # ------------------------------------------------------------ persistence

    def snapshot(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "language": self.language,
            "autostart": self.autostart,
            "step_index": self.step_index,
            "next_seq": self.next_seq,
            "steps": [s.to_json() for s in self.steps],
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "paused_total": self.paused_total,
            "paused_at": self.paused_at,
            "end_reason": self.end_reason,
        }

    @classmethod
    def restore(cls, snapshot: dict[str, Any], script: Script) -> SessionMachine:
        return cls(
            script,
            state=snapshot["state"],
            language=snapshot["language"],
            autostart=bool(snapshot["autostart"]),
            step_index=int(snapshot["step_index"]),
            next_seq=int(snapshot["next_seq"]),
            steps=[StepProgress.from_json(s) for s in snapshot["steps"]],
            started_at=snapshot.get("started_at"),
            ended_at=snapshot.get("ended_at"),
            paused_total=float(snapshot.get("paused_total", 0.0)),
            paused_at=snapshot.get("paused_at"),
            end_reason=snapshot.get("end_reason"),
        )

    # ------------------------------------------------------------ queries

    @property
    def current_step_id(self) -> str | None:
        if self.step_index < len(self.script.steps):
            return self.script.steps[self.step_index].id
        return None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def all_steps_done(self) -> bool:
        return self.step_index >= len(self.script.steps)

    def active_seconds(self) -> float | None:
        """Time spent running, pauses excluded."""
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else self.paused_at
        if end is None:
            return None
        return max(0.0, end - self.started_at - self.paused_total)

    # ------------------------------------------------------------ driving

    def handle(self, inp: Input, now: float) -> list[Output]:
        if isinstance(inp, HeadsetEvent):
            return self._event(inp, now)
        if isinstance(inp, SetLanguage):
            if self.is_final:
                return [self._bad_state("change the language")]
            self.language = inp.language
            return [SendCommand("language")]
        if isinstance(inp, Abort):
            if self.is_final:
                return [self._bad_state("end")]
            out: list[Output] = [self._to("aborted", inp.reason, now), SendCommand("end")]
            self.end_reason = inp.reason
            return out
        if isinstance(inp, Assign):
            if self.state != "lobby":
                return [self._bad_state("assign")]
            self.language = inp.language
            self.autostart = inp.autostart
            return [self._to("assigned", "assign", now)]
        if isinstance(inp, LoadingStarted):
            if self.state in ("loading", "ready", "running", "paused"):
                return []  # a reconnecting headset reloads its scene: nothing changes
            if self.state != "assigned":
                return [self._bad_state("start loading")]
            return [self._to("loading", "loading", now)]
        if isinstance(inp, LoadFailed):
            if self.state not in ("assigned", "loading"):
                return [self._bad_state("fail loading")]
            self.end_reason = f"load failed: {inp.reason}"
            return [self._to("aborted", "load_failed", now)]
        if isinstance(inp, Loaded):
            if self.state == "ready":
                return []
            if self.state in ("running", "paused"):
                # A headset that reconnected mid-session reloaded its scene: nothing changes.
                return []
            if self.state not in ("assigned", "loading"):
                return [self._bad_state("become ready")]
            outs: list[Output] = [self._to("ready", "loaded", now)]
            if self.autostart:
                outs += self._start(now, "autostart")
            return outs
        if isinstance(inp, Start):
            if self.state != "ready":
                return [self._bad_state("start")]
            return self._start(now, "start")
        if isinstance(inp, Pause):
            if self.state != "running":
                return [self._bad_state("pause")]
            self.paused_at = now
            return [self._to("paused", "pause", now), SendCommand("pause")]
        if isinstance(inp, Resume):
            if self.state != "paused":
                return [self._bad_state("resume")]
            if self.paused_at is not None:
                self.paused_total += max(0.0, now - self.paused_at)
            self.paused_at = None
            return [self._to("running", "resume", now), SendCommand("resume")]
        raise TypeError(f"unknown input {inp!r}")  # pragma: no cover

    def _start(self, now: float, cause: str) -> list[Output]:
        self.started_at = now
        return [self._to("running", cause, now), SendCommand("start")]

    def _to(self, new: SessionState, cause: str, now: float) -> Transition:
        old = self.state
        self.state = new
        if new in FINAL_STATES:
            self.ended_at = now
            if self.paused_at is not None:
                self.paused_total += max(0.0, now - self.paused_at)
                self.paused_at = None
        return Transition(old, new, cause)

    def _bad_state(self, what: str) -> Rejected:
        return Rejected(ErrorCode.INVALID_STATE, f"cannot {what} a session that is {self.state}")

    # ------------------------------------------------------------ events

    def _event(self, inp: HeadsetEvent, now: float) -> list[Output]:
        seq = inp.seq
        if seq < self.next_seq:
            return [Replayed(seq)]
        if seq > self.next_seq:
            return [
                Rejected(
                    ErrorCode.SEQ_GAP,
                    f"event {seq} arrived but {self.next_seq} is expected next",
                    seq=seq,
                    expected_seq=self.next_seq,
                )
            ]
        ev = inp.event
        outs: list[Output] = []
        # Events that may come in any state a headset can be in during a session.
        if isinstance(ev, CallStaff):
            if self.is_final:
                return [self._reject(seq, ErrorCode.INVALID_STATE, "the session has ended")]
            outs.append(StaffAlert("call_staff", ev.reason))
        elif isinstance(ev, LanguageChanged):
            if self.is_final:
                return [self._reject(seq, ErrorCode.INVALID_STATE, "the session has ended")]
            self.language = ev.language
        else:
            if self.state not in ("running", "paused"):
                return [
                    self._reject(
                        seq,
                        ErrorCode.INVALID_STATE,
                        f"{ev.kind} is only valid in a running session (it is {self.state})",
                    )
                ]
            problem = self._apply_step_event(ev, now, outs)
            if problem is not None:
                return [self._reject(seq, ErrorCode.INVALID_EVENT, problem)]
        self.next_seq += 1
        return [Accepted(seq), *outs]

    @staticmethod
    def _reject(seq: int, code: ErrorCode, message: str) -> Rejected:
        return Rejected(code, message, seq=seq)

    def _apply_step_event(self, ev: SessionEvent, now: float, outs: list[Output]) -> str | None:
        """Apply a step event; return why it is invalid, or None when applied."""
        if isinstance(ev, SessionCompleted):
            if not self.all_steps_done:
                return (
                    f"session_completed before every step was done "
                    f"(step {self.step_index + 1} of {len(self.script.steps)} is current)"
                )
            outs.append(self._to("finished", "completed", now))
            self.end_reason = "completed"
            return None
        assert not isinstance(ev, CallStaff | LanguageChanged)  # noqa: S101 - type narrowing, not an input check
        step_id = ev.step_id
        current = self.current_step_id
        if current is None:
            return f"{ev.kind} for step {step_id!r} after the last step"
        if step_id != current:
            return f"{ev.kind} for step {step_id!r} but the current step is {current!r}"
        step = self.script.steps[self.step_index]
        progress = self.steps[self.step_index]
        action = step.action
        if isinstance(ev, StepStarted):
            if progress.started_at is None:
                progress.started_at = now
            return None
        if progress.started_at is None:
            return f"{ev.kind} before step_started for {step_id!r}"
        if isinstance(ev, HintShown):
            if ev.hint_index >= len(step.hints):
                return f"step {step_id!r} has {len(step.hints)} hints, not {ev.hint_index + 1}"
            progress.hints += 1
            return None
        if isinstance(ev, Interaction):
            if _interaction_achieves(action, ev):
                progress.achieved = True
            elif _interaction_counts_as_mistake(action, ev):
                progress.mistakes += 1
            return None
        if isinstance(ev, Answer):
            if not isinstance(action, QuizAction):
                return f"step {step_id!r} is not a quiz"
            question = next((q for q in action.questions if q.id == ev.question_id), None)
            if question is None:
                return f"step {step_id!r} has no question {ev.question_id!r}"
            if ev.choice_id not in {c.id for c in question.choices}:
                return f"question {ev.question_id!r} has no choice {ev.choice_id!r}"
            progress.answers.setdefault(ev.question_id, ev.choice_id)
            return None
        if isinstance(ev, StepCompleted):
            if isinstance(action, QuizAction):
                missing = [q.id for q in action.questions if q.id not in progress.answers]
                if missing:
                    return f"quiz {step_id!r} still has unanswered questions {missing}"
                progress.achieved = True
            elif isinstance(action, SelectAction | GrabPlaceAction | LookAtAction):
                if not progress.achieved:
                    return f"step {step_id!r} was completed without its {action.kind} action"
            else:
                progress.achieved = True
            progress.completed_at = now
            self.step_index += 1
            return None
        raise TypeError(f"unknown event {ev!r}")  # pragma: no cover


def _interaction_achieves(action: object, ev: Interaction) -> bool:
    if isinstance(action, SelectAction):
        return ev.action == "select" and ev.node == action.node
    if isinstance(action, GrabPlaceAction):
        return ev.action == "release" and ev.node == action.node and ev.target == action.target
    if isinstance(action, LookAtAction):
        return ev.action == "look" and ev.node == action.node
    return False


def _interaction_counts_as_mistake(action: object, ev: Interaction) -> bool:
    """A wrong node selected, or the right node released somewhere other than its target."""
    if isinstance(action, SelectAction):
        return ev.action == "select" and ev.node != action.node
    if isinstance(action, GrabPlaceAction):
        return ev.action == "release" and ev.node == action.node and ev.target != action.target
    return False
