"""Per-code cases: min and max of float accessors that hold a signalling NaN (bytes 00 00 98 7f,
as a flipped byte makes one). The reference skips the NaN and compares the other elements;
numpy's fmin/fmax reductions do not skip such a NaN, so these guard our reduction."""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import Builder, CodeCase

__all__ = ["CASES"]

_VALUES = [-2.75, -8.75, 10.0, 1.75, 0.0, -2.0]
_SIGNALLING_NAN = bytes.fromhex("0000987f")


def _with_nan(low: float, high: float) -> dict[str, Any]:
    """An unused SCALAR float accessor over _VALUES with element 4 a signalling NaN, declaring
    `low` and `high` as its bounds (the true ones, NaN aside, are -8.75 and 10)."""
    built = Builder()
    built.accessor(_VALUES, type="SCALAR", bounds=False, min=[low], max=[high])
    built.bin[16:20] = _SIGNALLING_NAN
    return built.gltf()


CASES: list[CodeCase] = [
    CodeCase("ACCESSOR_MIN_MISMATCH", _with_nan(-9.0, 10.0), _with_nan(-8.75, 10.0)),
    CodeCase("ACCESSOR_MAX_MISMATCH", _with_nan(-8.75, 11.0), _with_nan(-8.75, 10.0)),
]
