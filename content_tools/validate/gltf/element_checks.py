"""The reference's per-element accessor checks, vectorised: each check looks at the whole
decoded accessor (its component stream) at once and returns what the reference would report
element by element.

The reference feeds every component of an accessor, in order, to each check registered on it
(`check`), then lets each one report its totals (`done`). A check here returns its `hits`, the
messages `check` would add, each with the flat component position where the reference adds it
(and a rank among the check's messages at that position), plus the `done` messages; `data.py`
merges the hits of an accessor's checks in the reference's order. At most `limit` hits are
returned per check: the report keeps no more messages than that anyway.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from content_tools.validate.gltf.accessor_data import normalized_divided
from content_tools.validate.gltf.objects import Accessor, Check

__all__ = ["CHECKS", "Hit", "Message", "Result", "invalid_floats", "min_max", "rows"]

Message = tuple[str, tuple[Any, ...], str]
"""(code, message arguments, JSON pointer)."""
Hit = tuple[int, int, Message]
"""(flat component position, rank at that position, message)."""
Result = tuple[list[Hit], list[Message]]
"""(hits in position order, done messages)."""

UNIT_VEC3 = 0.00674
UNIT_QUAT = 0.00769
_RESTART = {5121: 255, 5123: 65535, 5125: 4294967295}


def _first(mask: np.ndarray, limit: int) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask)[:limit]]


def invalid_floats(flat: np.ndarray, pointer: str, limit: int) -> list[Hit]:
    """ACCESSOR_INVALID_FLOAT: NaN or infinite components."""
    bad = _first(~np.isfinite(flat), limit)
    return [(i, 0, ("ACCESSOR_INVALID_FLOAT", (i, float(flat[i])), pointer)) for i in bad]


def _extreme(col: np.ndarray, is_float: bool, key: str) -> Any:
    """The running minimum or maximum as the reference computes it: the first component
    starts it (a NaN there sticks), NaN never replaces it, infinities do."""
    if not is_float:
        return int(col.min() if key == "min" else col.max())
    first = float(col[0])
    if math.isnan(first):
        return math.nan
    # NaNs dropped before reducing: np.fmin/np.fmax go wrong on a signalling NaN (0x7f98...).
    numbers = col[~np.isnan(col)]
    return float(numbers.min() if key == "min" else numbers.max())


def rows(acc: Accessor, flat: np.ndarray) -> np.ndarray:
    """The whole elements of a component stream, (elements, components): a last element cut
    short (a byteStride that is no multiple of the component size) is left out."""
    comps = max(acc.components, 1)
    return flat[: len(flat) - len(flat) % comps].reshape(-1, comps)


def min_max(acc: Accessor, flat: np.ndarray, key: str, pointer: str) -> list[Message]:
    """ACCESSOR_MIN_MISMATCH / ACCESSOR_MAX_MISMATCH per component, each followed by
    ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND / _MAX_BOUND when elements lie outside."""
    declared_list = acc.min if key == "min" else acc.max
    if declared_list is None:
        return []
    is_float = acc.component_type == 5126
    data = flat if is_float else flat.astype(np.int64)
    out: list[Message] = []
    for c, declared in enumerate(declared_list[: acc.components]):
        col = data[c :: acc.components]
        if not len(col):
            continue
        actual = _extreme(col, is_float, key)
        if declared == actual:
            continue
        where = f"{pointer}/{key}/{c}"
        code = "ACCESSOR_MIN_MISMATCH" if key == "min" else "ACCESSOR_MAX_MISMATCH"
        out.append((code, (declared, actual), where))
        outside = int(np.count_nonzero(col < declared if key == "min" else col > declared))
        if outside:
            code = (
                "ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND"
                if key == "min"
                else "ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND"
            )
            out.append((code, (outside, declared), where))
    return out


def _values(acc: Accessor, arr: np.ndarray) -> np.ndarray:
    return normalized_divided(acc, arr)


def _sum_squares(values: np.ndarray, n: int) -> np.ndarray:
    """Sum of the squares of the first `n` columns, added left to right as the reference."""
    total: np.ndarray = values[:, 0] * values[:, 0]
    for c in range(1, n):
        total = total + values[:, c] * values[:, c]
    return total


def _unit(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    arr = rows(acc, flat)
    if arr.shape[1] != 3:
        return [], []
    lengths = np.sqrt(_sum_squares(_values(acc, arr), 3))
    hits: list[Hit] = []
    for v in _first(np.abs(lengths - 1.0) > UNIT_VEC3, limit):
        pos = v * 3 + 2
        msg = ("ACCESSOR_VECTOR3_NON_UNIT", (pos - 2, pos, float(lengths[v])), check.pointer)
        hits.append((pos, 0, msg))
    return hits, []


def _tangent(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    arr = rows(acc, flat)
    if arr.shape[1] != 4:
        return [], []
    values = _values(acc, arr)
    lengths = np.sqrt(_sum_squares(values, 3))
    w = values[:, 3]
    hits: list[Hit] = []
    for v in _first(np.abs(lengths - 1.0) > UNIT_VEC3, limit):
        pos = v * 4 + 2
        msg = ("ACCESSOR_VECTOR3_NON_UNIT", (pos - 2, pos, float(lengths[v])), check.pointer)
        hits.append((pos, 0, msg))
    for v in _first((w != 1.0) & (w != -1.0), limit):
        pos = v * 4 + 3
        hits.append((pos, 0, ("ACCESSOR_INVALID_SIGN", (pos - 3, pos, float(w[v])), check.pointer)))
    hits.sort(key=lambda h: h[0])
    return hits[:limit], []


def _clamped(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    bad = _first((flat > 1.0) | (flat < 0.0), limit)
    return [(i, 0, ("ACCESSOR_NON_CLAMPED", (i, float(flat[i])), check.pointer)) for i in bad], []


def _indices(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    values = flat.astype(np.int64)
    vertex_count = int(check.args["vertex_count"])
    max_index = vertex_count - 1 if vertex_count != -1 else -1
    ptr = check.pointer
    hits: list[Hit] = []
    for i in _first(values > max_index, limit):
        hits.append((i, 0, ("ACCESSOR_INDEX_OOB", (i, int(values[i]), max_index), ptr)))
    restart = _RESTART.get(acc.component_type)
    if restart is not None:
        for i in _first(values == restart, limit):
            hits.append((i, 1, ("ACCESSOR_INDEX_PRIMITIVE_RESTART", (int(values[i]), i), ptr)))
        hits.sort(key=lambda h: (h[0], h[1]))
    done: list[Message] = []
    if check.args["mode"] == 4:
        triangles = acc.count // 3
        tris = values[: len(values) // 3 * 3].reshape(-1, 3)
        a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
        degenerate = int(np.count_nonzero((a == b) | (b == c) | (c == a)))
        if degenerate:
            done.append(("ACCESSOR_INDEX_TRIANGLE_DEGENERATE", (degenerate, triangles), ptr))
    return hits[:limit], done


def _anim_input(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    values = flat.astype(np.float64)
    ptr = check.pointer
    negative = values < 0
    # The previous value is the last non-negative one before (NaN counts), 0 at first.
    positions = np.where(~negative, np.arange(len(values)), -1)
    last = np.maximum.accumulate(positions)
    prev = np.zeros(len(values))
    if len(values) > 1:
        before = last[:-1]
        prev[1:] = np.where(before >= 0, values[np.maximum(before, 0)], 0.0)
    non_increasing = ~negative & (values <= prev)
    non_increasing[0] = False
    hits: list[Hit] = []
    for i in _first(negative, limit):
        hits.append((i, 0, ("ACCESSOR_ANIMATION_INPUT_NEGATIVE", (i, float(values[i])), ptr)))
    for i in _first(non_increasing, limit):
        args = (i, float(values[i]), float(prev[i]))
        hits.append((i, 0, ("ACCESSOR_ANIMATION_INPUT_NON_INCREASING", args, ptr)))
    hits.sort(key=lambda h: h[0])
    return hits[:limit], []


def _quat(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    arr = rows(acc, flat)
    if arr.shape[1] != 4:
        return [], []
    lengths = np.sqrt(_sum_squares(_values(acc, arr), 4))
    bad = np.abs(lengths - 1.0) > UNIT_QUAT
    if check.args.get("cubic"):
        bad &= np.arange(len(lengths)) % 3 == 1
    code = "ACCESSOR_ANIMATION_SAMPLER_OUTPUT_NON_NORMALIZED_QUATERNION"
    hits: list[Hit] = []
    for v in _first(bad, limit):
        pos = v * 4 + 3
        hits.append((pos, 0, (code, (pos - 3, pos, float(lengths[v])), check.pointer)))
    return hits, []


def _ibm(acc: Accessor, flat: np.ndarray, check: Check, limit: int) -> Result:
    if acc.components != 16:
        return [], []
    hits: list[Hit] = []
    for c, expected in ((3, 0.0), (7, 0.0), (11, 0.0), (15, 1.0)):
        col = flat[c::16]
        for m in _first(col != expected, limit):
            pos = m * 16 + c
            hits.append((pos, 0, ("ACCESSOR_INVALID_IBM", (pos, c, float(col[m])), check.pointer)))
    hits.sort(key=lambda h: h[0])
    return hits[:limit], []


CHECKS: dict[str, Callable[[Accessor, np.ndarray, Check, int], Result]] = {
    "unit": _unit,
    "tangent": _tangent,
    "clamped": _clamped,
    "indices": _indices,
    "anim_input": _anim_input,
    "quat": _quat,
    "ibm": _ibm,
}
"""Check kind (as the link pass registers it, `objects.Check`) -> its vectorised form."""
