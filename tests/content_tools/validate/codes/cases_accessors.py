"""Per-code cases of the accessor data checks: min/max, NaN/infinity, unit normals and
tangents, clamped colours, indices, animation inputs and rotations, inverse bind matrices,
sparse indices and skinning influences.

Each document is a small scene built here with `struct` (one embedded buffer, one buffer view
per accessor); `clean` is the same scene with the offending values fixed.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from typing import Any

from tests.content_tools.validate.codes.cases import CodeCase

__all__ = ["CASES"]

FLOAT = 5126
UNSIGNED_BYTE = 5121
UNSIGNED_SHORT = 5123
_FORMATS = {5120: "b", 5121: "B", 5122: "h", 5123: "H", 5125: "I", 5126: "f"}
_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}
_TRIANGLE = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
_PRIMITIVE = "/meshes/0/primitives/0"


def _f32(value: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


class _Scene:
    """One buffer grown accessor by accessor, then written as a document."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.views: list[dict[str, Any]] = []
        self.accessors: list[dict[str, Any]] = []

    def raw(self, ctype: int, values: Sequence[float]) -> int:
        """A buffer view holding `values` (no accessor); its index."""
        self.data.extend(b"\0" * (-len(self.data) % 4))
        packed = struct.pack(f"<{len(values)}{_FORMATS[ctype]}", *values)
        self.views.append({"buffer": 0, "byteOffset": len(self.data), "byteLength": len(packed)})
        self.data.extend(packed)
        return len(self.views) - 1

    def acc(
        self,
        type_: str,
        ctype: int,
        values: Sequence[float],
        *,
        bounds: bool = False,
        target: int | None = None,
        **extra: Any,
    ) -> int:
        """An accessor over a new buffer view; `bounds` declares the exact min and max."""
        view = self.raw(ctype, values)
        if target is not None:
            self.views[view]["target"] = target
        n = _COMPONENTS[type_]
        accessor: dict[str, Any] = {
            "bufferView": view,
            "componentType": ctype,
            "count": len(values) // n,
            "type": type_,
        }
        if bounds:
            columns = [values[c::n] for c in range(n)]
            cast = _f32 if ctype == FLOAT else int
            accessor["min"] = [cast(min(col)) for col in columns]
            accessor["max"] = [cast(max(col)) for col in columns]
        accessor.update(extra)
        self.accessors.append(accessor)
        return len(self.accessors) - 1

    def doc(self, **top: Any) -> dict[str, Any]:
        uri = "data:application/octet-stream;base64," + base64.b64encode(self.data).decode()
        doc: dict[str, Any] = {
            "asset": {"version": "2.0"},
            "buffers": [{"byteLength": len(self.data), "uri": uri}],
            "bufferViews": self.views,
            "accessors": self.accessors,
        }
        doc.update(top)
        return doc


def _mesh(
    attributes: dict[str, tuple[str, int, Sequence[float]]] | None = None,
    *,
    position: Sequence[float] = _TRIANGLE,
    position_bounds: dict[str, list[float]] | None = None,
    indices: tuple[int, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """A one-triangle scene whose primitive has POSITION plus `attributes`
    (semantic -> (type, component type, values)) and optional `indices`."""
    scene = _Scene()
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
    scene = _Scene()
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


_IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]


def _skinned(
    joints: Sequence[int], weights: Sequence[float], *, ibm: Sequence[float] | None = None
) -> dict[str, Any]:
    """A skinned triangle: skin 0 has two joints (nodes 1 and 2); every vertex has the
    JOINTS_0 / WEIGHTS_0 given for the first, and (0, 0, 0, 0) / (1, 0, 0, 0) after."""
    scene = _Scene()
    pos = scene.acc("VEC3", FLOAT, _TRIANGLE, bounds=True, target=34962)
    all_joints = list(joints) + [0, 0, 0, 0] * 2
    all_weights = list(weights) + [1.0, 0, 0, 0] * 2
    j = scene.acc("VEC4", UNSIGNED_BYTE, all_joints, target=34962)
    w = scene.acc("VEC4", FLOAT, all_weights, target=34962)
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


def _sparse(indices: Sequence[int]) -> dict[str, Any]:
    """A zero-filled SCALAR float accessor of 4 elements with sparse values at `indices`."""
    scene = _Scene()
    idx_view = scene.raw(UNSIGNED_SHORT, indices)
    val_view = scene.raw(FLOAT, [1.0] * len(indices))
    scene.accessors.append(
        {
            "componentType": FLOAT,
            "count": 4,
            "type": "SCALAR",
            "sparse": {
                "count": len(indices),
                "indices": {"bufferView": idx_view, "componentType": UNSIGNED_SHORT},
                "values": {"bufferView": val_view},
            },
        }
    )
    return scene.doc()


def _unused_float(values: Sequence[float]) -> dict[str, Any]:
    scene = _Scene()
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
    CodeCase(
        "ACCESSOR_JOINTS_INDEX_OOB",
        triggers=_skinned([2, 0, 0, 0], [0.0, 1.0, 0, 0]),
        clean=_skinned([1, 0, 0, 0], [0.0, 1.0, 0, 0]),
        pointer=f"{_PRIMITIVE}/attributes/JOINTS_0",
    ),
    CodeCase(
        "ACCESSOR_JOINTS_INDEX_DUPLICATE",
        triggers=_skinned([1, 1, 0, 0], [0.5, 0.5, 0, 0]),
        clean=_skinned([1, 0, 0, 0], [0.5, 0.5, 0, 0]),
        pointer=f"{_PRIMITIVE}/attributes/JOINTS_0",
    ),
    CodeCase(
        "ACCESSOR_JOINTS_USED_ZERO_WEIGHT",
        triggers=_skinned([0, 1, 0, 0], [1.0, 0, 0, 0]),
        clean=_skinned([0, 0, 0, 0], [1.0, 0, 0, 0]),
        pointer=f"{_PRIMITIVE}/attributes/JOINTS_0",
    ),
    CodeCase(
        "ACCESSOR_WEIGHTS_NEGATIVE",
        triggers=_skinned([0, 1, 0, 0], [1.5, -0.5, 0, 0]),
        clean=_skinned([0, 1, 0, 0], [0.5, 0.5, 0, 0]),
        pointer=f"{_PRIMITIVE}/attributes/WEIGHTS_0",
    ),
    CodeCase(
        "ACCESSOR_WEIGHTS_NON_NORMALIZED",
        triggers=_skinned([0, 1, 0, 0], [0.5, 0.25, 0, 0]),
        clean=_skinned([0, 1, 0, 0], [0.75, 0.25, 0, 0]),
        pointer=f"{_PRIMITIVE}/attributes/WEIGHTS_0",
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
