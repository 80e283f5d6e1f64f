"""The npm reference (gltf-validator) agrees with every per-code case: it reports the code on
`triggers` (with messages.CODES' severity, at the case's pointer when it names one) and not on
`clean`. All cases are validated in ONE Node process; each case's files are in a folder of
their own, so an external URI finds nothing but what the case means it to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from content_tools.validate.gltf.messages import CODES
from tests.content_tools.validate.codes.cases import (
    CodeCase,
    all_cases,
    case_file_name,
    doc_bytes,
)
from tests.support.reference_validator import reference_reports

CASES = all_cases()
IDS = [f"{module.removeprefix('cases_')}-{case.code}-{n}" for n, (module, case) in enumerate(CASES)]

Reports = dict[str, tuple[dict[str, Any], dict[str, Any]]]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """Case id -> (reference report on `triggers`, on `clean`)."""
    folder = tmp_path_factory.mktemp("codes")
    paths: list[Path] = []
    for case_id, (_, case) in zip(IDS, CASES, strict=True):
        case_dir = folder / case_id
        case_dir.mkdir()
        for stem, doc in (("triggers", case.triggers), ("clean", case.clean)):
            path = case_dir / case_file_name(doc, stem)
            path.write_bytes(doc_bytes(doc))
            paths.append(path)
    found = reference_reports(paths, timeout_s=600)
    return {case_id: (found[2 * n], found[2 * n + 1]) for n, case_id in enumerate(IDS)}


@pytest.mark.parametrize("case_id", IDS)
def test_reference_agrees(case_id: str, reports: Reports) -> None:
    case: CodeCase = CASES[IDS.index(case_id)][1]
    triggers, clean = reports[case_id]
    reported = [m for m in triggers["issues"]["messages"] if m["code"] == case.code]
    assert reported, f"the reference does not report {case.code}: {triggers['issues']}"
    assert {m["severity"] for m in reported} == {int(CODES[case.code][0])}
    if case.pointer is not None:
        pointers = [m.get("pointer") for m in reported]
        assert case.pointer in pointers, f"reference: {case.code} at {pointers}"
    again = [m for m in clean["issues"]["messages"] if m["code"] == case.code]
    assert not again, f"the reference reports {case.code} on `clean`: {again}"
