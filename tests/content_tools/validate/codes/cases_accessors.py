"""Per-code cases of the accessor data checks: min/max, NaN/infinity, unit normals and
tangents, clamped colours, indices, animation inputs and rotations, inverse bind matrices,
sparse indices and skinning influences.

Each document is a small scene (tests/support/accessor_docs.py: one embedded buffer, one
buffer view per accessor); `clean` is the same scene with the offending values fixed.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from tests.content_tools.validate.codes.cases import UNSIGNED_INT, CodeCase, glb
from tests.support.accessor_docs import FLOAT, UNSIGNED_BYTE, UNSIGNED_SHORT, Scene

__all__ = ["CASES"]

_TRIANGLE = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
_PRIMITIVE = "/meshes/0/primitives/0"


def _mesh(
    attributes: dict[str, tuple[str, int, Sequence[float]]] | None = None,
    *,
    position: Sequence[float] = _TRIANGLE,
    position_bounds: dict[str, list[float]] | None = None,
    indices: tuple[int, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """A one-triangle scene whose primitive has POSITION plus `attributes`
    (semantic -> (type, component type, values)) and optional `indices`."""
    scene = Scene()
    pos = scene.acc("VEC3", FLOAT, position, bounds=True, target=34962)
    if position_bounds:
        scene.accessors[pos].update(position_bounds)
    attrs = {"POSITION": pos}
    for semantic, (type_, ctype, values) in (attributes or {}).items():
        extra = {"normalized": True} if ctype != FLOAT and semantic.startswith("COLOR") else {}
        attrs[semantic] = scene.acc(type_, ctype, values, target=34962, **extra)
    primitive: dict[str, Any] = {"attributes": attrs}
    if indices is not None:
        primitive["indices"] = scene.acc("SCALAR", indices[0], indices[1], target=34963)
    return scene.doc(
        meshes=[{"primitives": [primitive]}],
        nodes=[{"mesh": 0}],
        scenes=[{"nodes": [0]}],
        scene=0,
    )


def _animation(times: Sequence[float], rotations: Sequence[float]) -> dict[str, Any]:
    """A node rotated by one LINEAR sampler."""
    scene = Scene()
    inp = scene.acc("SCALAR", FLOAT, times, bounds=True)
    out = scene.acc("VEC4", FLOAT, rotations)
    return scene.doc(
        nodes=[{}],
        scenes=[{"nodes": [0]}],
        scene=0,
        animations=[
            {
                "samplers": [{"input": inp, "output": out}],
                "channels": [{"sampler": 0, "target": {"node": 0, "path": "rotation"}}],
            }
        ],
    )


def _glb_degenerate(**buffer: Any) -> bytes:
    """The mesh with a degenerate triangle as a GLB whose buffer 0 is `buffer` (by default
    {"byteLength": ...}). The reference reads the BIN chunk only for a buffer with a valid
    byteLength and no `uri` member at all (not even one of the wrong type)."""
    doc = _mesh(indices=(UNSIGNED_BYTE, [0, 1, 2, 2, 1, 2]))
    data = base64.b64decode(doc["buffers"][0]["uri"].split(",", 1)[1])
    doc["buffers"] = [buffer or {"byteLength": len(data)}]
    return glb(doc, data)


def _odd_stride(minimum: float) -> dict[str, Any]:
    """Three floats (declared minimum `minimum`) in a view of four with byteStride 6: the
    reference steps 6 // 4 = 1 component from one element to the next and reads the view's
    (6 * 2 + 4) // 4 = 4 components, whose minimum (-1) is the second."""
    scene = Scene()
    scene.acc("SCALAR", FLOAT, [0.0, -1.0, 2.0, 3.0], min=[minimum])
    doc = scene.doc()
    doc["accessors"][0]["count"] = 3
    doc["bufferViews"][0]["byteStride"] = 6
    return doc


def _odd_stride_matrix(max_first: int) -> dict[str, Any]:
    """Two MAT3 elements of unsigned shorts (columns padded to 4 components) with byteStride
    25: the reference steps 25 // 2 = 12 components, so the second element holds the shorts
    12..22 (which are 12..22 here)."""
    scene = Scene()
    view = scene.raw(UNSIGNED_SHORT, list(range(24)))
    scene.views[view]["byteStride"] = 25
    accessor = {"bufferView": view, "componentType": UNSIGNED_SHORT, "count": 2, "type": "MAT3"}
    scene.accessors.append({**accessor, "max": [max_first, 13, 14, 16, 17, 18, 20, 21, 22]})
    return scene.doc()


_IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]
_SCALAR_WEIGHTS = ("SCALAR", FLOAT)


Format = tuple[str, int]
"""(accessor type, component type)."""


def _skinned(
    joints: Sequence[int],
    weights: Sequence[float],
    *,
    ibm: Sequence[float] | None = None,
    joints_as: Format = ("VEC4", UNSIGNED_BYTE),
    weights_as: Format = ("VEC4", FLOAT),
) -> dict[str, Any]:
    """A skinned triangle: skin 0 has two joints (nodes 1 and 2); every vertex has the
    JOINTS_0 / WEIGHTS_0 given for the first, and (0, 0, 0, 0) / (1, 0, 0, 0) after. With a
    SCALAR format, the accessor holds the first three of those components (one a vertex):
    the reference pairs joints and weights by component position, whatever their types."""
    scene = Scene()
    pos = scene.acc("VEC3", FLOAT, _TRIANGLE, bounds=True, target=34962)
    streams = []
    for values, padding, (type_, ctype) in (
        (joints, [0, 0, 0, 0], joints_as),
        (weights, [1.0, 0, 0, 0], weights_as),
    ):
        components: Sequence[float] = (list(values) + padding * 2)[: 3 if type_ == "SCALAR" else 12]
        if ctype != FLOAT:
            components = [int(v) for v in components]
        streams.append(scene.acc(type_, ctype, components, target=34962))
    j, w = streams
    skin: dict[str, Any] = {"joints": [1, 2]}
    if ibm is not None:
        skin["inverseBindMatrices"] = scene.acc("MAT4", FLOAT, ibm)
    attributes = {"POSITION": pos, "JOINTS_0": j, "WEIGHTS_0": w}
    return scene.doc(
        meshes=[{"primitives": [{"attributes": attributes}]}],
        nodes=[{"mesh": 0, "skin": 0}, {"children": [2]}, {}],
        scenes=[{"nodes": [0, 1]}],
        scene=0,
        skins=[skin],
    )


def _joints_case(
    code: str,
    triggers: Sequence[int],
    clean: Sequence[int],
    weights: Sequence[float],
    *,
    joints_as: Format = ("VEC4", UNSIGNED_BYTE),
    weights_as: Format = ("VEC4", FLOAT),
) -> CodeCase:
    """`code` at JOINTS_0 of `_skinned` with the joints `triggers`; clean with `clean`, the
    weights and formats the same."""
    return CodeCase(
        code,
        triggers=_skinned(triggers, weights, joints_as=joints_as, weights_as=weights_as),
        clean=_skinned(clean, weights, joints_as=joints_as, weights_as=weights_as),
        pointer=f"{_PRIMITIVE}/attributes/JOINTS_0",
    )


def _weights_case(
    code: str, joints: Sequence[int], triggers: Sequence[float], clean: Sequence[float]
) -> CodeCase:
    """`code` at WEIGHTS_0 of `_skinned` with the weights `triggers`; clean with `clean`."""
    return CodeCase(
        code,
        triggers=_skinned(joints, triggers),
        clean=_skinned(joints, clean),
        pointer=f"{_PRIMITIVE}/attributes/WEIGHTS_0",
    )


def _sparse(indices: Sequence[int]) -> dict[str, Any]:
    """A zero-filled SCALAR float accessor of 4 elements with sparse values at `indices`."""
    scene = Scene()
    scene.sparse(4, indices, [1.0] * len(indices))
    return scene.doc()


def _unused_float(values: Sequence[float]) -> dict[str, Any]:
    scene = Scene()
    scene.acc("SCALAR", FLOAT, values)
    return scene.doc()


_NORMALS_OK = [0.0, 0.0, 1.0] * 3
_TANGENTS_OK = [1.0, 0.0, 0.0, 1.0] * 3

CASES: list[CodeCase] = [
    CodeCase(
        "ACCESSOR_MIN_MISMATCH",
        triggers=_mesh(position_bounds={"min": [0.0, 0.0, -1.0]}),
        clean=_mesh(),
        pointer="/accessors/0/min/2",
    ),
    CodeCase(
        "ACCESSOR_MAX_MISMATCH",
        triggers=_mesh(position_bounds={"max": [1.0, 1.0, 1.0]}),
        clean=_mesh(),
        pointer="/accessors/0/max/2",
    ),
    CodeCase(
        "ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND",
        triggers=_mesh(position_bounds={"min": [0.0, 0.5, 0.0]}),
        clean=_mesh(position_bounds={"min": [0.0, -0.5, 0.0]}),
        pointer="/accessors/0/min/1",
    ),
    CodeCase(
        "ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND",
        triggers=_mesh(position_bounds={"max": [0.5, 1.0, 0.0]}),
        clean=_mesh(position_bounds={"max": [2.0, 1.0, 0.0]}),
        pointer="/accessors/0/max/0",
    ),
    CodeCase(
        "ACCESSOR_INVALID_FLOAT",
        triggers=_unused_float([1.0, float("nan"), float("inf")]),
        clean=_unused_float([1.0, 2.0, 3.0]),
        pointer="/accessors/0",
    ),
    CodeCase(
        "ACCESSOR_VECTOR3_NON_UNIT",
        triggers=_mesh({"NORMAL": ("VEC3", FLOAT, [0.0, 0.0, 2.0, *_NORMALS_OK[3:]])}),
        clean=_mesh({"NORMAL": ("VEC3", FLOAT, _NORMALS_OK)}),
        pointer=f"{_PRIMITIVE}/attributes/NORMAL",
    ),
    CodeCase(
        "ACCESSOR_INVALID_SIGN",
        triggers=_mesh(
            {
                "NORMAL": ("VEC3", FLOAT, _NORMALS_OK),
                "TANGENT": ("VEC4", FLOAT, [1.0, 0.0, 0.0, 0.5, *_TANGENTS_OK[4:]]),
            }
        ),
        clean=_mesh(
            {"NORMAL": ("VEC3", FLOAT, _NORMALS_OK), "TANGENT": ("VEC4", FLOAT, _TANGENTS_OK)}
        ),
        pointer=f"{_PRIMITIVE}/attributes/TANGENT",
    ),
    CodeCase(
        "ACCESSOR_NON_CLAMPED",
        triggers=_mesh({"COLOR_0": ("VEC3", FLOAT, [1.5, 0.0, 0.0] + [1.0] * 6)}),
        clean=_mesh({"COLOR_0": ("VEC3", FLOAT, [1.0] * 9)}),
        pointer=f"{_PRIMITIVE}/attributes/COLOR_0",
    ),
    CodeCase(
        "ACCESSOR_MIN_MISMATCH",
        triggers=_odd_stride(0.0),
        clean=_odd_stride(-1.0),
        pointer="/accessors/0/min/0",
    ),
    CodeCase(
        "ACCESSOR_MAX_MISMATCH",
        triggers=_odd_stride_matrix(11),
        clean=_odd_stride_matrix(12),
        pointer="/accessors/0/max/0",
    ),
    CodeCase(
        "ACCESSOR_INDEX_OOB",
        triggers=_mesh(indices=(UNSIGNED_BYTE, [0, 1, 3])),
        clean=_mesh(indices=(UNSIGNED_BYTE, [0, 1, 2])),
        pointer=f"{_PRIMITIVE}/indices",
    ),
    CodeCase(
        "ACCESSOR_INDEX_PRIMITIVE_RESTART",
        triggers=_mesh(indices=(UNSIGNED_SHORT, [0, 1, 65535])),
        clean=_mesh(indices=(UNSIGNED_SHORT, [0, 1, 2])),
        pointer=f"{_PRIMITIVE}/indices",
    ),
    CodeCase(
        "ACCESSOR_INDEX_TRIANGLE_DEGENERATE",
        triggers=_mesh(indices=(UNSIGNED_BYTE, [0, 1, 2, 2, 1, 2])),
        clean=_mesh(indices=(UNSIGNED_BYTE, [0, 1, 2, 2, 1, 0])),
        pointer=f"{_PRIMITIVE}/indices",
    ),
    CodeCase(  # no valid byteLength: the BIN chunk is not read
        "ACCESSOR_INDEX_TRIANGLE_DEGENERATE",
        triggers=_glb_degenerate(),
        clean=_glb_degenerate(byteLength=0),
        pointer=f"{_PRIMITIVE}/indices",
    ),
    CodeCase(  # a `uri` member, even of the wrong type: not the GLB buffer
        "ACCESSOR_INDEX_TRIANGLE_DEGENERATE",
        triggers=_glb_degenerate(),
        clean=_glb_degenerate(byteLength=8, uri=False),
        pointer=f"{_PRIMITIVE}/indices",
    ),
    CodeCase(
        "ACCESSOR_ANIMATION_INPUT_NEGATIVE",
        triggers=_animation([-1.0, 1.0], [0.0, 0.0, 0.0, 1.0] * 2),
        clean=_animation([0.0, 1.0], [0.0, 0.0, 0.0, 1.0] * 2),
        pointer="/animations/0/samplers/0/input",
    ),
    CodeCase(
        "ACCESSOR_ANIMATION_INPUT_NON_INCREASING",
        triggers=_animation([0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0] * 3),
        clean=_animation([0.0, 1.0, 2.0], [0.0, 0.0, 0.0, 1.0] * 3),
        pointer="/animations/0/samplers/0/input",
    ),
    CodeCase(
        "ACCESSOR_ANIMATION_SAMPLER_OUTPUT_NON_NORMALIZED_QUATERNION",
        triggers=_animation([0.0, 1.0], [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0]),
        clean=_animation([0.0, 1.0], [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]),
        pointer="/animations/0/channels/0/sampler",
    ),
    CodeCase(
        "ACCESSOR_INVALID_IBM",
        triggers=_skinned([0, 0, 0, 0], [1.0, 0, 0, 0], ibm=[*_IDENTITY[:3], 1.0, *_IDENTITY[4:]]),
        clean=_skinned([0, 0, 0, 0], [1.0, 0, 0, 0], ibm=_IDENTITY),
        pointer="/skins/0/inverseBindMatrices",
    ),
    _joints_case("ACCESSOR_JOINTS_INDEX_OOB", [2, 0, 0, 0], [1, 0, 0, 0], [0.0, 1.0, 0, 0]),
    _joints_case("ACCESSOR_JOINTS_INDEX_DUPLICATE", [1, 1, 0, 0], [1, 0, 0, 0], [0.5, 0.5, 0, 0]),
    _joints_case("ACCESSOR_JOINTS_USED_ZERO_WEIGHT", [0, 1, 0, 0], [0, 0, 0, 0], [1.0, 0, 0, 0]),
    _weights_case("ACCESSOR_WEIGHTS_NEGATIVE", [0, 1, 0, 0], [1.5, -0.5, 0, 0], [0.5, 0.5, 0, 0]),
    CodeCase(  # the npm build negates UNSIGNED_INT weights (accessor_data.py)
        "ACCESSOR_WEIGHTS_NEGATIVE",
        triggers=_skinned([0, 1, 0, 0], [1, 0, 0, 0], weights_as=("VEC4", UNSIGNED_INT)),
        clean=_skinned([0, 1, 0, 0], [1, 0, 0, 0], weights_as=("VEC4", UNSIGNED_SHORT)),
        pointer=f"{_PRIMITIVE}/attributes/WEIGHTS_0",
    ),
    _joints_case(  # SCALAR weights: joint 1 (component 0) meets weight 0
        "ACCESSOR_JOINTS_USED_ZERO_WEIGHT",
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0.0, 1.0, 0, 0],
        weights_as=_SCALAR_WEIGHTS,
    ),
    _joints_case(  # SCALAR weights: joint 0 twice with non-zero weights
        "ACCESSOR_JOINTS_INDEX_DUPLICATE",
        [0, 0, 0, 0],
        [0, 1, 0, 0],
        [0.5, 0.5, 0, 0],
        weights_as=_SCALAR_WEIGHTS,
    ),
    _joints_case(  # SCALAR joints
        "ACCESSOR_JOINTS_INDEX_OOB",
        [2, 2, 0, 0],
        [1, 0, 0, 0],
        [1.0, 0, 0, 0],
        joints_as=("SCALAR", UNSIGNED_BYTE),
    ),
    _joints_case(  # past the end of the weights, an out-of-bounds joint is still reported
        "ACCESSOR_JOINTS_INDEX_OOB",
        [0, 0, 0, 2],
        [0, 0, 0, 1],
        [1.0, 0, 0, 0],
        weights_as=_SCALAR_WEIGHTS,
    ),
    _weights_case(
        "ACCESSOR_WEIGHTS_NON_NORMALIZED", [0, 1, 0, 0], [0.5, 0.25, 0, 0], [0.75, 0.25, 0, 0]
    ),
    CodeCase(
        "ACCESSOR_SPARSE_INDICES_NON_INCREASING",
        triggers=_sparse([2, 1]),
        clean=_sparse([1, 2]),
        pointer="/accessors/0/sparse",
    ),
    CodeCase(
        "ACCESSOR_SPARSE_INDEX_OOB",
        triggers=_sparse([1, 4]),
        clean=_sparse([1, 3]),
        pointer="/accessors/0/sparse",
    ),
]


def _layout(**changes: Any) -> dict[str, Any]:
    """An unused accessor of two floats in a 16-byte view, with `changes` to the accessor
    (keys as in glTF) and to its view (`view_` + key)."""
    scene = Scene()
    scene.acc("SCALAR", FLOAT, [0.5, 0.25, 0.0, 0.0])
    doc = scene.doc()
    doc["accessors"][0]["count"] = 2
    for key, value in changes.items():
        if key.startswith("view_"):
            doc["bufferViews"][0][key.removeprefix("view_")] = value
        else:
            doc["accessors"][0][key] = value
    return doc


def _shared_usage(shared: bool) -> dict[str, Any]:
    """A triangle whose POSITION accessor is (or, not `shared`, a copy of it is) also the
    output of a translation animation."""
    scene = Scene()
    pos = scene.acc("VEC3", FLOAT, _TRIANGLE, bounds=True, target=34962)
    times = scene.acc("SCALAR", FLOAT, [0.0, 1.0, 2.0], bounds=True)
    out = pos if shared else scene.acc("VEC3", FLOAT, _TRIANGLE)
    return scene.doc(
        meshes=[{"primitives": [{"attributes": {"POSITION": pos}}]}],
        nodes=[{"mesh": 0}],
        scenes=[{"nodes": [0]}],
        scene=0,
        animations=[
            {
                "samplers": [{"input": times, "output": out}],
                "channels": [{"sampler": 0, "target": {"node": 0, "path": "translation"}}],
            }
        ],
    )


CASES += [
    CodeCase(
        "ACCESSOR_MATRIX_ALIGNMENT",
        triggers=_layout(type="MAT2", componentType=UNSIGNED_BYTE, count=1, byteOffset=2),
        clean=_layout(type="MAT2", componentType=UNSIGNED_BYTE, count=1, byteOffset=4),
        pointer="/accessors/0/byteOffset",
    ),
    CodeCase(
        "ACCESSOR_NORMALIZED_INVALID",
        triggers=_layout(normalized=True),
        clean=_layout(normalized=False),
        pointer="/accessors/0/normalized",
    ),
    CodeCase(
        "ACCESSOR_OFFSET_ALIGNMENT",
        triggers=_layout(byteOffset=2),
        clean=_layout(byteOffset=4),
        pointer="/accessors/0/byteOffset",
    ),
    CodeCase(
        "ACCESSOR_TOTAL_OFFSET_ALIGNMENT",
        triggers=_layout(view_byteOffset=2, view_byteLength=12),
        clean=_layout(view_byteOffset=4, view_byteLength=12),
        pointer="/accessors/0",
    ),
    CodeCase(
        "ACCESSOR_TOO_LONG",
        triggers=_layout(count=5),
        clean=_layout(count=4),
        pointer="/accessors/0",
    ),
    CodeCase(  # a byteLength that did not parse is -1: every offset is past its end
        "ACCESSOR_TOO_LONG",
        triggers=_layout(view_byteLength=-1),
        clean=_layout(),
        pointer="/accessors/0/byteOffset",
    ),
    CodeCase(
        "ACCESSOR_SMALL_BYTESTRIDE",
        triggers=_layout(type="VEC2", count=1, view_byteStride=4, view_target=34962),
        clean=_layout(type="VEC2", count=1, view_byteStride=8, view_target=34962),
        pointer="/accessors/0",
    ),
    CodeCase(
        "ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE",
        triggers=_sparse([0, 1, 2, 3, 4]),
        clean=_sparse([0, 1, 2, 3]),
        pointer="/accessors/0/sparse/count",
    ),
    CodeCase(
        "ACCESSOR_USAGE_OVERRIDE",
        triggers=_shared_usage(shared=True),
        clean=_shared_usage(shared=False),
        pointer="/animations/0/samplers/0/output",
    ),
]

CASES.append(
    CodeCase(
        "MESH_PRIMITIVE_ACCESSOR_UNALIGNED",  # 6-byte elements packed without byteStride
        triggers=_mesh({"TEXCOORD_0": ("VEC3", UNSIGNED_SHORT, [0, 1, 2] * 3)}),
        clean=_mesh({"TEXCOORD_0": ("VEC2", UNSIGNED_SHORT, [0, 1] * 3)}),
        pointer=f"{_PRIMITIVE}/attributes/TEXCOORD_0",
    )
)
