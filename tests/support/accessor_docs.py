"""glTF documents that exercise the validator's accessor data checks, built with the standard
library only (no numpy, no content_tools).

- `Scene` grows one embedded buffer accessor by accessor (one buffer view each) and writes the
  document (`Scene.doc(...)`);
- `random_data_doc(seed)` a small random scene whose data trips the data checks in many
  combinations: min/max, NaN and infinities, unit normals and tangents, clamped colours,
  indices (out of range, primitive restart, degenerate), skinning influences over one or two
  JOINTS/WEIGHTS sets and skins, animation inputs and rotations (linear and cubic, float and
  normalised), inverse bind matrices and sparse accessors. The same seed gives the same
  document.

Used by the per-code cases (tests/content_tools/validate/codes/cases_accessors.py) and the
comparison of whole data reports with the reference (tests/e2e/validator/).
"""

from __future__ import annotations

import base64
import random
import struct
from collections.abc import Callable, Sequence
from typing import Any

from tests.support.gltf_docs import accessor_json

__all__ = [
    "DATA_CODES",
    "FLOAT",
    "SHORT",
    "UNSIGNED_BYTE",
    "UNSIGNED_SHORT",
    "Scene",
    "f32",
    "random_data_doc",
]

FLOAT = 5126
SHORT = 5122
UNSIGNED_BYTE = 5121
UNSIGNED_SHORT = 5123
_FORMATS = {5120: "b", 5121: "B", 5122: "h", 5123: "H", 5125: "I", 5126: "f"}
_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}

DATA_CODES = frozenset(
    {
        "ACCESSOR_ANIMATION_INPUT_NEGATIVE",
        "ACCESSOR_ANIMATION_INPUT_NON_INCREASING",
        "ACCESSOR_ANIMATION_SAMPLER_OUTPUT_NON_NORMALIZED_QUATERNION",
        "ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND",
        "ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND",
        "ACCESSOR_INDEX_OOB",
        "ACCESSOR_INDEX_PRIMITIVE_RESTART",
        "ACCESSOR_INDEX_TRIANGLE_DEGENERATE",
        "ACCESSOR_INVALID_FLOAT",
        "ACCESSOR_INVALID_IBM",
        "ACCESSOR_INVALID_SIGN",
        "ACCESSOR_JOINTS_INDEX_DUPLICATE",
        "ACCESSOR_JOINTS_INDEX_OOB",
        "ACCESSOR_JOINTS_USED_ZERO_WEIGHT",
        "ACCESSOR_MAX_MISMATCH",
        "ACCESSOR_MIN_MISMATCH",
        "ACCESSOR_NON_CLAMPED",
        "ACCESSOR_SPARSE_INDEX_OOB",
        "ACCESSOR_SPARSE_INDICES_NON_INCREASING",
        "ACCESSOR_VECTOR3_NON_UNIT",
        "ACCESSOR_WEIGHTS_NEGATIVE",
        "ACCESSOR_WEIGHTS_NON_NORMALIZED",
    }
)
"""The reference's codes about accessor data (the rest are about the JSON)."""


def f32(value: float) -> float:
    """`value` rounded to single precision."""
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


class Scene:
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
        cast: Callable[[float], float] = f32 if ctype == FLOAT else int
        accessor = accessor_json(view, ctype, type_, values, bounds=bounds, cast=cast)
        accessor.update(extra)
        self.accessors.append(accessor)
        return len(self.accessors) - 1

    def sparse(self, count: int, indices: Sequence[int], values: Sequence[float]) -> int:
        """A zero-filled SCALAR float accessor of `count` elements with sparse `values` at
        `indices` (unsigned shorts)."""
        idx_view = self.raw(UNSIGNED_SHORT, indices)
        val_view = self.raw(FLOAT, values)
        self.accessors.append(
            {
                "componentType": FLOAT,
                "count": count,
                "type": "SCALAR",
                "sparse": {
                    "count": len(indices),
                    "indices": {"bufferView": idx_view, "componentType": UNSIGNED_SHORT},
                    "values": {"bufferView": val_view},
                },
            }
        )
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


_NAN = float("nan")
_INF = float("inf")
_MAX = {UNSIGNED_BYTE: 255, UNSIGNED_SHORT: 65535}


def _float(r: random.Random) -> float:
    c = r.random()
    if c < 0.05:
        return _NAN
    if c < 0.08:
        return r.choice([_INF, -_INF])
    if c < 0.3:
        return r.choice([0.0, 1.0, -1.0, 0.5])
    return round(r.uniform(-1.5, 1.5), r.choice([1, 3, 7]))


Pick = Callable[[random.Random], float]


def _among(options: Sequence[float], *, else_: Pick | None = None, p: float = 1.0) -> Pick:
    """Picks one of `options` (with probability `p`, else calls `else_`)."""

    def pick(r: random.Random) -> float:
        if else_ is not None and r.random() >= p:
            return else_(r)
        return r.choice(options)

    return pick


def _upto(top: int) -> Pick:
    """Picks an integer in 0..top."""
    return lambda r: r.randint(0, top)


class _Random:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.scene = Scene()
        self.n = self.r.randint(1, 6)

    def vertex(self, type_: str, ctype: int, pick: Pick, **extra: Any) -> int:
        values = [pick(self.r) for _ in range(self.n * _COMPONENTS[type_])]
        return self.scene.acc(type_, ctype, values, target=34962, **extra)

    def attributes(self) -> dict[str, int]:
        r, s = self.r, self.scene
        position = r.choice([[0.0, 1.0, 0.25, -2.0, 0.5], [0.0, 1.0, 0.25, _NAN]])
        attrs = {"POSITION": self.vertex("VEC3", FLOAT, _among(position))}
        acc = s.accessors[attrs["POSITION"]]
        acc["min"] = [r.choice([0.0, -2.0, 0.25]) for _ in range(3)]
        acc["max"] = [r.choice([1.0, 0.5, 0.0]) for _ in range(3)]
        unit = [0.0, 1.0, 0.6, 0.8, -1.0, 2.0]
        if r.random() < 0.6:
            attrs["NORMAL"] = self.vertex("VEC3", FLOAT, _among(unit, else_=_float, p=0.9))
        if r.random() < 0.4:
            attrs["TANGENT"] = self.vertex("VEC4", FLOAT, _among([*unit, 0.5]))
        if r.random() < 0.2:
            attrs["COLOR_0"] = self.vertex("VEC4", FLOAT, _float)
        elif r.random() < 0.25:
            attrs["COLOR_0"] = self.vertex("VEC4", UNSIGNED_BYTE, _upto(255), normalized=True)
        return attrs

    def influences(self, attrs: dict[str, int], joints: int) -> None:
        r = self.r
        for k in range(r.choice([1, 1, 2])):
            jct = r.choice([UNSIGNED_BYTE, UNSIGNED_SHORT])
            pick = _among([0, 0, 1, 2, joints], else_=_upto(5), p=0.85)
            attrs[f"JOINTS_{k}"] = self.vertex("VEC4", jct, pick)
            wct = r.choice([FLOAT, FLOAT, UNSIGNED_BYTE, UNSIGNED_SHORT])
            if wct == FLOAT:
                weights = [0.0, 0.0, 1.0, 0.5, 0.25, 0.75, -0.25, 0.1, 0.2, 0.7, 1 / 3]
                attrs[f"WEIGHTS_{k}"] = self.vertex("VEC4", FLOAT, _among(weights))
            else:
                top = _MAX[wct]
                levels = [0, 0, top, top // 2, top - top // 2]
                pick = _among(levels, else_=_upto(top), p=0.8)
                attrs[f"WEIGHTS_{k}"] = self.vertex("VEC4", wct, pick, normalized=True)

    def indices(self) -> int:
        r, n = self.r, self.n
        ctype = r.choice([UNSIGNED_BYTE, UNSIGNED_SHORT])
        options = [0, 1, 2, n - 1, n, _MAX[ctype], r.randint(0, n)]
        idx = [r.choice(options) for _ in range(r.choice([3, 6, 7]))]
        extra: dict[str, Any] = {}
        if r.random() < 0.4:
            extra = {"min": [min(idx)], "max": [max(idx) + r.choice([0, 0, 1])]}
        return self.scene.acc("SCALAR", ctype, idx, target=34963, **extra)

    def skin(self, joints: list[int]) -> dict[str, Any]:
        r = self.r
        skin: dict[str, Any] = {"joints": joints}
        if r.random() < 0.5:
            ibm: list[float] = []
            for _ in joints:
                m = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]
                if r.random() < 0.4:
                    m[r.choice([3, 7, 11, 15])] = r.choice([0.5, _NAN, 2.0])
                ibm += m
            skin["inverseBindMatrices"] = self.scene.acc("MAT4", FLOAT, ibm)
        return skin

    def animation(self, node: int, also: int) -> dict[str, Any]:
        r, s = self.r, self.scene
        k = r.randint(1, 5)
        odd = [0.0, 1.0, 0.5, 2.0, -1.0, _NAN, 3.0]
        times = [r.choice(odd) if r.random() < 0.4 else float(i) for i in range(k)]
        sampler: dict[str, Any] = {"input": s.acc("SCALAR", FLOAT, times, bounds=True)}
        cubic = r.random() < 0.4
        count = k * (3 if cubic else 1) * 4
        if r.random() < 0.67:
            q = [r.choice([0.0, 1.0, 0.6, 0.8, 2.0]) for _ in range(count)]
            sampler["output"] = s.acc("VEC4", FLOAT, q)
        else:
            q = [r.choice([0, 32767, 16384, -32767, -32768]) for _ in range(count)]
            sampler["output"] = s.acc("VEC4", SHORT, q, normalized=True)
        if cubic:
            sampler["interpolation"] = "CUBICSPLINE"
        channels = [{"sampler": 0, "target": {"node": node, "path": "rotation"}}]
        if r.random() < 0.3:
            channels.append({"sampler": 0, "target": {"node": also, "path": "rotation"}})
        return {"samplers": [sampler], "channels": channels}


def random_data_doc(seed: int) -> dict[str, Any]:
    """A small random scene (see the module's docstring); deterministic per seed."""
    g = _Random(seed)
    r, s = g.r, g.scene
    attrs = g.attributes()
    skinned = r.random() < 0.5
    joint_count = r.randint(1, 4)
    if skinned:
        g.influences(attrs, joint_count)
    primitive: dict[str, Any] = {"attributes": attrs}
    if r.random() < 0.6:
        primitive["indices"] = g.indices()
    primitives = [primitive]
    if r.random() < 0.3:  # a second primitive sharing the accessors
        primitives.append({"attributes": dict(attrs), "mode": r.choice([0, 4])})
    top: dict[str, Any] = {"meshes": [{"primitives": primitives}]}
    nodes: list[dict[str, Any]] = [{"mesh": 0}]
    if skinned:
        nodes[0]["skin"] = 0
        joints = list(range(1, joint_count + 1))
        nodes += [{} for _ in joints]
        top["skins"] = [g.skin(joints)]
        if r.random() < 0.3:  # another node with a skin of fewer joints
            nodes.append({"mesh": 0, "skin": 1})
            top["skins"].append({"joints": joints[:1]})
    if r.random() < 0.5:
        nodes.append({})
        top["animations"] = [g.animation(len(nodes) - 1, 0)]
    if r.random() < 0.3:
        sparse = s.sparse(4, [r.randint(0, 5) for _ in range(3)], [_float(r) for _ in range(3)])
        if r.random() < 0.5:
            s.accessors[sparse].update({"min": [0.0], "max": [1.0]})
    top["nodes"] = nodes
    top["scenes"] = [{"nodes": list(range(len(nodes)))}]
    top["scene"] = 0
    return s.doc(**top)
