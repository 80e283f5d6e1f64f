"""Generated documents with one field broken (tests/support/gltf_fuzz.py): our whole report
(every code, severity and pointer, all severities) equals the npm reference's on each.

A bounded, seeded draw (the same cases every run); `bench/validate.py --fuzz N --seed S` runs
as many as wanted and saves the disagreeing files. A file the reference throws on (its own bug)
is not judged, and the run says how many there were; nor is one whose every difference is a
known bug of the reference (tests/support/reference_bugs.py, docs/validator.md)."""

from __future__ import annotations

from pathlib import Path

from tests.support.gltf_fuzz import draw_cases
from tests.support.reference_validator import reference_reports
from tests.support.validator_parity import compare, describe, write_cases

CASES = 200
SEED = 17


def test_ours_and_the_reference_agree_on_generated_cases(tmp_path: Path) -> None:
    cases = draw_cases(CASES, SEED)
    assert len(cases) == CASES
    assert sum(case.mutation != "none" for case in cases) > CASES * 0.8
    comparisons = compare(write_cases(cases, tmp_path))
    judged = [c for c in comparisons if c.reference_error is None]
    print(f"reference crashed on {len(comparisons) - len(judged)} of {CASES}")
    assert len(judged) > CASES * 0.9
    disagreeing = [
        describe(c, case.mutation)
        for c, case in zip(comparisons, cases, strict=True)
        if c.reference_error is None and not c.agrees and c.reference_bug is None
    ]
    assert not disagreeing, f"{len(disagreeing)} of {len(judged)} disagree:\n" + "\n".join(
        str(d) for d in disagreeing
    )


def test_the_generated_documents_are_valid_before_the_mutation(tmp_path: Path) -> None:
    """The reference finds no error on what the generator draws unmutated: each mutation is then
    the one thing wrong with its file."""
    cases = draw_cases(60, SEED, mutate=False)
    reports = reference_reports(write_cases(cases, tmp_path))
    errors = {
        report["uri"]: [m for m in report["issues"]["messages"] if m["severity"] == 0]
        for report in reports
    }
    assert not {uri: found for uri, found in errors.items() if found}
