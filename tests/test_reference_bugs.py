"""tests/support/reference_bugs.py: a file counts as the reference's stale-pointer bug only when
EVERY difference is such a pair, so the fuzz comparison can never hide a real disagreement."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.support.reference_bugs import known_bug

DOC = {"asset": {"version": "2.0"}, "materials": [{}], "animations": [{"samplers": [{}]}]}


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "case.gltf"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    return path


def test_stale_pointers_paired_with_ours_are_the_bug(tmp_path: Path) -> None:
    ours = Counter({("UNUSED_OBJECT", 2, "/materials/0"): 1})
    reference = Counter({("UNUSED_OBJECT", 2, "/animations/materials/0"): 1})
    assert known_bug(_file(tmp_path), ours, reference) == "stale pointers"


def test_a_reference_pointer_that_resolves_is_a_real_difference(tmp_path: Path) -> None:
    ours = Counter({("UNUSED_OBJECT", 2, "/materials/0"): 1})
    reference = Counter({("UNUSED_OBJECT", 2, "/animations/0/samplers/0"): 1})
    assert known_bug(_file(tmp_path), ours, reference) is None


def test_another_code_or_an_unpaired_difference_is_real(tmp_path: Path) -> None:
    path = _file(tmp_path)
    stale = ("UNUSED_OBJECT", 2, "/animations/materials/0")
    other_code = Counter({("NODE_EMPTY", 2, "/materials/0"): 1})
    assert known_bug(path, other_code, Counter([stale])) is None
    assert known_bug(path, Counter(), Counter([stale])) is None
    two_ours = Counter({("UNUSED_OBJECT", 2, "/materials/0"): 1, ("X", 0, "/"): 1})
    assert known_bug(path, two_ours, Counter([stale])) is None
    assert known_bug(path, Counter({("X", 0, "/"): 1}), Counter()) is None
