"""The scene source format: `scenes/<id>/scene.yaml`.

One pydantic model tree is the only definition of the format. `vr-content schema` exports its
JSON Schema for authors' editors, the packager copies the parsed model into the bundle manifest,
and the server sends the script to headsets unchanged.

A scene holds metadata about the occupation (titles, ISCO-08 code, RIASEC interests, skills,
comfort, job-search link) and a session script: ordered steps, each completed by one action
(select a node, grab a node and place it on a target, look at a node, answer a quiz, or just
continue).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from content_tools.format.sounds import MAX_SOUNDS

Language = Literal["th", "en"]
LANGUAGES: tuple[Language, ...] = ("th", "en")

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$",
        description="Lower-case letters, digits, '-' and '_' (at most 64 characters).",
    ),
]
NodeName = Annotated[
    str,
    Field(min_length=1, max_length=128, description="The name of a node in the scene's glTF."),
]
RiasecCode = Literal["R", "I", "A", "S", "E", "C"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Model):
    """A text a visitor sees, in Thai and in English (both required)."""

    th: str = Field(min_length=1, max_length=2000, description="Thai text")
    en: str = Field(min_length=1, max_length=2000, description="English text")

    def get(self, language: Language) -> str:
        return self.th if language == "th" else self.en


class Hint(_Model):
    """A hint shown when the visitor has spent `after_s` seconds on a step."""

    after_s: float = Field(gt=0, le=600)
    text: LocalizedText


class SelectAction(_Model):
    """Completed when the visitor points at `node` and presses the trigger (or pinches)."""

    kind: Literal["select"] = "select"
    node: NodeName


class GrabPlaceAction(_Model):
    """Completed when the visitor grabs `node` and releases it within `tolerance_m` of `target`."""

    kind: Literal["grab_place"] = "grab_place"
    node: NodeName
    target: NodeName
    tolerance_m: float = Field(default=0.15, gt=0, le=2)


class LookAtAction(_Model):
    """Completed when the visitor keeps `node` near the centre of view for `dwell_s` seconds."""

    kind: Literal["look_at"] = "look_at"
    node: NodeName
    dwell_s: float = Field(default=1.5, gt=0, le=30)


class ContinueAction(_Model):
    """Completed when the visitor presses "continue" on the narration panel."""

    kind: Literal["continue"] = "continue"


class QuizChoice(_Model):
    id: Identifier
    text: LocalizedText


class QuizQuestion(_Model):
    id: Identifier
    prompt: LocalizedText
    choices: list[QuizChoice] = Field(min_length=2, max_length=6)
    answer: Identifier = Field(description="The id of the correct choice.")
    points: int = Field(default=10, ge=0, le=1000)
    explanation: LocalizedText | None = None

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> QuizQuestion:
        ids = [c.id for c in self.choices]
        if len(set(ids)) != len(ids):
            raise ValueError(f"question {self.id!r}: choice ids must be unique")
        if self.answer not in ids:
            raise ValueError(
                f"question {self.id!r}: answer {self.answer!r} is not one of its choices {ids}"
            )
        return self


class QuizAction(_Model):
    """Completed when every question has been answered (right or wrong)."""

    kind: Literal["quiz"] = "quiz"
    questions: list[QuizQuestion] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique_questions(self) -> QuizAction:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique within a quiz step")
        return self


Action = Annotated[
    SelectAction | GrabPlaceAction | LookAtAction | QuizAction | ContinueAction,
    Field(discriminator="kind"),
]


class Step(_Model):
    id: Identifier
    title: LocalizedText
    narration: LocalizedText
    highlight: NodeName | None = Field(
        default=None, description="A node to highlight while the step runs."
    )
    action: Action = Field(default_factory=ContinueAction)
    hints: list[Hint] = Field(default_factory=list, max_length=5)
    points: int = Field(
        default=10, ge=0, le=1000, description="Points for a task step (quiz: per question)."
    )
    expected_s: float = Field(
        default=45, gt=0, le=1800, description="How long a visitor usually needs."
    )

    @field_validator("hints")
    @classmethod
    def _hints_in_order(cls, hints: list[Hint]) -> list[Hint]:
        times = [h.after_s for h in hints]
        if times != sorted(times):
            raise ValueError("hints must be listed in increasing order of after_s")
        return hints

    @property
    def max_points(self) -> int:
        if isinstance(self.action, QuizAction):
            return sum(q.points for q in self.action.questions)
        if isinstance(self.action, ContinueAction):
            return 0
        return self.points


SoundEvent = Literal["session_start", "step_started", "step_completed", "grab", "place"]
STEP_EVENTS: tuple[SoundEvent, ...] = ("step_started", "step_completed", "grab", "place")


class SoundTrigger(_Model):
    """A script event that starts (or stops) a sound.

    `session_start`: the scene is loaded and the session runs (ambience); `step_started`,
    `step_completed`: step `step` begins or is done; `grab`: the visitor picks up step `step`'s
    node; `place`: they put it down on its target (a grab-and-place step done right)."""

    event: SoundEvent
    step: Identifier | None = Field(
        default=None, description="The step whose event it is (every event but session_start)."
    )

    @model_validator(mode="after")
    def _step_when_needed(self) -> SoundTrigger:
        if self.event == "session_start" and self.step is not None:
            raise ValueError("a session_start trigger names no step")
        if self.event != "session_start" and self.step is None:
            raise ValueError(f"a {self.event} trigger needs the step it belongs to")
        return self


class SoundCue(_Model):
    """A sound played at a node of the scene (positional: louder near it), started by script
    events. In scene.yaml `file` is relative to the scene folder (`sounds/sizzle.ogg`); in a
    bundle's manifest it is the file's name in the bundle (`<sha256>.ogg`, one of `sounds`)."""

    id: Identifier
    file: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[0-9A-Za-z_][0-9A-Za-z._/-]*$",
        description="An Ogg Vorbis/Opus, MP3 or WAV file (see content_tools.format.sounds).",
    )
    node: NodeName = Field(description="The node the sound comes from.")
    loop: bool = Field(default=False, description="Repeat until a stop trigger or the end.")
    volume: float = Field(default=1.0, ge=0, le=1)
    ref_distance_m: float = Field(
        default=1.0, gt=0, le=50, description="Full volume within this distance, then softer."
    )
    start: list[SoundTrigger] = Field(min_length=1, max_length=10)
    stop: list[SoundTrigger] = Field(default_factory=list, max_length=10)


class Scoring(_Model):
    hint_penalty: float = Field(
        default=0.2, ge=0, le=1, description="Fraction of a step's points lost per hint shown."
    )
    mistake_penalty: float = Field(
        default=0.1, ge=0, le=1, description="Fraction of a step's points lost per wrong try."
    )
    pass_ratio: float = Field(default=0.6, ge=0, le=1)


class Script(_Model):
    steps: list[Step] = Field(min_length=1, max_length=100)
    scoring: Scoring = Field(default_factory=Scoring)
    sounds: list[SoundCue] = Field(
        default_factory=list,
        max_length=MAX_SOUNDS,
        description="Ambience and action sounds, each at a node, started by script events.",
    )

    @model_validator(mode="after")
    def _unique_steps(self) -> Script:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used twice")
            seen.add(step.id)
        self._check_sound_triggers()
        return self

    def _check_sound_triggers(self) -> None:
        steps = {step.id: step for step in self.steps}
        cues: set[str] = set()
        for cue in self.sounds:
            if cue.id in cues:
                raise ValueError(f"sound id {cue.id!r} is used twice")
            cues.add(cue.id)
            for trigger in (*cue.start, *cue.stop):
                step = steps.get(trigger.step) if trigger.step is not None else None
                if trigger.step is not None and step is None:
                    raise ValueError(
                        f"sound {cue.id!r}: {trigger.event} names step {trigger.step!r}, "
                        "which is not a step of the script"
                    )
                grabbing = trigger.event in ("grab", "place")
                if grabbing and step is not None and not isinstance(step.action, GrabPlaceAction):
                    raise ValueError(
                        f"sound {cue.id!r}: {trigger.event} needs a grab_place step, "
                        f"and step {trigger.step!r} is not one"
                    )

    @model_serializer(mode="wrap")
    def _leave_out_no_sounds(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A script without sounds serialises as it did before the field existed (the
        # manifests of published versions keep their digest).
        data = handler(self)
        if isinstance(data, dict) and data.get("sounds", 0) == []:
            del data["sounds"]
        return data

    @property
    def max_points(self) -> int:
        return sum(s.max_points for s in self.steps)

    def referenced_nodes(self) -> set[str]:
        """Every node name the script relies on (highlights, action nodes, targets, the nodes
        sounds come from)."""
        return {reference.name for reference in node_references(None, self)}


@dataclass(frozen=True, slots=True)
class NodeReference:
    """A node name a scene relies on, and where it stands."""

    loc: tuple[int | str, ...]
    """The path of its key in scene.yaml (and in a bundle's manifest)."""
    name: str
    role: str
    """How messages name it: `spawn_node`, `step 'cut': highlight`, `step 'cut': target`."""
    interactable: bool = False
    """The visitor points at or grabs it, so it needs a mesh."""


def node_references(spawn_node: str | None, script: Script) -> list[NodeReference]:
    """The spawn node (unless None) and every node the script names, in document order."""
    found = [] if spawn_node is None else [NodeReference(("spawn_node",), spawn_node, "spawn_node")]
    for index, step in enumerate(script.steps):
        at: tuple[int | str, ...] = ("script", "steps", index)
        label = f"step {step.id!r}:"
        if step.highlight:
            found.append(NodeReference((*at, "highlight"), step.highlight, f"{label} highlight"))
        action = step.action
        if isinstance(action, SelectAction | LookAtAction | GrabPlaceAction):
            interactable = not isinstance(action, LookAtAction)
            found.append(
                NodeReference((*at, "action", "node"), action.node, f"{label} node", interactable)
            )
        if isinstance(action, GrabPlaceAction):
            found.append(NodeReference((*at, "action", "target"), action.target, f"{label} target"))
    for index, cue in enumerate(script.sounds):
        loc = ("script", "sounds", index, "node")
        found.append(NodeReference(loc, cue.node, f"sound {cue.id!r}: node"))
    return found


def count_node_references(
    spawn_node: str | None, script: Script, node_names: Iterable[str]
) -> list[tuple[NodeReference, int]]:
    """Each node the scene relies on (`node_references`) with the number of the model's nodes
    that carry its name: 1 is right, 0 means missing, more means ambiguous. The one node check
    of the packager and the validator."""
    counts = Counter(node_names)
    return [(ref, counts[ref.name]) for ref in node_references(spawn_node, script)]


# ASCII digits only, and fullmatch: `\d` also matches Thai digits and `$` a trailing newline.
_VERSION_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")


class SceneMeta(_Model):
    """What the catalog, the staff and the visitor's result know about an occupation scene."""

    id: Identifier
    version: str = Field(description="Semantic version MAJOR.MINOR.PATCH", examples=["1.0.0"])
    title: LocalizedText
    summary: LocalizedText
    isco08: str = Field(pattern=r"^[0-9]{4}$", description="ISCO-08 unit group code (4 digits).")
    riasec: list[RiasecCode] = Field(min_length=1, max_length=3)
    skills: list[LocalizedText] = Field(min_length=1, max_length=12)
    duration_min: float = Field(gt=0, le=30, description="Expected session length in minutes.")
    comfort: Literal["seated", "standing"] = "standing"
    min_age: int = Field(default=13, ge=0, le=99)
    job_search_url: str = Field(
        description="Link template for real job openings; may use {isco08} and {query}.",
        examples=["https://www.doe.go.th/jobs?isco={isco08}&q={query}"],
    )
    job_query: LocalizedText = Field(description="Search words for job openings.")
    spawn_node: NodeName = Field(default="spawn", description="Where the visitor stands.")

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not _VERSION_RE.fullmatch(value):
            raise ValueError("version must look like 1.0.0")
        return value

    @field_validator("riasec")
    @classmethod
    def _unique_codes(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("RIASEC codes must not repeat")
        return value

    @field_validator("job_search_url")
    @classmethod
    def _job_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("job_search_url must be an http(s) URL")
        try:
            # Only the bare fields: `.format` would also follow `{query.__class__}` or `{0}`.
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
            if not fields <= {"isco08", "query"}:
                raise ValueError(f"unknown fields {sorted(fields - {'isco08', 'query'})}")
            value.format(isco08="0000", query="q")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"job_search_url may only use {{isco08}} and {{query}}: {exc}"
            ) from exc
        return value

    def job_link(self, language: Language) -> str:
        from urllib.parse import quote

        return self.job_search_url.format(
            isco08=self.isco08, query=quote(self.job_query.get(language))
        )


class SceneSource(SceneMeta):
    """The whole `scene.yaml`: metadata, where the model comes from, and the session script."""

    model: str = Field(
        default="scene.glb",
        description="The model file, relative to the scene folder (.glb or .gltf).",
    )
    generator: str | None = Field(
        default=None,
        description="A Python script in the scene folder that writes the model file.",
    )
    thumbnail: str | None = Field(default=None, description="A PNG, relative to the folder.")
    script: Script

    def meta(self) -> SceneMeta:
        return SceneMeta.model_validate(self.model_dump(include=set(SceneMeta.model_fields)))
