"""The sample occupation scene `scenes/cook`: its script and its generated model."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import numpy as np

from content_tools.format.scene import (
    ContinueAction,
    GrabPlaceAction,
    LookAtAction,
    QuizAction,
    SelectAction,
)
from content_tools.gltf import read_model
from content_tools.package import PackageResult
from content_tools.source import load_scene_source

THAI = re.compile(r"[\u0E00-\u0E7F]")


def world_positions(document: dict[str, Any]) -> dict[str, np.ndarray[Any, Any]]:
    """Each named node's world position, following the node hierarchy."""
    nodes = document["nodes"]
    parents = {
        child: index for index, node in enumerate(nodes) for child in node.get("children", [])
    }

    def local(index: int) -> np.ndarray[Any, Any]:
        node = nodes[index]
        if "matrix" in node:
            return np.asarray(node["matrix"], dtype=float).reshape(4, 4).T
        matrix = np.eye(4)
        matrix[:3, 3] = node.get("translation", [0, 0, 0])
        return matrix

    def world(index: int) -> np.ndarray[Any, Any]:
        matrix = local(index)
        while index in parents:
            index = parents[index]
            matrix = local(index) @ matrix
        return matrix

    return {node["name"]: world(i)[:3, 3] for i, node in enumerate(nodes) if "name" in node}


def test_cook_scene_source(cook_dir: Path) -> None:
    source = load_scene_source(cook_dir)
    assert source.id == "cook"
    assert source.isco08 == "5120"
    assert source.riasec == ["R", "A"]
    assert source.comfort == "standing"
    assert source.generator == "generate.py"
    assert "{isco08}" in source.job_search_url
    assert "{query}" in source.job_search_url
    assert source.job_link("en").endswith("isco=5120&q=cook")

    steps = source.script.steps
    assert isinstance(steps[0].action, ContinueAction)
    hands_on = [
        s for s in steps if isinstance(s.action, SelectAction | GrabPlaceAction | LookAtAction)
    ]
    assert len(hands_on) >= 5
    kinds = {s.action.kind for s in hands_on}
    assert kinds == {"select", "grab_place", "look_at"}
    assert all(s.hints for s in hands_on)
    quizzes = [s.action for s in steps if isinstance(s.action, QuizAction)]
    assert len(quizzes) == 1
    assert len(quizzes[0].questions) == 3
    assert all(len(q.choices) >= 3 for q in quizzes[0].questions)

    minutes = sum(s.expected_s for s in steps) / 60
    assert 6 <= minutes <= 9
    assert abs(source.duration_min - minutes) <= 1

    texts = [source.title, source.summary, source.job_query, *source.skills]
    for step in steps:
        texts += [step.title, step.narration, *(h.text for h in step.hints)]
    for quiz in quizzes:
        for question in quiz.questions:
            texts += [question.prompt, *(c.text for c in question.choices)]
            texts += [question.explanation] if question.explanation else []
    for text in texts:
        assert THAI.search(text.th), text
        assert not THAI.search(text.en), text


def test_cook_model_has_the_nodes_and_fits_the_budget(cook_bundle: PackageResult) -> None:
    source = load_scene_source(Path(__file__).resolve().parents[2] / "scenes" / "cook")
    glb = cook_bundle.glb_path
    assert glb.stat().st_size < 2 * 1024 * 1024
    model = read_model(glb)
    names = model.node_names()
    assert len(names) == len(set(names)), "node names are unique"
    expected = {
        "spawn", "wok", "stove", "burner", "stove_knob", "cutting_board", "knife", "chili",
        "garlic", "lime", "basil", "plate", "plate_target", "fish_sauce", "sugar", "sink",
        "sink_tap", "shelf", "counter", "floor", "wall_back", "order_ticket", "spatula",
    }  # fmt: skip
    assert expected <= set(names)
    assert source.script.referenced_nodes() <= set(names)

    document = model.document
    triangles = sum(
        document["accessors"][p["indices"]]["count"] // 3
        for node in document["nodes"]
        if "mesh" in node
        for p in document["meshes"][node["mesh"]]["primitives"]
    )
    assert 1000 < triangles < 60_000  # big faces are gridded for the baked light (~22k)
    for material in document["materials"]:
        pbr = material["pbrMetallicRoughness"]
        assert len(pbr["baseColorFactor"]) == 4
        assert 0 <= pbr["metallicFactor"] <= 1
        assert 0 <= pbr["roughnessFactor"] <= 1
    by_name = {node["name"]: node for node in document["nodes"]}
    assert "mesh" not in by_name["spawn"]
    assert "mesh" not in by_name["plate_target"]

    position = world_positions(document)
    spawn = position["spawn"]
    assert abs(spawn[1]) < 1e-6, "the spawn point is on the floor"
    counter_front = position["counter"][2] + 0.325  # the counter is 0.65 m deep
    assert 1.3 <= spawn[2] - counter_front <= 1.7
    assert abs(position["burner"][1] - 1.02) < 1e-6  # on top of the stove, on the counter
    assert np.linalg.norm(position["plate_target"] - position["plate"]) < 0.1
    assert position["fish_sauce"][1] > 1.4  # on the shelf


def test_cook_model_embeds_normals_and_one_buffer(cook_bundle: PackageResult) -> None:
    data = cook_bundle.glb_path.read_bytes()
    magic, version, length = struct.unpack_from("<4sII", data)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    model = read_model(cook_bundle.glb_path)
    assert model.is_self_contained()
    assert len(model.document["buffers"]) == 1
    for mesh in model.document["meshes"]:
        assert {"POSITION", "NORMAL"} <= set(mesh["primitives"][0]["attributes"])
