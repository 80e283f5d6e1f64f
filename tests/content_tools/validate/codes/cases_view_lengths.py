"""Per-code cases: accessors on a buffer view whose byteLength is missing or invalid. The
reference keeps such a view with a length of -1, so every accessor (or sparse part) on it is
ACCESSOR_TOO_LONG at its byteOffset, after the view's own schema error (cases_accessors.py
has a byteLength of -1; these are the other ways to lose it, and sparse parts)."""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import UNSIGNED_SHORT, Builder, CodeCase, pack

__all__ = ["CASES"]


def _floats(byte_length: Any) -> dict[str, Any]:
    """Two floats in a view of their own; its byteLength replaced by `byte_length` (None:
    removed) unless it is "keep"."""
    built = Builder()
    built.accessor([0.5, 0.25], type="SCALAR", bounds=False)
    view = built.doc["bufferViews"][0]
    if byte_length is None:
        del view["byteLength"]
    elif byte_length != "keep":
        view["byteLength"] = byte_length
    return built.gltf()


def _sparse(byte_length: Any) -> dict[str, Any]:
    """A sparse accessor whose indices and values share view 1, of `byte_length`."""
    built = Builder()
    base = built.accessor([0.0, 0.0, 0.0], type="SCALAR", bounds=False)
    view = built.view(pack(UNSIGNED_SHORT, [1, 0]) + pack(5126, [1.0]))
    built.doc["accessors"][base]["sparse"] = {
        "count": 1,
        "indices": {"bufferView": view, "componentType": UNSIGNED_SHORT},
        "values": {"bufferView": view, "byteOffset": 4},
    }
    if byte_length != "keep":
        built.doc["bufferViews"][view]["byteLength"] = byte_length
    return built.gltf()


CASES: list[CodeCase] = [
    CodeCase("ACCESSOR_TOO_LONG", _floats(0.5), _floats("keep"), "/accessors/0/byteOffset"),
    CodeCase("ACCESSOR_TOO_LONG", _floats(None), _floats("keep"), "/accessors/0/byteOffset"),
    CodeCase(
        "ACCESSOR_TOO_LONG", _sparse(-1), _sparse("keep"), "/accessors/0/sparse/values/byteOffset"
    ),
]
