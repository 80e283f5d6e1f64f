"""The EXT_meshopt_compression filter encoders (octahedral, quaternion, exponential).

PyPI `meshoptimizer` wraps the decoders only; the encoders are in the same C library
(`meshopt_encodeFilter*`), called here through ctypes. Each returns the filtered bytes that
the vertex codec then compresses; the view that holds them names the filter.
"""

from __future__ import annotations

import ctypes
import importlib
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["EXPONENTIAL", "OCTAHEDRAL", "QUATERNION", "encode_exp", "encode_oct", "encode_quat"]

OCTAHEDRAL = "OCTAHEDRAL"
QUATERNION = "QUATERNION"
EXPONENTIAL = "EXPONENTIAL"
_EXP_SHARED_COMPONENT = 2  # meshopt_EncodeExpSharedComponent: one exponent per component


@cache
def _lib() -> Any:
    lib = importlib.import_module("meshoptimizer._loader").lib
    pointer, size, integer = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    for name in ("meshopt_encodeFilterOct", "meshopt_encodeFilterQuat"):
        getattr(lib, name).argtypes = [pointer, size, size, integer, pointer]
        getattr(lib, name).restype = None
    lib.meshopt_encodeFilterExp.argtypes = [pointer, size, size, integer, pointer, integer]
    lib.meshopt_encodeFilterExp.restype = None
    return lib


def _floats(values: npt.NDArray[Any], width: int) -> npt.NDArray[np.float32]:
    data = np.zeros((len(values), width), dtype=np.float32)
    data[:, : values.shape[1]] = values
    return data


def _unit_vectors(
    name: str, values: npt.NDArray[Any], bits: int, dtype: type[np.signedinteger[Any]]
) -> npt.NDArray[Any]:
    data = _floats(values, 4)
    out = np.zeros((len(data), 4), dtype=dtype)
    stride = 4 * out.itemsize
    getattr(_lib(), name)(out.ctypes.data, len(data), stride, bits, data.ctypes.data)
    return out


def encode_oct(vectors: npt.NDArray[Any], bits: int) -> npt.NDArray[np.int8]:
    """Unit vectors (n, 3), or tangents (n, 4) whose w is kept, as 4 signed bytes each."""
    if not 1 <= bits <= 8:
        raise ValueError("octahedral bits must be 1-8 for 4-byte elements")
    return _unit_vectors("meshopt_encodeFilterOct", vectors, bits, np.int8)


def encode_quat(quaternions: npt.NDArray[Any], bits: int) -> npt.NDArray[np.int16]:
    """Unit quaternions (n, 4) as 4 signed shorts each (the sign of the quaternion may flip)."""
    if not 4 <= bits <= 16:
        raise ValueError("quaternion bits must be 4-16")
    return _unit_vectors("meshopt_encodeFilterQuat", quaternions, bits, np.int16)


def encode_exp(values: npt.NDArray[Any], bits: int) -> npt.NDArray[np.uint32]:
    """Floats (n, k) with `bits` of mantissa, one exponent per component over the array."""
    if not 1 <= bits <= 24:
        raise ValueError("exponential bits must be 1-24")
    data = np.ascontiguousarray(values, dtype=np.float32)
    width = data.shape[1]
    out = np.zeros((len(data), width), dtype=np.uint32)
    _lib().meshopt_encodeFilterExp(
        out.ctypes.data, len(data), 4 * width, bits, data.ctypes.data, _EXP_SHARED_COMPONENT
    )
    return out
