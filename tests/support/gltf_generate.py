"""Valid glTF documents drawn by hypothesis, for the validator's fuzz comparison.

`valid_documents()` draws a document the reference finds no error in: textures with an embedded
PNG (data URI or buffer view) and samplers, materials (some with KHR_materials_emissive_strength,
KHR_texture_transform or KHR_materials_unlit), meshes whose primitives have real accessor data
(positions with exact bounds, unit normals, UVs, sometimes interleaved with a byteStride,
sometimes a sparse accessor, indices of each unsigned type, morph targets with mesh weights),
a node tree with TRS or matrix transforms, a camera, a skin with inverse bind matrices and an
animation (translation, rotation, scale, weights; LINEAR, STEP, CUBICSPLINE). Buffer 0 is
`Generated.builder.bin`; `as_glb` says how the file is to be written.
Nothing here imports content_tools.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from random import Random
from typing import Any

from hypothesis import strategies as st

from tests.support.gltf_docs import (
    ARRAY_BUFFER,
    ELEMENT_ARRAY_BUFFER,
    FLOAT,
    UNSIGNED_BYTE,
    UNSIGNED_INT,
    UNSIGNED_SHORT,
    Builder,
    accessor_json,
    data_uri,
    pack,
    png,
)

__all__ = ["Generated", "valid_documents"]


@dataclass
class Generated:
    builder: Builder
    as_glb: bool


_QUARTER = st.integers(-40, 40).map(lambda i: i / 4)  # exact in float32
_UNIT = st.integers(0, 4).map(lambda i: i / 4)
_AXES = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
_PBR_EXTENSIONS: dict[str, dict[str, Any]] = {
    "KHR_materials_anisotropy": {"anisotropyStrength": 0.5},
    "KHR_materials_clearcoat": {"clearcoatFactor": 0.5, "clearcoatRoughnessFactor": 0.25},
    "KHR_materials_dispersion": {"dispersion": 0.1},
    "KHR_materials_ior": {"ior": 1.5},
    "KHR_materials_iridescence": {"iridescenceFactor": 1.0},
    "KHR_materials_sheen": {"sheenColorFactor": [0.5, 0.5, 0.5]},
    "KHR_materials_specular": {"specularFactor": 0.5},
    "KHR_materials_transmission": {"transmissionFactor": 0.5},
    "KHR_materials_volume": {"thicknessFactor": 0.1},
}
"""Material extensions with valid values: some only warn in combination (volume without
transmission), which both validators must report alike."""
_LIGHTS = [
    {"type": "directional", "intensity": 2.0},
    {"type": "point", "color": [1.0, 0.5, 0.25], "range": 10.0},
    {"type": "spot", "spot": {"innerConeAngle": 0.25, "outerConeAngle": 0.5}},
]
_QUATS = [(0.0, 0.0, 0.0, 1.0), (1.0, 0.0, 0.0, 0.0), (0.0, 0.6, 0.0, 0.8), (0.0, 0.0, -0.8, 0.6)]


QUARTERS = [i / 4 for i in range(-40, 41)]
UNITS = [i / 4 for i in range(5)]


def _vectors(rng: Random, count: int, width: int, values: list[float]) -> list[float]:
    """Bulk accessor data comes from `rng` (drawn once per document): drawing every component
    from hypothesis made generation ten times slower for nothing it shrinks or explores."""
    return [rng.choice(values) for _ in range(count * width)]


def _accessor_on(
    built: Builder, view: int, offset: int, values: list[float], kind: str, bounds: bool
) -> int:
    """A FLOAT accessor of `kind` over `values` stored at `offset` in an existing view."""
    at: dict[str, Any] = {"byteOffset": offset} if offset else {}
    accessor = accessor_json(view, FLOAT, kind, values, bounds=bounds, **at)
    accessors: list[dict[str, Any]] = built.doc.setdefault("accessors", [])
    accessors.append(accessor)
    return len(accessors) - 1


def _interleaved(built: Builder, positions: list[float], normals: list[float]) -> tuple[int, int]:
    """POSITION and NORMAL accessors interleaved in one view (byteStride 24)."""
    data = b"".join(
        pack(FLOAT, positions[i : i + 3]) + pack(FLOAT, normals[i : i + 3])
        for i in range(0, len(positions), 3)
    )
    view = built.view(data, target=ARRAY_BUFFER, byte_stride=24)
    return (
        _accessor_on(built, view, 0, positions, "VEC3", bounds=True),
        _accessor_on(built, view, 12, normals, "VEC3", bounds=False),
    )


def _sparse_uvs(draw: st.DrawFn, rng: Random, built: Builder, count: int) -> int:
    """A VEC2 accessor with a sparse part replacing one or two of its elements."""
    accessor = built.accessor(
        _vectors(rng, count, 2, UNITS), type="VEC2", target=ARRAY_BUFFER, bounds=False
    )
    changed = sorted(set(draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=2))))
    built.doc["accessors"][accessor]["sparse"] = {
        "count": len(changed),
        "indices": {
            "bufferView": built.view(pack(UNSIGNED_SHORT, changed)),
            "componentType": UNSIGNED_SHORT,
        },
        "values": {"bufferView": built.view(pack(FLOAT, _vectors(rng, len(changed), 2, UNITS)))},
    }
    return accessor


def _primitive(
    draw: st.DrawFn, rng: Random, built: Builder, textured: bool, skinned: bool, targets: int
) -> dict[str, Any]:
    triangles = draw(st.integers(1, 4))
    count = draw(st.integers(3, 3 * triangles))
    positions = _vectors(rng, count, 3, QUARTERS)
    attributes: dict[str, int] = {}
    if draw(st.booleans()):
        normals = [float(c) for _ in range(count) for c in rng.choice(_AXES)]
        if draw(st.booleans()):
            attributes["POSITION"], attributes["NORMAL"] = _interleaved(built, positions, normals)
        else:
            attributes["NORMAL"] = built.accessor(normals, target=ARRAY_BUFFER, bounds=False)
    if "POSITION" not in attributes:
        attributes["POSITION"] = built.accessor(positions, target=ARRAY_BUFFER)
    if textured or draw(st.booleans()):
        if draw(st.integers(0, 3)) == 0:
            attributes["TEXCOORD_0"] = _sparse_uvs(draw, rng, built, count)
        else:
            uvs = _vectors(rng, count, 2, UNITS)
            attributes["TEXCOORD_0"] = built.accessor(
                uvs, type="VEC2", target=ARRAY_BUFFER, bounds=False
            )
    if skinned:
        joints = [rng.randint(0, 1) if i % 4 == 0 else 0 for i in range(4 * count)]
        attributes["JOINTS_0"] = built.accessor(
            joints, type="VEC4", component_type=UNSIGNED_BYTE, target=ARRAY_BUFFER, bounds=False
        )
        weights = [1.0 if i % 4 == 0 else 0.0 for i in range(4 * count)]
        attributes["WEIGHTS_0"] = built.accessor(
            weights, type="VEC4", target=ARRAY_BUFFER, bounds=False
        )
    primitive: dict[str, Any] = {"attributes": attributes}
    if targets:
        primitive["targets"] = [
            {"POSITION": built.accessor(_vectors(rng, count, 3, QUARTERS), target=ARRAY_BUFFER)}
            for _ in range(targets)
        ]
    if draw(st.booleans()):
        component = draw(st.sampled_from([UNSIGNED_BYTE, UNSIGNED_SHORT, UNSIGNED_INT]))
        indices = [rng.randrange(count) for _ in range(3 * triangles)]
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
        if draw(st.booleans()):
            transform = {"offset": [0.5, 0.0], "scale": [2.0, 2.0]}
            pbr["baseColorTexture"]["extensions"] = {"KHR_texture_transform": transform}
    if pbr:
        material["pbrMetallicRoughness"] = pbr
    if textures and draw(st.booleans()):
        material["normalTexture"] = {"index": draw(st.integers(0, textures - 1)), "scale": 1.5}
    extensions: dict[str, Any] = {}
    if draw(st.booleans()):
        material["emissiveFactor"] = [draw(_UNIT) / 2 + 0.25 for _ in range(3)]
        if draw(st.booleans()):
            extensions["KHR_materials_emissive_strength"] = {"emissiveStrength": 2.0}
    if draw(st.integers(0, 4)) == 0:
        extensions["KHR_materials_unlit"] = {}
    for name in draw(st.lists(st.sampled_from(sorted(_PBR_EXTENSIONS)), max_size=3, unique=True)):
        extensions[name] = copy.deepcopy(_PBR_EXTENSIONS[name])  # mutations edit in place
    if extensions:
        material["extensions"] = extensions
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


def _animation(
    draw: st.DrawFn, rng: Random, built: Builder, targets: list[int], morphs: dict[int, int]
) -> dict[str, Any]:
    """Channels on one node; `morphs` maps the nodes whose mesh has morph targets to how many."""
    keys = draw(st.integers(1, 4))
    times = [i / 2 for i in range(keys)]
    channels, samplers = [], []
    node = draw(st.sampled_from(targets))
    kinds = ["translation", "rotation", "scale"] + (["weights"] if node in morphs else [])
    paths = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4, unique=True))
    for path in paths:
        interpolation = draw(
            st.sampled_from(["LINEAR", "STEP", "CUBICSPLINE"][: 3 if keys > 1 else 2])
        )
        per_key = 3 if interpolation == "CUBICSPLINE" else 1
        if path == "rotation":
            output = [c for _ in range(keys * per_key) for c in rng.choice(_QUATS)]
            kind = "VEC4"
        elif path == "weights":
            output = [rng.choice(UNITS) for _ in range(keys * per_key * morphs[node])]
            kind = "SCALAR"
        else:
            output = _vectors(rng, keys * per_key, 3, UNITS)
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
    rng = draw(st.randoms(use_true_random=True))
    _textures(draw, built)
    textures = len(doc.get("textures", []))
    doc["materials"] = [_material(draw, textures) for _ in range(draw(st.integers(0, 2)))]
    skinned = draw(st.booleans())
    meshes = []
    for number in range(draw(st.integers(1, 3))):
        primitives = []
        targets = draw(st.sampled_from([0, 0, 0, 1, 2]))
        for _ in range(draw(st.integers(1, 2))):
            primitive = _primitive(draw, rng, built, textures > 0, skinned and number == 0, targets)
            if doc["materials"] and draw(st.booleans()):
                primitive["material"] = draw(st.integers(0, len(doc["materials"]) - 1))
            primitives.append(primitive)
        mesh: dict[str, Any] = {"primitives": primitives}
        if targets and draw(st.booleans()):
            mesh["weights"] = [0.5] * targets
        meshes.append(mesh)
    doc["meshes"] = meshes
    cameras = [_camera(draw) for _ in range(draw(st.integers(0, 1)))]
    nodes: list[dict[str, Any]] = []
    roots: list[int] = []
    for number in range(1 if skinned else 0, len(meshes)):
        node: dict[str, Any] = {"mesh": number}
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
    if draw(st.integers(0, 3)) == 0:
        lights = copy.deepcopy(draw(st.lists(st.sampled_from(_LIGHTS), min_size=1, max_size=2)))
        doc.setdefault("extensions", {})["KHR_lights_punctual"] = {"lights": lights}
        roots.append(len(nodes))
        light = {"KHR_lights_punctual": {"light": len(lights) - 1}}
        nodes.append({"extensions": light, "rotation": [0.0, 0.6, 0.0, 0.8]})
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
    morphs = {
        n: len(meshes[node["mesh"]]["primitives"][0].get("targets", []))
        for n, node in enumerate(nodes)
        if "mesh" in node and "targets" in meshes[node["mesh"]]["primitives"][0]
    }
    if bool(animated) and draw(st.booleans()):
        doc["animations"] = [_animation(draw, rng, built, animated, morphs)]
    if not doc["materials"]:
        del doc["materials"]
    _declare_extensions(doc)
    return Generated(built, as_glb=draw(st.booleans()))


def _declare_extensions(doc: dict[str, Any]) -> None:
    """List every extension the document uses in `extensionsUsed`."""
    used: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            used.update(value.get("extensions", {}))
            for child in value.values():
                visit(child)
        elif isinstance(value, list):
            for child in value:
                visit(child)

    visit(doc)
    if used:
        doc["extensionsUsed"] = sorted(used)
