"""Generated glTF documents with one field broken, for comparing our validator with the reference.

`fuzz_cases()` is a hypothesis strategy of `FuzzCase`: a VALID document (scenes, a node tree,
meshes with real accessor data, materials, textures with an embedded PNG, samplers, cameras,
skins, animations; buffer 0 embedded as a data URI or as a GLB BIN chunk) with at most ONE
mutation: a value of the wrong JSON type, a number out of range, an index that resolves to
nothing, a removed property or array element, an unexpected property, a duplicated array
element, or changed bytes of the binary buffer. `draw_cases(n, seed)` draws n of them,
reproducibly, outside any test (bench/validate.py --fuzz). Nothing here imports content_tools:
the documents do not depend on the code under test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from tests.support.gltf_docs import (
    ARRAY_BUFFER,
    ELEMENT_ARRAY_BUFFER,
    UNSIGNED_BYTE,
    UNSIGNED_INT,
    UNSIGNED_SHORT,
    Builder,
    data_uri,
    glb,
    png,
)

__all__ = ["FuzzCase", "draw_cases", "fuzz_cases", "valid_documents"]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class FuzzCase:
    """One generated file: its bytes, its extension and what was changed (for the record)."""

    data: bytes
    suffix: str
    """".gltf" or ".glb"."""
    mutation: str
    """e.g. "remove /meshes/0/primitives/0/indices", or "none"."""


@dataclass
class Generated:
    builder: Builder
    as_glb: bool


_QUARTER = st.integers(-40, 40).map(lambda i: i / 4)  # exact in float32
_UNIT = st.integers(0, 4).map(lambda i: i / 4)
_AXES = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
_QUATS = [(0.0, 0.0, 0.0, 1.0), (1.0, 0.0, 0.0, 0.0), (0.0, 0.6, 0.0, 0.8), (0.0, 0.0, -0.8, 0.6)]


def _vectors(
    draw: st.DrawFn, count: int, width: int, elements: st.SearchStrategy[float]
) -> list[float]:
    return [draw(elements) for _ in range(count * width)]


def _primitive(draw: st.DrawFn, built: Builder, textured: bool, skinned: bool) -> dict[str, Any]:
    triangles = draw(st.integers(1, 4))
    count = draw(st.integers(3, 3 * triangles))
    attributes: dict[str, int] = {
        "POSITION": built.accessor(_vectors(draw, count, 3, _QUARTER), target=ARRAY_BUFFER)
    }
    if draw(st.booleans()):
        normals = [c for _ in range(count) for c in draw(st.sampled_from(_AXES))]
        attributes["NORMAL"] = built.accessor(normals, target=ARRAY_BUFFER, bounds=False)
    if textured or draw(st.booleans()):
        uvs = _vectors(draw, count, 2, _UNIT)
        attributes["TEXCOORD_0"] = built.accessor(
            uvs, type="VEC2", target=ARRAY_BUFFER, bounds=False
        )
    if skinned:
        joints = [draw(st.integers(0, 1)) if i % 4 == 0 else 0 for i in range(4 * count)]
        attributes["JOINTS_0"] = built.accessor(
            joints, type="VEC4", component_type=UNSIGNED_BYTE, target=ARRAY_BUFFER, bounds=False
        )
        weights = [1.0 if i % 4 == 0 else 0.0 for i in range(4 * count)]
        attributes["WEIGHTS_0"] = built.accessor(
            weights, type="VEC4", target=ARRAY_BUFFER, bounds=False
        )
    primitive: dict[str, Any] = {"attributes": attributes}
    if draw(st.booleans()):
        component = draw(st.sampled_from([UNSIGNED_BYTE, UNSIGNED_SHORT, UNSIGNED_INT]))
        indices = [draw(st.integers(0, count - 1)) for _ in range(3 * triangles)]
        primitive["indices"] = built.accessor(
            indices,
            type="SCALAR",
            component_type=component,
            target=ELEMENT_ARRAY_BUFFER,
            bounds=False,
        )
    elif count % 3:
        primitive["mode"] = draw(st.sampled_from([0, 3]))  # points or line strip
    return primitive


def _material(draw: st.DrawFn, textures: int) -> dict[str, Any]:
    material: dict[str, Any] = {}
    pbr: dict[str, Any] = {}
    if draw(st.booleans()):
        pbr["baseColorFactor"] = [draw(_UNIT) for _ in range(4)]
    if draw(st.booleans()):
        pbr["metallicFactor"] = draw(_UNIT)
    if draw(st.booleans()):
        pbr["roughnessFactor"] = draw(_UNIT)
    if textures and draw(st.booleans()):
        pbr["baseColorTexture"] = {"index": draw(st.integers(0, textures - 1))}
    if pbr:
        material["pbrMetallicRoughness"] = pbr
    if textures and draw(st.booleans()):
        material["normalTexture"] = {"index": draw(st.integers(0, textures - 1)), "scale": 1.5}
    if draw(st.booleans()):
        material["emissiveFactor"] = [draw(_UNIT) for _ in range(3)]
    mode = draw(st.sampled_from([None, "OPAQUE", "MASK", "BLEND"]))
    if mode is not None:
        material["alphaMode"] = mode
        if mode == "MASK" and draw(st.booleans()):
            material["alphaCutoff"] = 0.25
    if draw(st.booleans()):
        material["doubleSided"] = True
    if draw(st.booleans()):
        material["name"] = draw(st.text(max_size=4))
    return material


def _textures(draw: st.DrawFn, built: Builder) -> None:
    count = draw(st.integers(0, 2))
    if not count:
        return
    doc = built.doc
    side = draw(st.sampled_from([1, 2, 4]))
    image = png(side, side)
    if draw(st.booleans()):
        doc["images"] = [{"bufferView": built.view(image), "mimeType": "image/png"}]
    else:
        doc["images"] = [{"uri": data_uri(image, "image/png")}]
    if draw(st.booleans()):
        doc["samplers"] = [
            {
                "magFilter": draw(st.sampled_from([9728, 9729])),
                "minFilter": draw(st.sampled_from([9728, 9729, 9984, 9987])),
                "wrapS": draw(st.sampled_from([10497, 33071, 33648])),
            }
        ]
    doc["textures"] = [
        {"source": 0, **({"sampler": 0} if "samplers" in doc else {})} for _ in range(count)
    ]


def _camera(draw: st.DrawFn) -> dict[str, Any]:
    znear = draw(st.sampled_from([0.01, 0.1, 1.0]))
    if draw(st.booleans()):
        perspective: dict[str, Any] = {
            "yfov": draw(st.sampled_from([0.5, 1.0, 1.5])),
            "znear": znear,
        }
        if draw(st.booleans()):
            perspective["zfar"] = znear * 1000
        if draw(st.booleans()):
            perspective["aspectRatio"] = 1.5
        return {"type": "perspective", "perspective": perspective}
    orthographic = {"xmag": draw(_UNIT) + 1, "ymag": draw(_UNIT) + 1, "znear": znear, "zfar": 100.0}
    return {"type": "orthographic", "orthographic": orthographic}


def _transform(draw: st.DrawFn, node: dict[str, Any]) -> None:
    kind = draw(st.sampled_from(["none", "trs", "matrix"]))
    if kind == "trs":
        if draw(st.booleans()):
            node["translation"] = [draw(_QUARTER) for _ in range(3)]
        if draw(st.booleans()):
            node["rotation"] = list(draw(st.sampled_from(_QUATS)))
        if draw(st.booleans()):
            node["scale"] = [draw(_UNIT) + 1 for _ in range(3)]
    elif kind == "matrix":
        offset = [draw(_QUARTER) for _ in range(3)]
        node["matrix"] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, *offset, 1]


def _animation(draw: st.DrawFn, built: Builder, targets: list[int]) -> dict[str, Any]:
    keys = draw(st.integers(1, 4))
    times = [i / 2 for i in range(keys)]
    channels, samplers = [], []
    paths = draw(
        st.lists(
            st.sampled_from(["translation", "rotation", "scale"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    node = draw(st.sampled_from(targets))
    for path in paths:
        interpolation = draw(st.sampled_from(["LINEAR", "STEP", "CUBICSPLINE"]))
        per_key = 3 if interpolation == "CUBICSPLINE" else 1
        if path == "rotation":
            output = [c for _ in range(keys * per_key) for c in draw(st.sampled_from(_QUATS))]
            kind = "VEC4"
        else:
            output = _vectors(draw, keys * per_key, 3, _UNIT)
            kind = "VEC3"
        sampler: dict[str, Any] = {
            "input": built.accessor(times, type="SCALAR"),
            "output": built.accessor(output, type=kind, bounds=False),
        }
        if interpolation != "LINEAR" or draw(st.booleans()):
            sampler["interpolation"] = interpolation
        samplers.append(sampler)
        channels.append({"sampler": len(samplers) - 1, "target": {"node": node, "path": path}})
    return {"channels": channels, "samplers": samplers}


@st.composite
def valid_documents(draw: st.DrawFn) -> Generated:
    """A valid glTF document and its binary buffer."""
    built = Builder()
    doc = built.doc
    _textures(draw, built)
    textures = len(doc.get("textures", []))
    doc["materials"] = [_material(draw, textures) for _ in range(draw(st.integers(0, 2)))]
    skinned = draw(st.booleans())
    meshes = []
    for number in range(draw(st.integers(1, 3))):
        primitives = []
        for _ in range(draw(st.integers(1, 2))):
            primitive = _primitive(draw, built, textures > 0, skinned and number == 0)
            if doc["materials"] and draw(st.booleans()):
                primitive["material"] = draw(st.integers(0, len(doc["materials"]) - 1))
            primitives.append(primitive)
        meshes.append({"primitives": primitives})
    doc["meshes"] = meshes
    cameras = [_camera(draw) for _ in range(draw(st.integers(0, 1)))]
    nodes: list[dict[str, Any]] = []
    roots: list[int] = []
    for mesh in range(1 if skinned else 0, len(meshes)):
        node: dict[str, Any] = {"mesh": mesh}
        _transform(draw, node)
        if bool(nodes) and draw(st.booleans()):
            parent = draw(st.integers(0, len(nodes) - 1))
            nodes[parent].setdefault("children", []).append(len(nodes))
        else:
            roots.append(len(nodes))
        nodes.append(node)
    if cameras:
        roots.append(len(nodes))
        nodes.append({"camera": 0, "translation": [0, 0, 5]})
    animated = [n for n, node in enumerate(nodes) if "matrix" not in node]
    if skinned:
        joint = len(nodes)
        nodes.append({"children": [joint + 1]})
        nodes.append({"translation": [0, 1, 0]})
        ibm = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1]
        doc["skins"] = [
            {
                "joints": [joint, joint + 1],
                "inverseBindMatrices": built.accessor(
                    [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, *ibm],
                    type="MAT4",
                    bounds=False,
                ),
            }
        ]
        roots += [joint, len(nodes)]
        nodes.append({"mesh": 0, "skin": 0})
        animated += [joint, joint + 1]
    doc["nodes"] = nodes
    if cameras:
        doc["cameras"] = cameras
    doc["scenes"] = [{"nodes": roots}]
    doc["scene"] = 0
    if bool(animated) and draw(st.booleans()):
        doc["animations"] = [_animation(draw, built, animated)]
    if not doc["materials"]:
        del doc["materials"]
    return Generated(built, as_glb=draw(st.booleans()))


def _paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path below `value` (object members and array elements), depth first."""
    found: list[Path_] = []
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _pointer(path: Path_) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


_VALUES: list[Any] = [
    "",
    "a",
    "x.png",
    -3,
    -1,
    0,
    1,
    2,
    5,
    0.5,
    -1.5,
    1e40,
    -0.0,
    True,
    False,
    None,
    [],
    {},
    [0],
    [0, 1, 2],
    {"x": 1},
]
_NUMBERS: list[float] = [-1, 0, 1, 2, 3, 4, 255, 65536, 2**32, 0.5, -0.25, 3.5, 1e9]
_STRINGS = ["", "MASK", "BLEND", "VEC3", "SCALAR", "STEP", "weights", "x.png", "data:,"]
_STRINGS += ["KHR_materials_unlit", "image/jpeg", "application/octet-stream"]
_NAMES = ["extras", "extensions", "name", "unknownProperty", "uri", "byteStride", "sampler"]


def _mutate_json(rng: Random, doc: dict[str, Any]) -> str:
    """Change ONE thing in `doc`, in place; say what. `rng` chooses uniformly (hypothesis would
    favour the first paths and the first values)."""
    path = rng.choice(_paths(doc))
    parent: Any = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    current = parent[key]
    where = _pointer(path)
    kinds = ["type", "remove", "add"]
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        kinds += ["number", "number", "index"]
    if isinstance(current, str):
        kinds.append("string")
    if isinstance(current, list) and current:
        kinds.append("duplicate")
    kind = rng.choice(kinds)
    if kind == "remove":
        del parent[key]
        return f"remove {where}"
    if kind == "add":
        target = current if isinstance(current, dict) else parent
        if isinstance(target, dict):
            name = rng.choice(_NAMES)
            target[name] = rng.choice(_VALUES)
            return f"add {name}={json.dumps(target[name])} beside {where}"
        kind = "type"
    if kind == "duplicate":
        current.append(current[0])
        return f"duplicate first element of {where}"
    value: Any
    if kind == "number":
        value = rng.choice(_NUMBERS)
        if rng.random() < 0.5:
            value = current + rng.choice([-1, 1, 0.125, 4])
    elif kind == "index":
        value = current + rng.choice([1, 2, 7, 100])
    elif kind == "string":
        value = rng.choice(_STRINGS)
    else:
        value = rng.choice(_VALUES)
    parent[key] = value
    return f"{kind} {where} = {json.dumps(value)}"


def _mutate_bytes(rng: Random, data: bytearray) -> str:
    if not data:
        return "none (no binary data)"
    start = rng.randrange(len(data))
    length = rng.randint(1, min(8, len(data) - start))
    fill = rng.choice([b"\xff", b"\x00", b"\x7f", b"\x80"])
    data[start : start + length] = fill * length
    return f"bytes {start}..{start + length} = {fill.hex()}"


@st.composite
def fuzz_cases(draw: st.DrawFn, mutate: bool = True) -> FuzzCase:
    """A valid document (`valid_documents`) with one mutation (none in about 1 case of 20)."""
    generated = draw(valid_documents())
    built = generated.builder
    rng = draw(st.randoms(use_true_random=True))
    kind = rng.choice(["json"] * 16 + ["bytes"] * 3 + ["none"]) if mutate else "none"
    mutation = "none"
    if kind == "bytes":
        mutation = _mutate_bytes(rng, built.bin)
    doc = built.doc
    doc.setdefault("buffers", []).insert(0, {"byteLength": len(built.bin)})
    if not generated.as_glb:
        doc["buffers"][0]["uri"] = data_uri(bytes(built.bin))
    if kind == "json":
        mutation = _mutate_json(rng, doc)
    if generated.as_glb:
        return FuzzCase(glb(doc, bytes(built.bin)), ".glb", mutation)
    return FuzzCase(json.dumps(doc, indent=1).encode(), ".gltf", mutation)


def draw_cases(count: int, seed: int, *, mutate: bool = True) -> list[FuzzCase]:
    """`count` distinct cases drawn by hypothesis from `seed` (the same seed, the same cases).

    Hypothesis explores by small changes to what it drew before, so a run repeats itself; the
    repeats are dropped and further runs (seed + 1, ...) fill up the count."""
    found: dict[bytes, FuzzCase] = {}
    run_seed = seed
    while len(found) < count:

        @settings(
            max_examples=count,
            database=None,
            phases=[Phase.generate],
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(fuzz_cases(mutate=mutate))
        def collect(case: FuzzCase) -> None:
            if len(found) < count:
                found.setdefault(case.data, case)

        run: Callable[[], None] = hypothesis_seed(run_seed)(collect)
        run()
        run_seed += 1_000_003
    return list(found.values())
