"""Small scripts and bundles for tests that must not depend on the sample scenes."""

from __future__ import annotations

from collections.abc import Sequence

from content_tools.format import SceneMeta, Script

T = {"th": "ข้อความ", "en": "text"}


def step(
    step_id: str, text: dict[str, str] = T, *, hints: Sequence[float] = (), **fields: object
) -> dict[str, object]:
    """A script step titled and narrated `text`, with a hint of `text` after each of `hints`
    seconds; `fields` (action, highlight, expected_s...) as given."""
    body: dict[str, object] = {"id": step_id, "title": text, "narration": text, **fields}
    if hints:
        body["hints"] = [{"after_s": after, "text": text} for after in hints]
    return body


def question(
    question_id: str, answer: str, text: dict[str, str] = T, choices: str = "ab"
) -> dict[str, object]:
    """A quiz question with one choice per letter of `choices`."""
    return {
        "id": question_id,
        "prompt": text,
        "choices": [{"id": c, "text": text} for c in choices],
        "answer": answer,
    }


def every_action_script() -> Script:
    """Five steps, one per action kind, with hints."""
    quiz = {"kind": "quiz", "questions": [question("q1", "a"), question("q2", "b")]}
    return Script.model_validate(
        {
            "steps": [
                step("intro"),
                step(
                    "pick-knife",
                    highlight="knife",
                    action={"kind": "select", "node": "knife"},
                    hints=(10, 20),
                ),
                step("place-pan", action={"kind": "grab_place", "node": "pan", "target": "stove"}),
                step("look-fire", action={"kind": "look_at", "node": "fire_exit"}),
                step("quiz", action=quiz),
            ]
        }
    )


def correct_events(script: Script) -> list[dict[str, object]]:
    """The event bodies of a visitor who does every step right, in order."""
    events: list[dict[str, object]] = []
    for step in script.steps:
        events.append({"kind": "step_started", "step_id": step.id})
        action = step.action
        if action.kind == "select":
            events.append(
                {"kind": "interaction", "step_id": step.id, "node": action.node, "action": "select"}
            )
        elif action.kind == "grab_place":
            events.append(
                {"kind": "interaction", "step_id": step.id, "node": action.node, "action": "grab"}
            )
            events.append(
                {
                    "kind": "interaction",
                    "step_id": step.id,
                    "node": action.node,
                    "action": "release",
                    "target": action.target,
                }
            )
        elif action.kind == "look_at":
            events.append(
                {"kind": "interaction", "step_id": step.id, "node": action.node, "action": "look"}
            )
        elif action.kind == "quiz":
            for q in action.questions:
                events.append(
                    {
                        "kind": "answer",
                        "step_id": step.id,
                        "question_id": q.id,
                        "choice_id": q.answer,
                    }
                )
        events.append({"kind": "step_completed", "step_id": step.id})
    events.append({"kind": "session_completed"})
    return events


def scene_meta(
    scene_id: str = "test-kitchen", version: str = "1.0.0", **fields: object
) -> SceneMeta:
    """A test scene's metadata (five minutes, one ISCO-08 code, Thai and English text);
    `fields` replace any of its fields."""
    return SceneMeta.model_validate(
        {
            "id": scene_id,
            "version": version,
            "title": {"th": "ครัวทดสอบ", "en": "Test kitchen"},
            "summary": T,
            "isco08": "5120",
            "riasec": ["R"],
            "skills": [T],
            "duration_min": 5,
            "job_search_url": "https://jobs.example/?isco={isco08}&q={query}",
            "job_query": {"th": "พ่อครัว", "en": "cook"},
            **fields,
        }
    )
