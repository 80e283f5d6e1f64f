"""Small matrix helpers: is a column-major 4x4 matrix decomposable to TRS?"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["is_trs_decomposable"]


def _quat_from_rotation(r: np.ndarray) -> tuple[float, float, float, float]:
    trace = r[0, 0] + r[1, 1] + r[2, 2]
    if trace > 0:
        s = math.sqrt(trace + 1.0)
        w = s * 0.5
        s = 0.5 / s
        x = (r[2, 1] - r[1, 2]) * s
        y = (r[0, 2] - r[2, 0]) * s
        z = (r[1, 0] - r[0, 1]) * s
        return x, y, z, w
    i = 0
    if r[1, 1] > r[0, 0]:
        i = 1
    if r[2, 2] > r[i, i]:
        i = 2
    j = (i + 1) % 3
    k = (i + 2) % 3
    s = math.sqrt(max(r[i, i] - r[j, j] - r[k, k] + 1.0, 0.0))
    q = [0.0, 0.0, 0.0, 0.0]
    q[i] = s * 0.5
    s = 0.5 / s if s != 0 else 0.0
    q[3] = (r[k, j] - r[j, k]) * s
    q[j] = (r[j, i] + r[i, j]) * s
    q[k] = (r[k, i] + r[i, k]) * s
    return q[0], q[1], q[2], q[3]


def _rotation_from_quat(x: float, y: float, z: float, w: float) -> np.ndarray:
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def is_trs_decomposable(values: Sequence[float]) -> bool:
    """Column-major 4x4: last row (0,0,0,1), invertible, and rebuilt from T*R*S within 5e-5."""
    with np.errstate(all="ignore"):
        return _decomposable(values)


def _decomposable(values: Sequence[float]) -> bool:
    if len(values) != 16 or not all(math.isfinite(v) for v in values):
        return False
    if values[3] != 0.0 or values[7] != 0.0 or values[11] != 0.0 or values[15] != 1.0:
        return False
    m = np.array(values, dtype=np.float64).reshape(4, 4).T  # row-major view
    det = float(np.linalg.det(m))
    if det == 0.0:
        return False
    sx = float(np.linalg.norm(m[:3, 0]))
    sy = float(np.linalg.norm(m[:3, 1]))
    sz = float(np.linalg.norm(m[:3, 2]))
    if det < 0:
        sx = -sx
    if sx == 0 or sy == 0 or sz == 0 or not math.isfinite(det):
        return False
    r = m[:3, :3] / np.array([sx, sy, sz])
    x, y, z, w = _quat_from_rotation(r)
    rebuilt = np.eye(4)
    rebuilt[:3, :3] = _rotation_from_quat(x, y, z, w) * np.array([sx, sy, sz])
    rebuilt[:3, 3] = m[:3, 3]
    # The reference compares the matrices' norms: the largest sum of a column's absolute values
    # (the translation column often decides).
    err = abs(float(np.abs(rebuilt).sum(axis=0).max()) - float(np.abs(m).sum(axis=0).max()))
    return err < 0.00005
