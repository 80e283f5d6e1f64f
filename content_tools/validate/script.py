"""The session script against its scene: node names, languages, timing.

Each problem is an issue that points at scene.yaml and the line of the offending key, in the
`path:line:` form editors understand. The scene format's own rules (both languages present,
quiz answers among the choices, unique step ids, ...) are enforced by the pydantic models; a
source that breaks them never gets here: `issues_from_source_error` turns those problems into
issues instead.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Protocol

from content_tools.errors import SourceError
from content_tools.format.scene import (
    GrabPlaceAction,
    LocalizedText,
    QuizAction,
    SceneMeta,
    Script,
    count_node_references,
)
from content_tools.source import LineFinder
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import Issue, Severity

__all__ = ["check_script", "issues_from_source_error"]

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
DURATION_TOLERANCE = 0.5
"""The steps' expected times may differ from `duration_min` by this fraction before a warning."""

Loc = tuple[int | str, ...]


def issues_from_source_error(error: SourceError, file: Path) -> list[Issue]:
    """A scene.yaml that cannot be read or does not fit the format, as issues."""
    problems = error.problems or [(error.line, error.message)]
    return [
        Issue(code="SCENE_FORMAT", severity=Severity.ERROR, message=text, file=str(file), line=ln)
        for ln, text in problems
    ]


def check_script(
    meta: SceneMeta,
    script: Script,
    info: GltfInfo,
    *,
    file: Path,
    line_of: LineFinder | None,
    model_name: str,
) -> list[Issue]:
    """Check `script` and `meta` against the model measured in `info`.

    `file` is where they come from (scene.yaml, or a bundle's manifest.json) and `line_of`
    finds lines in it (None: issues carry no line).
    """
    issues: list[Issue] = []

    def add(code: str, loc: Loc, message: str, severity: Severity = Severity.ERROR) -> None:
        line = None if line_of is None else line_of(loc)
        issues.append(
            Issue(code=code, severity=severity, message=message, file=str(file), line=line)
        )

    names = Counter(node.name for node in info.nodes if node.name)
    meshy = {node.name for node in info.nodes if node.name and node.has_mesh_below}
    for ref, count in count_node_references(meta.spawn_node, script, names.elements()):
        if count == 0:
            add(
                "SCRIPT_NODE_MISSING",
                ref.loc,
                f"{ref.role} {ref.name!r} is not a node of {model_name}{_suggest(ref.name, names)}",
            )
        elif count > 1:
            add(
                "SCRIPT_NODE_AMBIGUOUS",
                ref.loc,
                f"{ref.role} {ref.name!r} names {count} nodes of {model_name}; node names the "
                "script uses must be unique",
            )
        elif ref.interactable and ref.name not in meshy:
            add(
                "SCRIPT_NODE_NOT_MESH",
                ref.loc,
                f"{ref.role} {ref.name!r} has no mesh (neither it nor its children): a visitor "
                "cannot point at or grab it",
            )
    for index, step in enumerate(script.steps):
        action = step.action
        if isinstance(action, GrabPlaceAction) and action.node == action.target:
            add(
                "SCRIPT_TARGET_IS_NODE",
                ("script", "steps", index, "action", "target"),
                f"step {step.id!r}: the placement target is the grabbed node itself",
            )
    _check_texts(meta, script, add)
    _check_duration(script, meta.duration_min, add)
    return issues


def _check_texts(meta: SceneMeta, script: Script, add: _Add) -> None:
    """Both languages are required by the format; here: each is really written in its language
    and is not just blank."""
    for loc, text in _texts(meta, script):
        for language, value in (("th", text.th), ("en", text.en)):
            if not value.strip():
                add("TEXT_EMPTY", (*loc, language), f"the {language} text is blank")
        if text.th.strip() and not _THAI.search(text.th) and not _is_code_like(text.th):
            add(
                "TEXT_NOT_THAI",
                (*loc, "th"),
                f"the Thai text has no Thai letters: {text.th[:60]!r}",
                Severity.WARNING,
            )
        if _THAI.search(text.en):
            add(
                "TEXT_NOT_ENGLISH",
                (*loc, "en"),
                f"the English text contains Thai letters: {text.en[:60]!r}",
                Severity.WARNING,
            )


def _texts(meta: SceneMeta, script: Script) -> list[tuple[Loc, LocalizedText]]:
    found: list[tuple[Loc, LocalizedText]] = [
        (("title",), meta.title),
        (("summary",), meta.summary),
        (("job_query",), meta.job_query),
    ]
    found += [(("skills", i), skill) for i, skill in enumerate(meta.skills)]
    for s, step in enumerate(script.steps):
        at: Loc = ("script", "steps", s)
        found += [((*at, "title"), step.title), ((*at, "narration"), step.narration)]
        found += [((*at, "hints", h, "text"), hint.text) for h, hint in enumerate(step.hints)]
        if isinstance(step.action, QuizAction):
            for q, question in enumerate(step.action.questions):
                qa: Loc = (*at, "action", "questions", q)
                found.append(((*qa, "prompt"), question.prompt))
                found += [
                    ((*qa, "choices", c, "text"), choice.text)
                    for c, choice in enumerate(question.choices)
                ]
                if question.explanation is not None:
                    found.append(((*qa, "explanation"), question.explanation))
    return found


def _check_duration(script: Script, duration_min: float, add: _Add) -> None:
    expected_min = sum(step.expected_s for step in script.steps) / 60
    if abs(expected_min - duration_min) > DURATION_TOLERANCE * duration_min:
        add(
            "SCRIPT_DURATION_MISMATCH",
            ("duration_min",),
            f"duration_min is {duration_min:g} but the steps' expected_s add up to "
            f"{expected_min:.1f} minutes",
            Severity.WARNING,
        )


def _is_code_like(text: str) -> bool:
    """Texts that need no translation: numbers, units, model names ("220 V", "ISO 9001")."""
    return not _LATIN.search(text) or (len(text) <= 12 and " " not in text.strip())


def _suggest(name: str, names: Counter[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, list(names), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


class _Add(Protocol):  # the signature of `add` in check_script
    def __call__(
        self, code: str, loc: Loc, message: str, severity: Severity = Severity.ERROR
    ) -> None: ...
