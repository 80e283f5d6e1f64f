"""Accessor data checks against the npm reference (the judge), on random scenes.

Each scene of tests/support/accessor_docs.py (`random_data_doc(seed)`) is validated by ours
and by the reference in one Node run; the messages about accessor data (codes, severities,
pointers, texts and their order) must be the same. The generated data trips every data code
many times over, in combinations: one primitive's messages interleaved by element, shared
accessors, influences of several sets and skins, cubic and normalised rotations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from content_tools.validate.report import report_json
from content_tools.validate.run import validate_model_file
from tests.support.accessor_docs import DATA_CODES, random_data_doc
from tests.support.reference_validator import reference_reports

SEEDS = range(150)


def _data_messages(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (m["code"], m["severity"], m.get("pointer"), m["message"])
        for m in report["issues"]["messages"]
        if m["code"] in DATA_CODES
    ]


def test_data_messages_equal_the_reference(tmp_path: Path) -> None:
    paths = []
    for seed in SEEDS:
        path = tmp_path / f"seed-{seed}.gltf"
        path.write_text(json.dumps(random_data_doc(seed)))
        paths.append(path)
    theirs = reference_reports(paths)
    seen: set[str] = set()
    different = []
    for path, reference in zip(paths, theirs, strict=True):
        want = _data_messages(reference)
        seen.update(code for code, *_ in want)
        got = _data_messages(report_json(validate_model_file(path, root=tmp_path)))
        if got != want:
            pairs = enumerate(zip(got, want, strict=False))
            first = next((i for i, (a, b) in pairs if a != b), min(len(got), len(want)))
            mismatch = (got[first : first + 1], want[first : first + 1])
            different.append(f"{path.name}: #{first} ours/reference {mismatch}")
    assert not different, f"{len(different)}/{len(paths)} differ:\n" + "\n".join(different[:10])
    assert seen == DATA_CODES, f"never generated: {sorted(DATA_CODES - seen)}"
