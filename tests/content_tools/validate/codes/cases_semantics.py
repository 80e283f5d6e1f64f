"""Per-code cases: link-level checks of meshes, nodes, skins, scenes, cameras and images.

Each case is built twice by the same function, once broken (`triggers`) and once fixed
(`clean`), so the two documents differ only in what the code is about. Animations, materials
and textures are in cases_semantics_more.py.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from typing import Any

from tests.content_tools.validate.codes.cases import (
    ARRAY_BUFFER,
    FLOAT,
    UNSIGNED_BYTE,
    UNSIGNED_INT,
    UNSIGNED_SHORT,
    Builder,
    CodeCase,
    pack,
)

__all__ = ["CASES", "IDENTITY", "Cases", "morph", "pair", "png", "skinned", "triangle", "uv"]

Edit = Callable[[Builder, bool], Any]
"""Edits Builder.triangle() into a case's document: broken when the flag is set, else fixed."""

IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]


def pair(code: str, edit: Edit, pointer: str | None = None) -> CodeCase:
    """The case of `code` on Builder.triangle(): `edit(b, True)` triggers it, `edit(b, False)`
    is the fixed document."""
    return CodeCase(
        code, triangle(lambda b: edit(b, True)), triangle(lambda b: edit(b, False)), pointer
    )


class Cases(list[CodeCase]):
    """A module's cases. `@CASES.pair(code, pointer)` over an edit adds `pair(code, edit,
    pointer)`, so each case's code and pointer stand above the edit that builds it."""

    def pair(self, code: str, pointer: str | None = None) -> Callable[[Edit], Edit]:
        def add(edit: Edit) -> Edit:
            self.append(pair(code, edit, pointer))
            return edit

        return add


CASES = Cases()


def triangle(edit: Callable[[Builder], Any] | None = None) -> dict[str, Any]:
    """Builder.triangle() edited by `edit`, as .gltf with an embedded buffer."""
    built = Builder.triangle()
    if edit is not None:
        edit(built)
    return built.gltf()


def png(width: int, height: int, *extra: tuple[bytes, bytes]) -> bytes:
    """A valid 8-bit RGB PNG of the given size (black), with `extra` (type, body) chunks
    between its header and its data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + b"\0" * 3 * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + b"".join(chunk(kind, body) for kind, body in extra)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def skinned(built: Builder, *, joints: int = 1) -> None:
    """Give the triangle JOINTS_0/WEIGHTS_0, a skin of node 1 (child of node 0's scene), and
    make node 0 use it: a valid skinned mesh."""
    doc = built.doc
    j = built.accessor([0, 0, 0, 0] * 3, type="VEC4", component_type=UNSIGNED_BYTE, bounds=False)
    w = built.accessor([1.0, 0, 0, 0] * 3, type="VEC4", bounds=False)
    for index in (j, w):
        doc["bufferViews"][doc["accessors"][index]["bufferView"]]["target"] = ARRAY_BUFFER
    attributes = doc["meshes"][0]["primitives"][0]["attributes"]
    attributes.update(JOINTS_0=j, WEIGHTS_0=w)
    doc["nodes"] = [{"mesh": 0, "skin": 0}, {}]
    doc["scenes"] = [{"nodes": [0, 1]}]
    doc["skins"] = [{"joints": [1] * joints}]


def morph(built: Builder, targets: int = 1) -> None:
    """Give the triangle's primitive `targets` POSITION morph targets."""
    prim = built.doc["meshes"][0]["primitives"][0]
    prim["targets"] = [
        {"POSITION": built.accessor([0.0] * 9, target=ARRAY_BUFFER)} for _ in range(targets)
    ]


def uv(built: Builder) -> None:
    """Give the triangle TEXCOORD_0, so that textured materials fit it."""
    uv = built.accessor([0.0, 0.0] * 3, type="VEC2", target=ARRAY_BUFFER, bounds=False)
    built.doc["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = uv


def _tangent_space(built: Builder) -> None:
    """Give the triangle NORMAL and TANGENT."""
    n = built.accessor([0, 0, 1.0] * 3, target=ARRAY_BUFFER, bounds=False)
    t = built.accessor([1.0, 0, 0, 1] * 3, type="VEC4", target=ARRAY_BUFFER, bounds=False)
    built.doc["meshes"][0]["primitives"][0]["attributes"].update(NORMAL=n, TANGENT=t)


# --- meshes ---------------------------------------------------------------------------------


@CASES.pair("MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT", "/meshes/0/primitives/1")
def _unequal_targets(b: Builder, bad: bool) -> None:
    morph(b)
    prim = dict(b.doc["meshes"][0]["primitives"][0])
    if bad:
        prim = {k: v for k, v in prim.items() if k != "targets"}
    b.doc["meshes"][0]["primitives"].append(prim)


@CASES.pair("MESH_PRIMITIVE_NO_TANGENT_SPACE", "/meshes/0/primitives/0/material")
def _no_tangent_space(b: Builder, bad: bool) -> None:
    b.doc["extensionsUsed"] = ["KHR_materials_clearcoat"]
    clearcoat = {"clearcoatNormalTexture": {"index": 0}}
    b.doc["materials"] = [{"extensions": {"KHR_materials_clearcoat": clearcoat}}]
    b.doc["textures"] = [{}]
    uv(b)
    if not bad:
        _tangent_space(b)


@CASES.pair("MESH_PRIMITIVE_GENERATED_TANGENT_SPACE", "/meshes/0/primitives/0/material")
def _generated_tangent_space(b: Builder, bad: bool) -> None:
    b.doc["materials"] = [{"normalTexture": {"index": 0}}]
    b.doc["textures"] = [{}]
    uv(b)
    if not bad:
        _tangent_space(b)


@CASES.pair(
    "MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS", "/meshes/0/primitives/0/targets/0/POSITION"
)
def _morph_without_bounds(b: Builder, bad: bool) -> None:
    morph(b)
    if bad:
        target = b.doc["accessors"][2]
        del target["min"], target["max"]


@CASES.pair(
    "MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS", "/meshes/0/primitives/0/attributes/POSITION"
)
def _position_without_bounds(b: Builder, bad: bool) -> None:
    if bad:
        del b.doc["accessors"][0]["min"], b.doc["accessors"][0]["max"]


@CASES.pair("MESH_INVALID_WEIGHTS_COUNT", "/meshes/0/weights")
def _invalid_weights_count(b: Builder, bad: bool) -> None:
    morph(b)
    b.doc["meshes"][0]["weights"] = [0.5, 0.5] if bad else [0.5]


@CASES.pair(
    "MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR", "/meshes/0/primitives/0/targets/0/NORMAL"
)
def _morph_no_base(b: Builder, bad: bool) -> None:
    morph(b)
    if bad:
        target = b.doc["meshes"][0]["primitives"][0]["targets"][0]
        target["NORMAL"] = b.accessor([0.0] * 9, target=ARRAY_BUFFER, bounds=False)


@CASES.pair(
    "MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT",
    "/meshes/0/primitives/0/targets/0/POSITION",
)
def _morph_count(b: Builder, bad: bool) -> None:
    prim = b.doc["meshes"][0]["primitives"][0]
    values = [0.0] * (12 if bad else 9)
    prim["targets"] = [{"POSITION": b.accessor(values, target=ARRAY_BUFFER)}]


@CASES.pair("MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT", "/meshes/0/primitives/0/attributes/TEXCOORD_0")
def _unequal_accessor_count(b: Builder, bad: bool) -> None:
    values = [0.0, 0.0] * (4 if bad else 3)
    uv = b.accessor(values, type="VEC2", target=ARRAY_BUFFER, bounds=False)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = uv
    b.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
    b.doc["textures"] = [{}]


@CASES.pair(
    "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT", "/meshes/0/primitives/0/attributes/NORMAL"
)
def _attribute_format(b: Builder, bad: bool) -> None:
    ctype = UNSIGNED_INT if bad else FLOAT
    n = b.accessor([0, 0, 1] * 3, component_type=ctype, target=ARRAY_BUFFER, bounds=False)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["NORMAL"] = n


@CASES.pair(
    "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_UNSIGNED_INT", "/meshes/0/primitives/0/attributes/_ID"
)
def _unsigned_int_attribute(b: Builder, bad: bool) -> None:
    ctype = UNSIGNED_INT if bad else FLOAT
    a = b.accessor([1, 2, 3], type="SCALAR", component_type=ctype, bounds=False)
    b.doc["bufferViews"][b.doc["accessors"][a]["bufferView"]]["target"] = ARRAY_BUFFER
    b.doc["meshes"][0]["primitives"][0]["attributes"]["_ID"] = a


@CASES.pair("MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT", "/meshes/0/primitives/0/indices")
def _indices_format(b: Builder, bad: bool) -> None:
    b.doc["accessors"][1]["componentType"] = 5122 if bad else UNSIGNED_SHORT


@CASES.pair("MESH_PRIMITIVE_INCOMPATIBLE_MODE", "/meshes/0/primitives/0")
def _incompatible_mode(b: Builder, bad: bool) -> None:
    b.doc["meshes"][0]["primitives"][0]["mode"] = 1 if bad else 4


@CASES.pair("MESH_PRIMITIVE_TANGENT_WITHOUT_NORMAL", "/meshes/0/primitives/0/attributes/TANGENT")
def _tangent_without_normal(b: Builder, bad: bool) -> None:
    b.doc["materials"] = [{"normalTexture": {"index": 0}}]
    b.doc["textures"] = [{}]
    uv(b)
    t = b.accessor([1.0, 0, 0, 1] * 3, type="VEC4", target=ARRAY_BUFFER, bounds=False)
    attributes = b.doc["meshes"][0]["primitives"][0]["attributes"]
    attributes["TANGENT"] = t
    if not bad:
        attributes["NORMAL"] = b.accessor([0, 0, 1.0] * 3, target=ARRAY_BUFFER, bounds=False)


@CASES.pair("UNUSED_MESH_TANGENT", "/meshes/0/primitives/0/attributes/TANGENT")
def _unused_tangent(b: Builder, bad: bool) -> None:
    _tangent_space(b)
    if not bad:
        b.doc["materials"] = [{"normalTexture": {"index": 0}}]
        b.doc["textures"] = [{}]
        uv(b)


@CASES.pair("UNUSED_MESH_WEIGHTS", "/meshes/0/weights")
def _unused_weights(b: Builder, bad: bool) -> None:
    morph(b)
    b.doc["meshes"][0]["weights"] = [0.5]
    if bad:
        b.doc["nodes"][0]["weights"] = [0.25]


@CASES.pair("UNUSED_MESH_WEIGHTS", "/meshes/0/weights")
def _weights_without_primitives(b: Builder, bad: bool) -> None:
    """A mesh whose primitives cannot be read shows no weights, even to a node without its own."""
    morph(b)
    b.doc["meshes"][0]["weights"] = [0.5]
    if bad:
        b.doc["meshes"][0]["primitives"] = -3


@CASES.pair("MESH_PRIMITIVE_TOO_FEW_TEXCOORDS", "/meshes/0/primitives/0/material")
def _too_few_texcoords(b: Builder, bad: bool) -> None:
    b.doc["materials"] = [{"emissiveTexture": {"index": 0, "texCoord": 1 if bad else 0}}]
    b.doc["textures"] = [{}]
    uv = b.accessor([0.0, 0.0] * 3, type="VEC2", target=ARRAY_BUFFER, bounds=False)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = uv


@CASES.pair("UNUSED_OBJECT", "/meshes/0/primitives/0/attributes/TEXCOORD_0")
def _unused_texcoord(b: Builder, bad: bool) -> None:
    if not bad:
        b.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
        b.doc["textures"] = [{}]
    uv = b.accessor([0.0, 0.0] * 3, type="VEC2", target=ARRAY_BUFFER, bounds=False)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = uv


@CASES.pair("UNUSED_OBJECT", "/bufferViews/2")
def _sparse_views_unused(b: Builder, bad: bool) -> None:
    """An accessor of an unknown type (no components for the reference) still links its
    sparse views; one without a valid count does not."""
    indices = b.view(pack(UNSIGNED_SHORT, [0, 0]))
    values = b.view(pack(FLOAT, [1.0]))
    sparse = {
        "count": 1,
        "indices": {"bufferView": indices, "componentType": UNSIGNED_SHORT},
        "values": {"bufferView": values},
    }
    accessor = {"componentType": FLOAT, "count": 0 if bad else 3, "type": "VEC5", "sparse": sparse}
    b.doc["accessors"].append(accessor)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["_CUSTOM"] = len(b.doc["accessors"]) - 1


# --- nodes, skins, scenes ---------------------------------------------------------------------


@CASES.pair("NODE_SKINNED_MESH_NON_ROOT", "/nodes/0")
def _skinned_non_root(b: Builder, bad: bool) -> None:
    skinned(b)
    if bad:
        b.doc["nodes"].append({"children": [0]})
        b.doc["scenes"] = [{"nodes": [2, 1]}]


@CASES.pair("NODE_SKIN_NO_SCENE", "/nodes/0")
def _skin_no_scene(b: Builder, bad: bool) -> None:
    skinned(b)
    if bad:
        b.doc["scenes"] = [{"nodes": [0]}, {"nodes": [1]}]


@CASES.pair("NODE_SKINNED_MESH_LOCAL_TRANSFORMS", "/nodes/0")
def _skinned_local_transforms(b: Builder, bad: bool) -> None:
    skinned(b)
    if bad:
        b.doc["nodes"][0]["translation"] = [1.0, 0, 0]


@CASES.pair("NODE_SKINNED_MESH_WITHOUT_SKIN", "/nodes/0")
def _skinned_without_skin(b: Builder, bad: bool) -> None:
    skinned(b)
    if bad:
        del b.doc["nodes"][0]["skin"]
        b.doc["nodes"].append({"skin": 0, "mesh": 0})
        b.doc["scenes"] = [{"nodes": [0, 1, 2]}]


@CASES.pair("NODE_SKIN_WITH_NON_SKINNED_MESH", "/nodes/0")
def _skin_non_skinned(b: Builder, bad: bool) -> None:
    skinned(b)
    if bad:
        attributes = b.doc["meshes"][0]["primitives"][0]["attributes"]
        del attributes["JOINTS_0"], attributes["WEIGHTS_0"]


@CASES.pair("INVALID_IBM_ACCESSOR_COUNT", "/skins/0/inverseBindMatrices")
def _ibm_count(b: Builder, bad: bool) -> None:
    skinned(b, joints=1)
    b.doc["skins"][0]["inverseBindMatrices"] = b.accessor(IDENTITY, type="MAT4", bounds=False)
    if bad:
        b.doc["nodes"][1]["children"] = [2]
        b.doc["nodes"].append({})
        b.doc["skins"][0]["joints"] = [1, 2]


@CASES.pair("SKIN_NO_COMMON_ROOT", "/skins/0/joints")
def _skin_no_common_root(b: Builder, bad: bool) -> None:
    skinned(b)
    b.doc["nodes"].append({})
    if bad:
        b.doc["scenes"][0]["nodes"].append(2)
    else:
        b.doc["nodes"][1]["children"] = [2]
    b.doc["skins"][0]["joints"] = [1, 2]


@CASES.pair("SKIN_SKELETON_INVALID", "/skins/0/skeleton")
def _skin_skeleton_invalid(b: Builder, bad: bool) -> None:
    skinned(b)
    b.doc["nodes"].append({"children": [1]})
    b.doc["scenes"][0]["nodes"] = [0, 2]
    b.doc["skins"][0]["skeleton"] = 0 if bad else 2


@CASES.pair("NODE_LOOP", "/nodes/0")
def _node_loop(b: Builder, bad: bool) -> None:
    b.doc["nodes"].append({"children": [0]})
    b.doc["scenes"] = [{"nodes": [1]}]
    if bad:
        b.doc["nodes"][0]["children"] = [1]


@CASES.pair("NODE_PARENT_OVERRIDE", "/nodes/2/children/0")
def _parent_override(b: Builder, bad: bool) -> None:
    b.doc["nodes"] += [{"children": [0]}, {"children": [] if not bad else [0]}]
    b.doc["scenes"] = [{"nodes": [1, 2]}] if bad else [{"nodes": [1]}]
    if not bad:
        del b.doc["nodes"][2]["children"]
        b.doc["nodes"][2]["mesh"] = 0
        b.doc["scenes"][0]["nodes"].append(2)


@CASES.pair("SCENE_NON_ROOT_NODE", "/scenes/0/nodes/1")
def _scene_non_root(b: Builder, bad: bool) -> None:
    b.doc["nodes"].append({"children": [0]})
    b.doc["scenes"] = [{"nodes": [1, 0] if bad else [1]}]


@CASES.pair("NODE_WEIGHTS_INVALID", "/nodes/0/weights")
def _node_weights(b: Builder, bad: bool) -> None:
    morph(b)
    b.doc["nodes"][0]["weights"] = [0.5, 0.5] if bad else [0.5]


@CASES.pair("NODE_EMPTY", "/nodes/1")
def _node_empty(b: Builder, bad: bool) -> None:
    b.doc["nodes"].append({} if bad else {"mesh": 0})
    b.doc["scenes"][0]["nodes"].append(1)


def _node_matrix(matrix: list[float], extra: dict[str, Any] | None = None) -> Edit:
    def edit(b: Builder, bad: bool) -> None:
        if bad:
            b.doc["nodes"][0]["matrix"] = matrix
            b.doc["nodes"][0].update(extra or {})
        else:
            b.doc["nodes"][0]["translation"] = [1.0, 0, 0]

    return edit


@CASES.pair("NODE_MATRIX_NON_TRS", "/nodes/0/matrix")
def _sheared(b: Builder, bad: bool) -> None:
    """A shear: not TRS, unless a large translation hides it from the reference's test, which
    compares the largest column sums of the matrix and of its TRS rebuild."""
    translation = [0.0, 0, 0] if bad else [8.0, -7.5, -8.25]
    b.doc["nodes"][0]["matrix"] = [1.0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, *translation, 1]


@CASES.pair("ROTATION_NON_UNIT", "/nodes/0/rotation")
def _rotation(b: Builder, bad: bool) -> None:
    b.doc["nodes"][0]["rotation"] = [0, 0, 0.6, 0.6] if bad else [0, 0, 0.6, 0.8]


def _node_value(name: str, bad_value: list[float], clean_value: list[float]) -> Edit:
    """Node 0's `name` is `bad_value`, `clean_value` in the fixed document."""

    def edit(b: Builder, bad: bool) -> None:
        b.doc["nodes"][0][name] = bad_value if bad else clean_value

    return edit


def _z_scaled(z: float) -> list[float]:
    return [*IDENTITY[:10], z, *IDENTITY[11:]]


# --- cameras and images ---------------------------------------------------------------------


def _camera(values: dict[str, float], fixed: dict[str, float], kind: str) -> Edit:
    def edit(b: Builder, bad: bool) -> None:
        b.doc["cameras"] = [{"type": kind, kind: values if bad else fixed}]
        b.doc["nodes"][0]["camera"] = 0

    return edit


ORTHO = {"xmag": 1.0, "ymag": 1.0, "znear": 0.1, "zfar": 10.0}
PERSPECTIVE = {"yfov": 1.0, "znear": 0.1}


@CASES.pair("IMAGE_NPOT_DIMENSIONS", "/images/0")
def _npot_image(b: Builder, bad: bool) -> None:
    uv(b)
    b.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
    b.doc["textures"] = [{"source": 0}]
    view = b.view(png(3, 5) if bad else png(4, 8))
    b.doc["images"] = [{"bufferView": view, "mimeType": "image/png"}]


# Cases whose edit a factory above makes (one per case, so no decorator).
CASES += [
    pair("NODE_MATRIX_DEFAULT", _node_matrix(IDENTITY), "/nodes/0/matrix"),
    pair("NODE_MATRIX_NON_TRS", _node_matrix([0.0] * 16), "/nodes/0/matrix"),
    pair(
        "NODE_MATRIX_TRS",
        _node_matrix([*IDENTITY[:12], 1.0, 0, 0, 1.0], {"scale": [2.0, 2, 2]}),
        "/nodes/0/matrix",
    ),
    pair("NODE_MATRIX_NON_TRS", _node_value("matrix", _z_scaled(1e40), _z_scaled(1e30))),
    pair("NODE_MATRIX_DEFAULT", _node_value("matrix", _z_scaled(1.00000001), _z_scaled(1.0001))),
    pair("ROTATION_NON_UNIT", _node_value("rotation", [0, 0, 0, 0.99], [0, 0, 0, 0.995])),
    pair(
        "CAMERA_XMAG_YMAG_ZERO",
        _camera({**ORTHO, "xmag": 0.0}, ORTHO, "orthographic"),
        "/cameras/0/orthographic/xmag",
    ),
    pair(
        "CAMERA_XMAG_YMAG_NEGATIVE",
        _camera({**ORTHO, "ymag": -1.0}, ORTHO, "orthographic"),
        "/cameras/0/orthographic/ymag",
    ),
    pair(
        "CAMERA_ZFAR_LEQUAL_ZNEAR",
        _camera({**ORTHO, "zfar": 0.1}, ORTHO, "orthographic"),
        "/cameras/0/orthographic",
    ),
    pair(
        "CAMERA_ZFAR_LEQUAL_ZNEAR",
        _camera({**PERSPECTIVE, "zfar": 0.05}, PERSPECTIVE, "perspective"),
        "/cameras/0/perspective",
    ),
    pair(
        "CAMERA_YFOV_GEQUAL_PI",
        _camera({**PERSPECTIVE, "yfov": 3.5}, PERSPECTIVE, "perspective"),
        "/cameras/0/perspective",
    ),
]
