"""Node transforms as the reference holds them: in single precision (its vector_math types
store float32), and whether a column-major 4x4 matrix decomposes to TRS, computed step by step
as the reference does (double arithmetic, every stored value rounded to float32)."""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

__all__ = ["is_trs_decomposable", "single"]


_SINGLE = struct.Struct("<f")


def _f32(value: float) -> float:
    """`value` rounded to float32 (a C cast: beyond its range, an infinity)."""
    try:
        rounded: float = _SINGLE.unpack(_SINGLE.pack(value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return rounded


def single(values: list[float] | None) -> list[float] | None:
    """`values` rounded to float32 (out of range: infinite), as the reference stores them."""
    return None if values is None else [_f32(v) for v in values]


def _sqrt(value: float) -> float:
    return math.sqrt(value) if value >= 0 else math.nan


def _div(a: float, b: float) -> float:
    """a / b as JavaScript computes it (a zero divisor gives an infinity or NaN)."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _determinant(s: Sequence[float]) -> float:
    n = s[0] * s[5] - s[1] * s[4]
    k = s[0] * s[6] - s[2] * s[4]
    h = s[0] * s[7] - s[3] * s[4]
    g = s[1] * s[6] - s[2] * s[5]
    f = s[1] * s[7] - s[3] * s[5]
    e = s[2] * s[7] - s[3] * s[6]
    return (
        -(s[9] * e - s[10] * f + s[11] * g) * s[12]
        + (s[8] * e - s[10] * h + s[11] * k) * s[13]
        - (s[8] * f - s[9] * h + s[11] * n) * s[14]
        + (s[8] * g - s[9] * k + s[10] * n) * s[15]
    )


def _norm(s: Sequence[float]) -> float:
    """The largest sum of a column's absolute values."""
    return max(0.0, *(sum(abs(v) for v in s[c : c + 4]) for c in (0, 4, 8, 12)))


def _quaternion(f: list[float]) -> list[float]:
    """The rotation (x, y, z, w) of a column-major 3x3 matrix, stored in float32."""
    q = [0.0, 0.0, 0.0, 0.0]
    trace = 0 + f[0] + f[4] + f[8]
    if trace > 0:
        c = _sqrt(trace + 1)
        q[3] = _f32(c * 0.5)
        c = _div(0.5, c)
        q[0] = _f32((f[5] - f[7]) * c)
        q[1] = _f32((f[6] - f[2]) * c)
        q[2] = _f32((f[1] - f[3]) * c)
        return q
    b = 1 if f[0] < f[4] else 0  # b: the largest diagonal element, as the reference picks it
    b = 2 if f[b * 4] < f[8] else b
    a, a0 = (b + 1) % 3, (b + 2) % 3
    c = _sqrt(f[b * 3 + b] - f[a * 3 + a] - f[a0 * 3 + a0] + 1)
    q[b] = _f32(c * 0.5)
    c = _div(0.5, c)
    q[3] = _f32((f[a * 3 + a0] - f[a0 * 3 + a]) * c)
    q[a] = _f32((f[b * 3 + a] + f[a * 3 + b]) * c)
    q[a0] = _f32((f[b * 3 + a0] + f[a0 * 3 + b]) * c)
    return q


def is_trs_decomposable(values: Sequence[float]) -> bool:
    """Column-major 4x4 (float32 values): last row (0,0,0,1), invertible, and rebuilt from
    T*R*S with a norm within 5e-5 of its own."""
    s = [_f32(v) for v in values]
    if len(s) != 16 or not all(math.isfinite(v) for v in s):
        return False  # an infinite norm never compares within the threshold
    if s[3] != 0 or s[7] != 0 or s[11] != 0 or s[15] != 1:
        return False
    det = _determinant(s)
    if det == 0:
        return False
    scale = [_sqrt(s[c] * s[c] + s[c + 1] * s[c + 1] + s[c + 2] * s[c + 2]) for c in (0, 4, 8)]
    if det < 0:
        scale[0] = -scale[0]
    h = list(s)
    for c, factor in zip((0, 4, 8), (_div(1, v) for v in scale), strict=True):
        for i in range(c, c + 3):
            h[i] = _f32(h[i] * factor)
    x, y, z, w = _quaternion([h[0], h[1], h[2], h[4], h[5], h[6], h[8], h[9], h[10]])
    sx, sy, sz = (_f32(v) for v in scale)
    x2, y2, z2 = x + x, y + y, z + z
    xx, xy, xz = x * x2, x * y2, x * z2
    yy, yz, zz = y * y2, y * z2, z * z2
    wx, wy, wz = w * x2, w * y2, w * z2
    rotation = [
        [1 - (yy + zz), xy + wz, xz - wy],
        [xy - wz, 1 - (xx + zz), yz + wx],
        [xz + wy, yz - wx, 1 - (xx + yy)],
    ]
    rebuilt: list[float] = []
    for column, factor in zip(rotation, (sx, sy, sz), strict=True):
        rebuilt.extend(_f32(_f32(v) * factor) for v in column)
        rebuilt.append(0.0)
    rebuilt.extend([s[12], s[13], s[14], 1.0])
    return abs(_norm(rebuilt) - _norm(s)) < 0.00005
