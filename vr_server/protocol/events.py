"""Session events a headset reports while it plays a script.

Each event travels in a numbered `event` frame; the server stores it exactly once per
(session, seq) and feeds it to the session state machine, which judges it against the script.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from vr_server.protocol.common import Wire

StepId = Annotated[str, Field(min_length=1, max_length=64)]
NodeRef = Annotated[str, Field(min_length=1, max_length=128)]


class StepStarted(Wire):
    kind: Literal["step_started"] = "step_started"
    step_id: StepId


class Interaction(Wire):
    """The visitor acted on a node: selected it, grabbed or released it, or looked at it.

    `target` is where a released node landed (the nearest placement target), if any.
    """

    kind: Literal["interaction"] = "interaction"
    step_id: StepId
    node: NodeRef
    action: Literal["select", "grab", "release", "look"]
    target: NodeRef | None = None


class HintShown(Wire):
    kind: Literal["hint_shown"] = "hint_shown"
    step_id: StepId
    hint_index: int = Field(ge=0, le=20)


class Answer(Wire):
    kind: Literal["answer"] = "answer"
    step_id: StepId
    question_id: Annotated[str, Field(min_length=1, max_length=64)]
    choice_id: Annotated[str, Field(min_length=1, max_length=64)]


class StepCompleted(Wire):
    kind: Literal["step_completed"] = "step_completed"
    step_id: StepId


class SessionCompleted(Wire):
    kind: Literal["session_completed"] = "session_completed"


class CallStaff(Wire):
    """The visitor pressed "call staff"."""

    kind: Literal["call_staff"] = "call_staff"
    reason: Annotated[str, Field(max_length=200)] = ""


class LanguageChanged(Wire):
    kind: Literal["language_changed"] = "language_changed"
    language: Literal["th", "en"]


SessionEvent = Annotated[
    StepStarted
    | Interaction
    | HintShown
    | Answer
    | StepCompleted
    | SessionCompleted
    | CallStaff
    | LanguageChanged,
    Field(discriminator="kind"),
]
