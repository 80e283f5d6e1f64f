"""Quantizing one primitive's vertex attributes (KHR_mesh_quantization and the
EXT_meshopt_compression filters), each within a bound it reports the error of.

- POSITION: unsigned short; the node's scale and translation dequantize it.
  Within `POSITION_MAX_ERROR_M` per axis of the grid (the mesh's frame, at world scale), so
  within sqrt(3) times that (0.87 mm) of where the vertex was, however the node turns it; the
  merged meshes of a scene larger than a room (`ROOM_EXTENT_M`) share a grid of
  `LARGE_SCENE_BITS` across its extent instead (`large_scene_step`).
- NORMAL, TANGENT: 4 signed bytes, octahedral filter (8 bits). Within `NORMAL_MAX_ERROR_DEG`.
- TEXCOORD_n that the material's textures sample: unsigned short; KHR_texture_transform on
  those textures dequantizes it. Within `UV_MAX_ERROR_TEXELS` of the largest such texture.
- other TEXCOORD_n: float, exponential filter (16 bits, one exponent per component); the
  error is reported in UV units.
- COLOR_n: unsigned byte, normalized. Within 1/510.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from content_tools.meshpack.filters import EXPONENTIAL, OCTAHEDRAL, encode_exp, encode_oct

__all__ = [
    "COLOR_MAX_ERROR",
    "LARGE_SCENE_BITS",
    "NORMAL_MAX_ERROR_DEG",
    "POSITION_MAX_ERROR_M",
    "ROOM_EXTENT_M",
    "UV_MAX_ERROR_TEXELS",
    "Encoded",
    "Errors",
    "UvGrid",
    "encode_attribute",
    "large_scene_step",
    "position_grid",
    "to_floats",
]

Floats = npt.NDArray[np.float64]

POSITION_MAX_ERROR_M = 0.0005
"""Half a millimetre per axis (at world scale): a grid step of 2**-10 m, about 0.98 mm, so at
most 0.85 mm from where the vertex was."""
LARGE_SCENE_BITS = 14
"""Bits per axis across the extent of a scene larger than a room: gltfpack's default
(`-vp 14`), so such a scene is never quantized coarser than gltfpack would."""
ROOM_EXTENT_M = (2**LARGE_SCENE_BITS - 1) * 2 * POSITION_MAX_ERROR_M
"""16.4 m: up to this extent, `POSITION_MAX_ERROR_M` is finer than `LARGE_SCENE_BITS`."""
NORMAL_BITS = 8
NORMAL_MAX_ERROR_DEG = 1.2
UV_MAX_ERROR_TEXELS = 0.125
UV_EXP_BITS = 16
COLOR_MAX_ERROR = 1 / 510
_MAX_U16 = 65535
_NORMALIZED_SCALE = {5121: 255.0, 5123: 65535.0, 5120: 127.0, 5122: 32767.0}


@dataclass(slots=True)
class Errors:
    """The largest error seen per kind (positions in metres at world scale)."""

    position_m: float = 0.0
    """The largest error of one coordinate."""
    position_distance_m: float = 0.0
    """The largest distance between a vertex and where it was."""
    normal_deg: float = 0.0
    uv_texels: float = 0.0
    uv_units: float = 0.0
    color: float = 0.0

    def merge(self, other: Errors) -> None:
        for name in (
            "position_m",
            "position_distance_m",
            "normal_deg",
            "uv_texels",
            "uv_units",
            "color",
        ):
            setattr(self, name, max(getattr(self, name), getattr(other, name)))


@dataclass(frozen=True, slots=True)
class UvGrid:
    """How one material's texture coordinate set is quantized: uv = offset + step * q."""

    offset: tuple[float, float]
    step: float
    texels: int
    """The largest texture dimension that samples the set (for the error in texels)."""


@dataclass(slots=True)
class Encoded:
    rows: npt.NDArray[np.uint8]
    """(count, stride) bytes, stride a multiple of 4."""
    accessor: dict[str, Any]
    filter: str | None = None
    errors: Errors = field(default_factory=Errors)


def to_floats(values: npt.NDArray[Any], accessor: dict[str, Any]) -> Floats:
    """Accessor values as float64 (normalized integers mapped to 0..1 or -1..1)."""
    floats = values.astype(np.float64)
    if accessor.get("normalized"):
        floats /= _NORMALIZED_SCALE[accessor["componentType"]]
        np.maximum(floats, -1.0, out=floats)
    return floats


def position_grid(
    low: Floats, high: Floats, max_error: float, *, step: float | None = None
) -> tuple[Floats, float]:
    """(offset, step) of a grid on which positions between `low` and `high` are off by at
    most `max_error` per axis. The offset is a multiple of the step, so meshes quantized
    with the same step line up exactly. The step is a power of two (short, exact numbers in the
    document); it grows only where 16 bits would not reach. A given `step` (a larger scene's,
    `large_scene_step`) is used as it is, `max_error` then unused."""
    if step is not None:  # a decimal step (`large_scene_step`): offsets as short decimals
        digits = max(0, -math.floor(math.log10(step)) + 2)
        return np.round(np.floor(low / step) * step, digits), step
    step = 2.0 ** math.floor(math.log2(2 * max_error))  # exact in binary
    offset = np.floor(low / step) * step
    if float(np.max(high - offset)) / step > _MAX_U16:
        offset = low.copy()
        step = float(np.max(high - low)) / _MAX_U16
    return offset, step


def large_scene_step(low: Floats, high: Floats) -> float | None:
    """The grid step that the merged (static, unscripted) meshes of a scene larger than a room
    share, from the bounds of all of them; None at room scale (up to `ROOM_EXTENT_M`), where
    they keep `POSITION_MAX_ERROR_M`.

    Beyond a room: 2**LARGE_SCENE_BITS - 1 steps across the largest extent, gltfpack's
    precision (0.95 mm per axis on a 31 m field: about 0.03 milliradian seen from 30 m, far
    below a headset pixel), rounded down to two significant digits (short numbers in the
    document; never coarser). The nodes the script names keep `POSITION_MAX_ERROR_M` whatever
    the scene's size."""
    extent = float(np.max(high - low))
    if extent <= ROOM_EXTENT_M:
        return None
    wanted = extent / (2**LARGE_SCENE_BITS - 1)
    exponent = math.floor(math.log10(wanted)) - 1
    return float(round(math.floor(wanted / 10.0**exponent) * 10.0**exponent, -exponent))


def _rows(values: npt.NDArray[Any], width: int) -> npt.NDArray[np.uint8]:
    """Values (count, k) padded to `width` components, as bytes (count, bytes)."""
    padded = np.zeros((len(values), width), dtype=values.dtype)
    padded[:, : values.shape[1]] = values
    return padded.view(np.uint8).reshape(len(values), -1)


def encode_attribute(
    name: str,
    values: Floats,
    *,
    position: tuple[Floats, float, float] | None = None,
    uv: UvGrid | None = None,
) -> Encoded:
    """Quantize one attribute. `position` is (offset, step, world scale) for POSITION; `uv`
    the grid of a TEXCOORD set its material samples (None: exponential filter)."""
    if name == "POSITION":
        if position is None:
            raise ValueError("POSITION needs its grid")
        offset, step, scale = position
        q = np.clip(np.rint((values - offset) / step), 0, _MAX_U16).astype(np.uint16)
        difference = offset + q * step - values
        axis = float(np.max(np.abs(difference), initial=0.0))
        distance = float(np.max(np.linalg.norm(difference, axis=1), initial=0.0))
        accessor = {"componentType": 5123, "type": "VEC3"}
        errors = Errors(position_m=axis * scale, position_distance_m=distance * scale)
        return Encoded(_rows(q, 4), accessor, errors=errors)
    if name in ("NORMAL", "TANGENT"):
        return _octahedral(name, values)
    if name.startswith("TEXCOORD_"):
        return _texcoord(values, uv)
    if name.startswith("COLOR_"):
        q = np.rint(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
        error = float(np.max(np.abs(q / 255.0 - values), initial=0.0))
        kind = "VEC4" if values.shape[1] == 4 else "VEC3"
        accessor = {"componentType": 5121, "type": kind, "normalized": True}
        return Encoded(_rows(q, 4), accessor, errors=Errors(color=error))
    raise ValueError(f"cannot quantize {name}")


def _octahedral(name: str, values: Floats) -> Encoded:
    vectors = values.copy()
    length = np.linalg.norm(vectors[:, :3], axis=1, keepdims=True)
    vectors[:, :3] = np.where(length > 0, vectors[:, :3] / np.maximum(length, 1e-30), 0.0)
    encoded = encode_oct(vectors, NORMAL_BITS)
    decoded = _decode_oct(encoded)[:, :3]
    decoded /= np.maximum(np.linalg.norm(decoded, axis=1, keepdims=True), 1e-30)
    cosine = np.clip(np.sum(decoded * vectors[:, :3], axis=1), -1.0, 1.0)
    valid = length[:, 0] > 0
    error = float(np.degrees(np.max(np.arccos(cosine[valid]), initial=0.0)))
    kind = "VEC4" if name == "TANGENT" else "VEC3"
    accessor = {"componentType": 5120, "type": kind, "normalized": True}
    rows = encoded.view(np.uint8).reshape(len(encoded), 4)
    return Encoded(rows, accessor, OCTAHEDRAL, Errors(normal_deg=error))


def _decode_oct(encoded: npt.NDArray[np.int8]) -> Floats:
    import meshoptimizer  # type: ignore[import-untyped,unused-ignore]

    raw = encoded.view(np.uint8).reshape(-1)
    decoded = meshoptimizer.decode_filter_oct(raw, len(encoded), 4)
    return np.asarray(decoded).view(np.int8).reshape(-1, 4).astype(np.float64) / 127.0


def _texcoord(values: Floats, uv: UvGrid | None) -> Encoded:
    if uv is None:
        encoded = encode_exp(values, UV_EXP_BITS)
        decoded = _decode_exp(encoded)
        error = float(np.max(np.abs(decoded - values), initial=0.0))
        accessor = {"componentType": 5126, "type": "VEC2"}
        rows = encoded.view(np.uint8).reshape(len(encoded), -1)
        return Encoded(rows, accessor, EXPONENTIAL, Errors(uv_units=error))
    offset = np.array(uv.offset)
    q = np.clip(np.rint((values - offset) / uv.step), 0, _MAX_U16).astype(np.uint16)
    error = float(np.max(np.abs(offset + q * uv.step - values), initial=0.0))
    accessor = {"componentType": 5123, "type": "VEC2"}
    return Encoded(
        _rows(q, 2), accessor, errors=Errors(uv_units=error, uv_texels=error * uv.texels)
    )


def _decode_exp(encoded: npt.NDArray[np.uint32]) -> Floats:
    import meshoptimizer

    raw = encoded.view(np.uint8).reshape(-1)
    decoded = meshoptimizer.decode_filter_exp(raw, len(encoded), 4 * encoded.shape[1])
    return np.asarray(decoded).view(np.float32).reshape(encoded.shape).astype(np.float64)
