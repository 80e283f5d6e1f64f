"""The order and multiplicity of accessor data messages, as the reference produces them
(tests/e2e/validator/test_accessor_data_reference.py compares whole runs with it; these pin the
rules down in the fast tier): data messages come after the document's and resources' messages;
an accessor's messages come element by element, checks in registration order, totals last;
each use of an accessor checks it again; influences interleave by vertex across primitives."""

from __future__ import annotations

import json
from typing import Any

from content_tools.validate.gltf import validate_gltf
from content_tools.validate.issues import Issue, IssueSink
from tests.support.accessor_docs import FLOAT, UNSIGNED_BYTE, Scene

NAN = float("nan")
TRIANGLE = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]


def messages(doc: dict[str, Any]) -> list[Issue]:
    sink = IssueSink()
    validate_gltf(json.dumps(doc).encode(), uri="case.gltf", sink=sink)
    return sink.messages


def scene_of(primitives: list[dict[str, Any]], scene: Scene, **top: Any) -> dict[str, Any]:
    return scene.doc(
        meshes=[{"primitives": primitives}],
        nodes=[{"mesh": 0}],
        scenes=[{"nodes": [0]}],
        scene=0,
        **top,
    )


def test_an_accessor_reports_element_by_element_then_totals() -> None:
    s = Scene()
    pos = s.acc("VEC3", FLOAT, TRIANGLE, bounds=True, target=34962)
    normals = [NAN, 0.0, 1.0, 0.0, 0.0, 2.0, NAN, 0.0, 0.0]
    nrm = s.acc("VEC3", FLOAT, normals, target=34962, min=[0.0, 0.0, 0.0], max=[0.0, 0.0, 2.0])
    doc = scene_of([{"attributes": {"POSITION": pos, "NORMAL": nrm}}], s)
    got = [(m.code, m.message.split(" at ")[-1]) for m in messages(doc)]
    assert [code for code, _ in got] == [
        "ACCESSOR_INVALID_FLOAT",  # element 0, component 0
        "ACCESSOR_VECTOR3_NON_UNIT",  # element 1, at its last component
        "ACCESSOR_INVALID_FLOAT",  # element 2, component 0
        "ACCESSOR_MIN_MISMATCH",  # totals: min/0 is NaN (the first component)
        "ACCESSOR_MAX_MISMATCH",  # max/0 is NaN too
    ]
    assert "(0) does not match actual minimum (NaN)" in messages(doc)[3].message


def test_every_use_of_an_accessor_checks_it() -> None:
    s = Scene()
    pos = s.acc("VEC3", FLOAT, TRIANGLE, bounds=True, target=34962)
    nrm = s.acc("VEC3", FLOAT, [0.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0], target=34962)
    attributes = {"POSITION": pos, "NORMAL": nrm}
    doc = scene_of([{"attributes": attributes}, {"attributes": attributes, "mode": 0}], s)
    found = [m for m in messages(doc) if m.code == "ACCESSOR_VECTOR3_NON_UNIT"]
    assert [m.pointer for m in found] == [
        "/meshes/0/primitives/0/attributes/NORMAL",
        "/meshes/0/primitives/1/attributes/NORMAL",
    ]
    assert found[0].message.endswith("is not of unit length: 2.")  # printed as JavaScript does


def test_data_messages_come_after_unused_objects() -> None:
    s = Scene()
    pos = s.acc("VEC3", FLOAT, TRIANGLE, bounds=True, target=34962)
    s.acc("SCALAR", FLOAT, [NAN])
    doc = scene_of([{"attributes": {"POSITION": pos}}], s)
    assert [m.code for m in messages(doc)] == ["UNUSED_OBJECT", "ACCESSOR_INVALID_FLOAT"]


def test_index_past_the_vertices_and_restart_are_both_reported() -> None:
    s = Scene()
    pos = s.acc("VEC3", FLOAT, TRIANGLE, bounds=True, target=34962)
    idx = s.acc("SCALAR", UNSIGNED_BYTE, [0, 255, 1], target=34963)
    doc = scene_of([{"attributes": {"POSITION": pos}, "indices": idx}], s)
    assert [m.code for m in messages(doc)] == [
        "ACCESSOR_INDEX_OOB",
        "ACCESSOR_INDEX_PRIMITIVE_RESTART",
    ]


def test_influences_interleave_by_vertex_across_primitives() -> None:
    s = Scene()
    pos = s.acc("VEC3", FLOAT, TRIANGLE, bounds=True, target=34962)
    primitives = []
    for _ in range(2):
        joints = s.acc("VEC4", UNSIGNED_BYTE, [0, 0, 0, 0] * 3, target=34962)
        weights = s.acc("VEC4", FLOAT, [0.5, 0.0, 0.0, 0.0] * 3, target=34962)
        attributes = {"POSITION": pos, "JOINTS_0": joints, "WEIGHTS_0": weights}
        primitives.append({"attributes": attributes})
    doc = scene_of(primitives, s, skins=[{"joints": [1]}])
    doc["nodes"] = [{"mesh": 0, "skin": 0}, {}]
    doc["scenes"] = [{"nodes": [0, 1]}]
    found = [
        (m.pointer, m.message.split("(at indices ")[1][:4])
        for m in messages(doc)
        if m.code == "ACCESSOR_WEIGHTS_NON_NORMALIZED"
    ]
    first, second = (f"/meshes/0/primitives/{p}/attributes/WEIGHTS_0" for p in (0, 1))
    assert found == [
        (first, "0..3"),
        (second, "0..3"),
        (first, "4..7"),
        (second, "4..7"),
        (first, "8..1"),
        (second, "8..1"),
    ]
