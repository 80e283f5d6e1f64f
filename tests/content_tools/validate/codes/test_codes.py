"""Every per-code case (cases_*.py) against our validator: the code is reported on `triggers`
with the reference's severity (messages.CODES, checked against the reference's issue list by
test_coverage.py) and at the case's pointer when it names one, and not at all on `clean`.

tests/e2e/validator/test_codes_reference.py runs the same cases through the npm reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_tools.validate.gltf import validate_gltf
from content_tools.validate.gltf.messages import CODES
from content_tools.validate.issues import Issue, IssueSink
from tests.content_tools.validate.codes.cases import (
    CodeCase,
    Doc,
    all_cases,
    case_file_name,
    doc_bytes,
)

CASES = all_cases()


def ours(doc: Doc, folder: Path) -> list[Issue]:
    """Our messages on `doc`, as a file in `folder` (which holds nothing else it could read)."""
    sink = IssueSink()
    validate_gltf(
        doc_bytes(doc), uri=case_file_name(doc, "case"), base_dir=folder, root=folder, sink=sink
    )
    return sink.messages


def test_there_are_cases() -> None:
    assert len(CASES) >= 10  # a collector that finds no module would pass everything below


@pytest.mark.parametrize(
    "case",
    [case for _, case in CASES],
    ids=[f"{module.removeprefix('cases_')}-{case.code}" for module, case in CASES],
)
def test_code(case: CodeCase, tmp_path: Path) -> None:
    assert case.code in CODES, f"{case.code} is not a reference code (messages.CODES)"
    severity = CODES[case.code][0]
    reported = [m for m in ours(case.triggers, tmp_path) if m.code == case.code]
    assert reported, f"{case.code} not reported on `triggers`"
    assert {m.severity for m in reported} == {severity}, f"{case.code}: wrong severity"
    if case.pointer is not None:
        pointers = [m.pointer for m in reported]
        assert case.pointer in pointers, f"{case.code} at {pointers}, not at {case.pointer}"
    again = [m for m in ours(case.clean, tmp_path) if m.code == case.code]
    assert not again, f"{case.code} reported on `clean`: {again}"
