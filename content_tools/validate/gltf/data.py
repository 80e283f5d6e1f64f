"""Accessor data checks, vectorised with numpy: element decoding (strides, matrix column
padding, sparse substitution), NaN/infinity, declared min/max, unit vectors, tangents, colour
clamping, indices, animation inputs and rotations, joints and weights.

Data is only read where it really is (buffer bytes present and the accessor fits them), so the
memory used is bounded by the file sizes, never by counts the JSON claims.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.objects import (
    Accessor,
    BufferView,
    Document,
    Primitive,
    SparsePart,
)

__all__ = ["MAX_REPORTS_PER_CHECK", "decode_accessor", "validate_data"]

MAX_REPORTS_PER_CHECK = 1024
"""Offending elements reported one by one per check; the rest are counted only."""
MAX_ZERO_FILLED = 1 << 24
"""Sparse accessors without a bufferView are zero-filled up to this many components."""

_DTYPES = {5120: "<i1", 5121: "<u1", 5122: "<i2", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
_RESTART = {5121: 255, 5123: 65535, 5125: 4294967295}
UNIT_VEC3 = 0.00674
UNIT_VEC4 = 0.00769
UNIT_SUM_STEP = 0.0039216


def _view_bytes(bv: BufferView | None) -> memoryview | None:
    """The bytes of a buffer view, if its buffer's data is loaded and the view fits it."""
    if bv is None or bv.buffer is None or bv.buffer.data is None:
        return None
    if bv.byte_offset < 0 or bv.byte_length < 0:
        return None
    data = bv.buffer.data
    if bv.byte_offset + bv.byte_length > len(data):
        return None
    return memoryview(data)[bv.byte_offset : bv.byte_offset + bv.byte_length]


def _part_array(part: SparsePart, dtype: str, n: int) -> np.ndarray | None:
    raw = _view_bytes(part.buffer_view)
    if raw is None or part.byte_offset < 0:
        return None
    size = np.dtype(dtype).itemsize
    if part.byte_offset % size or part.byte_offset + n * size > len(raw):
        return None
    return np.frombuffer(raw, dtype=dtype, count=n, offset=part.byte_offset)


def decode_accessor(acc: Accessor) -> np.ndarray | None:
    """Elements as an (count, components) array of the raw component values, or None."""
    if not acc.valid or not acc.layout_ok:
        return None
    dtype = _DTYPES[acc.component_type]
    comps = acc.components
    size = acc.component_size
    base: np.ndarray | None
    if acc.buffer_view is not None:
        raw = _view_bytes(acc.buffer_view)
        if raw is None:
            return None
        stride = acc.stride
        if stride < acc.element_length or acc.byte_offset < 0 or acc.byte_offset % size:
            return None
        if (acc.buffer_view.byte_offset + acc.byte_offset) % size:
            return None
        if acc.byte_offset + acc.byte_length > len(raw):
            return None
        gaps = (acc.component_type in (5120, 5121) and acc.type in ("MAT2", "MAT3")) or (
            acc.component_type in (5122, 5123) and acc.type == "MAT3"
        )
        if gaps:
            rows = 2 if acc.type == "MAT2" else 3
            col_stride = 4 if size == 1 else 8
            view = np.ndarray(
                shape=(acc.count, rows, rows),
                dtype=dtype,
                buffer=raw,
                offset=acc.byte_offset,
                strides=(stride, col_stride, size),
            )
            base = view.reshape(acc.count, rows * rows)
        else:
            base = np.ndarray(
                shape=(acc.count, comps),
                dtype=dtype,
                buffer=raw,
                offset=acc.byte_offset,
                strides=(stride, size),
            )
    elif acc.sparse is not None:
        if acc.count * comps > MAX_ZERO_FILLED:
            return None
        base = np.zeros((acc.count, comps), dtype=dtype)
    else:
        return None
    sp = acc.sparse
    if sp is not None:
        if sp.count < 1 or sp.count > acc.count or sp.indices is None or sp.values is None:
            return None
        if sp.indices.component_type not in _DTYPES:
            return None
        idx = _part_array(sp.indices, _DTYPES[sp.indices.component_type], sp.count)
        vals = _part_array(sp.values, dtype, sp.count * comps)
        if idx is None or vals is None:
            return None
        if np.any(idx >= acc.count):
            return None
        base = np.array(base, copy=True)
        base[idx.astype(np.int64)] = vals.reshape(sp.count, comps)
    return base


def _normalized(acc: Accessor, arr: np.ndarray) -> np.ndarray:
    if acc.component_type == 5126 or not acc.normalized:
        return arr.astype(np.float64)
    ct = acc.component_type
    if ct == 5120:
        return np.maximum(arr.astype(np.float64) / 127.0, -1.0)
    if ct == 5121:
        return arr.astype(np.float64) / 255.0
    if ct == 5122:
        return np.maximum(arr.astype(np.float64) / 32767.0, -1.0)
    if ct == 5123:
        return arr.astype(np.float64) / 65535.0
    return arr.astype(np.float64)


def _num(acc: Accessor, value: Any) -> Any:
    if acc.component_type == 5126 and not isinstance(value, int):
        return float(value)
    return int(value)


def _first(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(mask)[:MAX_REPORTS_PER_CHECK]


def _float_name(value: float) -> Raw:
    if math.isnan(value):
        return Raw("NaN")
    return Raw("Infinity" if value > 0 else "-Infinity")


def _check_sparse(acc: Accessor, ctx: Ctx, pointer: str) -> None:
    sp = acc.sparse
    if sp is None or sp.indices is None or sp.count < 1:
        return
    if sp.indices.component_type not in _DTYPES:
        return
    idx = _part_array(sp.indices, _DTYPES[sp.indices.component_type], sp.count)
    if idx is None:
        return
    idx64 = idx.astype(np.int64)
    if len(idx64) > 1:
        bad = np.flatnonzero(idx64[1:] <= idx64[:-1])[:MAX_REPORTS_PER_CHECK] + 1
        for i in bad:
            ctx.add(
                "ACCESSOR_SPARSE_INDICES_NON_INCREASING",
                int(i),
                int(idx64[i]),
                int(idx64[i - 1]),
                pointer=f"{pointer}/sparse",
            )
    for i in _first(idx64 >= acc.count):
        ctx.add(
            "ACCESSOR_SPARSE_INDEX_OOB",
            int(i),
            int(idx64[i]),
            acc.count,
            pointer=f"{pointer}/sparse",
        )


def _check_accessor(acc: Accessor, arr: np.ndarray, ctx: Ctx) -> None:
    pointer = f"/accessors/{acc.index}"
    comps = acc.components
    is_float = acc.component_type == 5126
    flat = arr.reshape(-1)
    finite = np.isfinite(flat) if is_float else None
    if finite is not None and not finite.all():
        for i in _first(~finite):
            ctx.add("ACCESSOR_INVALID_FLOAT", int(i), _float_name(float(flat[i])), pointer=pointer)
    if acc.min is not None or acc.max is not None:
        data = arr
        if is_float and finite is not None and not finite.all():
            data = np.where(np.isfinite(arr), arr, np.nan)
        for key, declared_list in (("min", acc.min), ("max", acc.max)):
            if declared_list is None or len(declared_list) != comps:
                continue
            for c in range(comps):
                col = data[:, c]
                declared = declared_list[c]
                if is_float:
                    valid = col[~np.isnan(col)]
                    actual: Any = (
                        float(valid.min() if key == "min" else valid.max())
                        if len(valid)
                        else math.nan
                    )
                else:
                    actual = int(col.min() if key == "min" else col.max())
                if actual != declared:
                    code = "ACCESSOR_MIN_MISMATCH" if key == "min" else "ACCESSOR_MAX_MISMATCH"
                    ctx.add(
                        code, _num(acc, declared), _num(acc, actual), pointer=f"{pointer}/{key}/{c}"
                    )
                if key == "min":
                    n = int(np.count_nonzero(col < declared))
                    code = "ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND"
                else:
                    n = int(np.count_nonzero(col > declared))
                    code = "ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND"
                if n:
                    ctx.add(code, n, _num(acc, declared), pointer=f"{pointer}/{key}/{c}")


def _check_unit(acc: Accessor, arr: np.ndarray, ctx: Ctx, ptr: str, tangent: bool) -> None:
    if arr.shape[1] < 3 or (tangent and arr.shape[1] != 4):
        return
    values = _normalized(acc, arr)
    lengths = np.sqrt((values[:, :3] ** 2).sum(axis=1))
    comps = arr.shape[1]
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(lengths - 1.0) <= UNIT_VEC3)
    for v in _first(bad):
        ctx.add(
            "ACCESSOR_VECTOR3_NON_UNIT",
            int(v) * comps,
            int(v) * comps + 2,
            float(lengths[v]),
            pointer=ptr,
        )
    if tangent:
        w = values[:, 3]
        for v in _first((w != 1.0) & (w != -1.0)):
            ctx.add("ACCESSOR_INVALID_SIGN", int(v) * 4, int(v) * 4 + 3, float(w[v]), pointer=ptr)


def _check_clamped(arr: np.ndarray, ctx: Ctx, ptr: str) -> None:
    flat = arr.reshape(-1)
    with np.errstate(invalid="ignore"):
        bad = (flat < 0.0) | (flat > 1.0)
    for i in _first(bad):
        ctx.add("ACCESSOR_NON_CLAMPED", int(i), float(flat[i]), pointer=ptr)


def _check_indices(
    acc: Accessor, arr: np.ndarray, ctx: Ctx, ptr: str, args: dict[str, Any]
) -> None:
    values = arr.reshape(-1).astype(np.int64)
    vertex_count = int(args["vertex_count"])
    restart = _RESTART.get(acc.component_type)
    is_restart = values == restart if restart is not None else np.zeros(len(values), dtype=bool)
    for i in _first(is_restart):
        ctx.add("ACCESSOR_INDEX_PRIMITIVE_RESTART", int(values[i]), int(i), pointer=ptr)
    if vertex_count >= 0:
        for i in _first((values >= vertex_count) & ~is_restart):
            ctx.add("ACCESSOR_INDEX_OOB", int(i), int(values[i]), vertex_count - 1, pointer=ptr)
    if args["mode"] == 4 and len(values) >= 3:
        tris = values[: len(values) // 3 * 3].reshape(-1, 3)
        degenerate = int(
            np.count_nonzero(
                (tris[:, 0] == tris[:, 1]) | (tris[:, 1] == tris[:, 2]) | (tris[:, 0] == tris[:, 2])
            )
        )
        if degenerate:
            ctx.add("ACCESSOR_INDEX_TRIANGLE_DEGENERATE", degenerate, len(tris), pointer=ptr)


def _check_anim_input(arr: np.ndarray, ctx: Ctx, ptr: str) -> None:
    values = arr.reshape(-1).astype(np.float64)
    neg = values < 0
    for i in _first(neg):
        ctx.add("ACCESSOR_ANIMATION_INPUT_NEGATIVE", int(i), float(values[i]), pointer=ptr)
    keep = np.flatnonzero(~neg & np.isfinite(values))
    if len(keep) > 1:
        kept = values[keep]
        bad = np.flatnonzero(kept[1:] <= kept[:-1])[:MAX_REPORTS_PER_CHECK] + 1
        for j in bad:
            ctx.add(
                "ACCESSOR_ANIMATION_INPUT_NON_INCREASING",
                int(keep[j]),
                float(kept[j]),
                float(kept[j - 1]),
                pointer=ptr,
            )


def _check_quat(acc: Accessor, arr: np.ndarray, ctx: Ctx, ptr: str, cubic: bool) -> None:
    if arr.shape[1] != 4:
        return
    values = _normalized(acc, arr)
    lengths = np.sqrt((values**2).sum(axis=1))
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(lengths - 1.0) <= UNIT_VEC4)
    if cubic:
        bad &= np.arange(len(values)) % 3 == 1
    for v in _first(bad):
        ctx.add(
            "ACCESSOR_ANIMATION_SAMPLER_OUTPUT_NON_NORMALIZED_QUATERNION",
            int(v) * 4,
            int(v) * 4 + 3,
            float(lengths[v]),
            pointer=ptr,
        )


def _check_ibm(arr: np.ndarray, ctx: Ctx, ptr: str) -> None:
    if arr.shape[1] != 16:
        return
    expected = {3: 0.0, 7: 0.0, 11: 0.0, 15: 1.0}
    for c, value in expected.items():
        col = arr[:, c]
        for m in _first(col != value):
            ctx.add("ACCESSOR_INVALID_IBM", int(m), c, float(col[m]), pointer=ptr)


def _check_skinning(doc: Document, ctx: Ctx, cache: dict[int, np.ndarray | None]) -> None:
    users: dict[int, list[int]] = {}
    for node in doc.nodes:
        if (
            node is not None
            and node.mesh is not None
            and node.skin is not None
            and node.skin.joint_indices is not None
        ):
            users.setdefault(node.mesh.index, []).append(node.skin.index)
    for mesh in doc.meshes:
        if mesh is None or not mesh.primitives:
            continue
        skins = sorted(set(users.get(mesh.index, [])))
        for prim in mesh.primitives:
            _check_primitive_skinning(doc, prim, skins, ctx, cache)


def _check_primitive_skinning(
    doc: Document,
    prim: Primitive,
    skins: list[int],
    ctx: Ctx,
    cache: dict[int, np.ndarray | None],
) -> None:
    sets: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    n = 0
    while f"JOINTS_{n}" in prim.attr_accessors and f"WEIGHTS_{n}" in prim.attr_accessors:
        ja = prim.attr_accessors[f"JOINTS_{n}"]
        wa = prim.attr_accessors[f"WEIGHTS_{n}"]
        jd = cache.get(ja.index)
        wd = cache.get(wa.index)
        if jd is None or wd is None or jd.shape != wd.shape or jd.shape[1] != 4:
            return
        sets.append((f"JOINTS_{n}", f"WEIGHTS_{n}", jd.astype(np.int64), _normalized(wa, wd)))
        n += 1
    if not sets:
        return
    base = prim.pointer + "/attributes/"
    joints = np.concatenate([s[2] for s in sets], axis=1)
    weights = np.concatenate([s[3] for s in sets], axis=1)

    def hits(
        mask: np.ndarray, values: np.ndarray, which: int
    ) -> Iterator[tuple[int, int, Any, str]]:
        """The first flagged entries of `mask`: element index, component, value, and the
        pointer to the JOINTS_n (`which` 0) or WEIGHTS_n (1) attribute holding it."""
        for k in _first(mask.reshape(-1)):
            v, col = divmod(int(k), joints.shape[1])
            set_i, comp = divmod(col, 4)
            yield v * 4 + comp, comp, values[v, col], base + sets[set_i][which]

    oob = np.zeros(joints.shape, dtype=bool)
    if skins:
        counts = [
            (len(skin.joint_indices or []), s) for s in skins if (skin := doc.skins[s]) is not None
        ]
        if counts:
            limit, skin_index = min(counts)
            oob = joints >= limit
            for element, comp, joint, pointer in hits(oob, joints, 0):
                code = "ACCESSOR_JOINTS_INDEX_OOB"
                ctx.add(code, element, comp, int(joint), limit - 1, skin_index, pointer=pointer)
    zero = (weights == 0) & (joints != 0)
    for element, comp, joint, pointer in hits(zero, joints, 0):
        ctx.add("ACCESSOR_JOINTS_USED_ZERO_WEIGHT", element, comp, int(joint), pointer=pointer)
    nonzero = weights != 0
    dup = np.zeros(joints.shape, dtype=bool)
    for c in range(1, joints.shape[1]):
        for d in range(c):
            dup[:, c] |= (joints[:, c] == joints[:, d]) & nonzero[:, c] & nonzero[:, d]
    for element, comp, joint, pointer in hits(dup, joints, 0):
        ctx.add("ACCESSOR_JOINTS_INDEX_DUPLICATE", element, comp, int(joint), pointer=pointer)
    negative = weights < 0
    for element, comp, weight, pointer in hits(negative, weights, 1):
        ctx.add("ACCESSOR_WEIGHTS_NEGATIVE", element, comp, float(weight), pointer=pointer)
    valid = ~negative & ~oob
    sums = np.where(valid, weights, 0.0).sum(axis=1)
    wa0 = prim.attr_accessors["WEIGHTS_0"]
    if wa0.component_type == 5126:
        threshold = 2e-7 * np.count_nonzero(valid & nonzero, axis=1) + 1e-12
        threshold = np.maximum(threshold, 5e-7)
    else:
        threshold = UNIT_SUM_STEP * np.count_nonzero(valid & nonzero, axis=1) / 2
    bad = ~(np.abs(sums - 1.0) <= threshold)
    for v in np.flatnonzero(bad)[:MAX_REPORTS_PER_CHECK]:
        for s in sets:
            ctx.add(
                "ACCESSOR_WEIGHTS_NON_NORMALIZED",
                int(v) * 4,
                int(v) * 4 + 3,
                float(sums[v]),
                pointer=base + s[1],
            )


def validate_data(doc: Document, ctx: Ctx) -> None:
    """Decode every accessor once and run the checks the links registered on it."""
    with np.errstate(all="ignore"):
        _validate_data(doc, ctx)


def _validate_data(doc: Document, ctx: Ctx) -> None:
    cache: dict[int, np.ndarray | None] = {}
    for acc in doc.accessors:
        if acc is None or not acc.valid:
            continue
        if acc.buffer_view is None and acc.sparse is None:
            continue
        pointer = f"/accessors/{acc.index}"
        _check_sparse(acc, ctx, pointer)
        arr = decode_accessor(acc)
        cache[acc.index] = arr
        if arr is None or arr.size == 0:
            continue
        _check_accessor(acc, arr, ctx)
        for check in acc.checks:
            if check.kind == "unit":
                _check_unit(acc, arr, ctx, check.pointer, tangent=False)
            elif check.kind == "tangent":
                _check_unit(acc, arr, ctx, check.pointer, tangent=True)
            elif check.kind == "clamped":
                _check_clamped(arr, ctx, check.pointer)
            elif check.kind == "indices":
                _check_indices(acc, arr, ctx, check.pointer, check.args)
            elif check.kind == "anim_input":
                if acc.component_type == 5126:
                    _check_anim_input(arr, ctx, check.pointer)
            elif check.kind == "quat":
                _check_quat(acc, arr, ctx, check.pointer, bool(check.args.get("cubic")))
            elif check.kind == "ibm":
                _check_ibm(arr, ctx, check.pointer)
    _check_skinning(doc, ctx, cache)
