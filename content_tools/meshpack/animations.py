"""Animation outputs stored with the EXT_meshopt_compression filters."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import numpy.typing as npt

from content_tools.glb_parts import GlbParts, accessor_values
from content_tools.meshpack.accessors import FILTER_KEY, add_accessor
from content_tools.meshpack.filters import EXPONENTIAL, QUATERNION, encode_exp, encode_quat

QUATERNION_BITS = 16
"""Rotation keyframes: within 0.05 degrees (tests/content_tools/meshpack/test_pack.py)."""
ANIMATION_EXP_BITS = 20
"""Translation and scale keyframes: 20 bits of mantissa per component (one exponent per
component over the output)."""


def pack_animations(parts: GlbParts, cache: dict[bytes, int]) -> int:
    """Store linear or step animation outputs with the EXT_meshopt_compression filters:
    rotations as 16-bit normalized quaternions (QUATERNION_BITS), translations and scales as
    floats with ANIMATION_EXP_BITS of mantissa (EXPONENTIAL). Outputs that several paths share,
    cubic splines (whose tangents must not be normalized) and morph weights stay as they are."""
    document = parts.document
    accessors = document.get("accessors", [])
    paths: dict[int, set[str]] = defaultdict(set)
    samplers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for animation in document.get("animations", []):
        for channel in animation.get("channels", []):
            sampler = animation["samplers"][channel["sampler"]]
            paths[sampler["output"]].add(channel.get("target", {}).get("path", ""))
            samplers[sampler["output"]].append(sampler)
    done = 0
    for index in sorted(paths):
        accessor = accessors[index]
        path = next(iter(paths[index])) if len(paths[index]) == 1 else ""
        shape = {"rotation": "VEC4", "translation": "VEC3", "scale": "VEC3"}.get(path)
        if (
            shape is None
            or accessor.get("type") != shape
            or accessor.get("componentType") != 5126
            or "bufferView" not in accessor
            or "sparse" in accessor
            or accessor.get("count", 0) < 1
            or any(s.get("interpolation") == "CUBICSPLINE" for s in samplers[index])
        ):
            continue
        values = accessor_values(parts, index).astype(np.float64)
        if path == "rotation":
            lengths = np.linalg.norm(values, axis=1, keepdims=True)
            encoded: npt.NDArray[Any] = encode_quat(
                values / np.maximum(lengths, 1e-30), QUATERNION_BITS
            )
            fields = {"componentType": 5122, "type": "VEC4", "normalized": True}
            name = QUATERNION
        else:
            encoded = encode_exp(values, ANIMATION_EXP_BITS)
            fields = {"componentType": 5126, "type": "VEC3"}
            name = EXPONENTIAL
        rows = encoded.view(np.uint8).reshape(len(encoded), -1)
        new = {**fields, "count": len(rows), FILTER_KEY: name}  # outputs need no min/max
        new_index = add_accessor(parts, cache, new, rows.tobytes(), rows.shape[1])
        for sampler in samplers[index]:
            sampler["output"] = new_index
        done += 1
    return done
