"""The glTF validator against the reference (Khronos glTF-Validator) on the shared corpus.

`khronos-tests`: every case's set of error codes must equal the reference's expected report for
at least 95% of the cases. `models`: the error/no-error verdict must match the reference's for
every model, and so must the info figures (draw calls, triangles, vertices, materials).
The corpus is read in place (tests/support/corpus.py: VR_GLTF_CORPUS, by default
../shared/gltf-corpus beside the repository), never copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content_tools.validate.gltf import validate_gltf
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import IssueSink, Severity
from tests.support.corpus import corpus_dir

pytestmark = pytest.mark.corpus
CORPUS = corpus_dir()
KHRONOS = CORPUS / "khronos-tests"
MODELS = CORPUS / "models"

MIN_AGREEMENT = 0.95


def test_the_corpus_is_there() -> None:
    """The corpus has both of its parts (without it this module is not collected, and CI
    fails: tests/conftest.py)."""
    assert KHRONOS.is_dir(), f"glTF corpus not found at {CORPUS.resolve()}"
    assert MODELS.is_dir()


def _validate(path: Path) -> tuple[IssueSink, GltfInfo]:
    sink = IssueSink()
    info = validate_gltf(
        path.read_bytes(), uri=path.name, base_dir=path.parent, root=path.parent, sink=sink
    )
    return sink, info


def _cases() -> list[tuple[Path, Path]]:
    reports = sorted(KHRONOS.rglob("*.report.json"))
    return [
        (report.with_name(report.name.removesuffix(".report.json")), report) for report in reports
    ]


def test_khronos_cases_error_codes_agree() -> None:
    cases = _cases()
    assert len(cases) >= 180, "the khronos-tests corpus looks incomplete"
    disagreeing: list[str] = []
    for case, report in cases:
        expected_report: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        expected = {m["code"] for m in expected_report["issues"]["messages"] if m["severity"] == 0}
        sink, _ = _validate(case)
        got = sink.codes(Severity.ERROR)
        if got != expected:
            rel = case.relative_to(KHRONOS)
            disagreeing.append(f"{rel}: expected {sorted(expected)}, got {sorted(got)}")
    matched = len(cases) - len(disagreeing)
    print(f"agreement: {matched}/{len(cases)} ({100 * matched / len(cases):.1f}%)")
    for line in disagreeing:
        print("  ", line)
    assert matched / len(cases) >= MIN_AGREEMENT, "\n".join(disagreeing)


def test_khronos_cases_full_messages_mostly_agree() -> None:
    """Warnings and infos too (code and JSON pointer): reported to authors, so keep them close."""
    total = same = 0
    for case, report in _cases():
        expected_report: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        expected = sorted(
            (m["code"], str(m.get("pointer", m.get("offset"))))
            for m in expected_report["issues"]["messages"]
        )
        sink, _ = _validate(case)
        got = sorted(
            (i.code, str(i.pointer if i.offset is None else i.offset)) for i in sink.messages
        )
        total += 1
        same += got == expected
    print(f"cases with identical (code, pointer) lists: {same}/{total}")
    assert same / total >= MIN_AGREEMENT


def _expected_models() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "models-expected.json").read_text("utf-8"))
    models: dict[str, Any] = data["models"]
    return models


def test_models_verdicts_and_figures_match_reference() -> None:
    expected = _expected_models()
    assert len(expected) >= 30
    verdicts = 0
    problems: list[str] = []
    for name, exp in expected.items():
        sink, info = _validate(MODELS / name)
        if sink.has_errors == exp["has_errors"]:
            verdicts += 1
        else:
            problems.append(
                f"{name}: reference errors {sorted(exp['error_codes'])}, "
                f"got {sorted(sink.codes(Severity.ERROR))}"
            )
        if exp["has_errors"]:
            missing = set(exp["error_codes"]) - sink.codes(Severity.ERROR)
            if missing:
                problems.append(f"{name}: error codes not reported: {sorted(missing)}")
        ref = exp["info"]
        figures = {
            "drawCallCount": (info.draw_call_count, ref["drawCallCount"]),
            "totalTriangleCount": (info.total_triangle_count, ref["totalTriangleCount"]),
            "totalVertexCount": (info.total_vertex_count, ref["totalVertexCount"]),
            "materialCount": (info.material_count, ref["materialCount"]),
        }
        for key, (got, want) in figures.items():
            if got != want:
                problems.append(f"{name}: {key} {got} != reference {want}")
    print(f"model verdicts: {verdicts}/{len(expected)}")
    for line in problems:
        print("  ", line)
    assert not problems
