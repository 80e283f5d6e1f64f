"""The worked example in docs/content-format.md is a valid scene.yaml."""

from __future__ import annotations

import re
from pathlib import Path

from content_tools.format.scene import GrabPlaceAction, LookAtAction, QuizAction, SelectAction
from content_tools.source import parse_scene_source

DOC = Path(__file__).resolve().parents[2] / "docs" / "content-format.md"


def test_the_worked_example_parses() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    source = parse_scene_source(blocks[0], path=DOC)
    kinds = {type(step.action) for step in source.script.steps}
    assert {SelectAction, GrabPlaceAction, LookAtAction, QuizAction} <= kinds
    assert source.script.referenced_nodes() == {
        "grinder",
        "grinder_button",
        "portafilter",
        "group_head",
        "shot_glass",
    }
